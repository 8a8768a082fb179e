/**
 * The activity log: who changed what in the console, and when. Written by every state-changing console
 * action, read newest first a page at a time from one partition (no scan). Entries expire after two years.
 * Detail holds identifiers (a wave id, a reader's address), never a contact's personal data: an erasure is
 * logged by contact id, so the log cannot undo it.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { ValidationError } from '#shared/core/errors.ts';
import type { TableStore } from '#shared/store/table.ts';
import { activityFromItem, activityToItem } from './activity-item.ts';
import { ACTIVITY_PARTITION, ACTIVITY_PREFIX, activityKey } from './keys.ts';

/** What can be logged; the console's catalogs have an `activity.<kind>` sentence for each. */
export const ACTIVITY_KINDS = [
  'wave.created',
  'wave.cancelled',
  'wave.reminderCancelled',
  'reader.added',
  'reader.removed',
  'digest.sent',
  'contact.erased',
  'alert.added',
  'alert.removed',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export type ActivityDetail = Readonly<Record<string, string | number>>;

export interface ActivityEntry {
  id: string;
  /** ISO 8601 time of the action. */
  at: string;
  /** The signed-in user's email. */
  who: string;
  what: ActivityKind;
  detail: ActivityDetail;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  /** Pass as `after` for the next (older) page; absent on the last page. */
  next?: string;
}

const RETENTION_DAYS = 730;
const MAX_DETAIL_FIELDS = 10;
const MAX_DETAIL_CHARS = 300;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const nextId = monotonicFactory();

const checkedDetail = (detail: ActivityDetail): ActivityDetail => {
  const entries = Object.entries(detail);
  if (entries.length > MAX_DETAIL_FIELDS)
    throw new ValidationError(`Activity detail has ${entries.length} fields; at most ${MAX_DETAIL_FIELDS}`);
  for (const [name, value] of entries) {
    if (typeof value === 'string' && value.length > MAX_DETAIL_CHARS)
      throw new ValidationError(`Activity detail "${name}" is over ${MAX_DETAIL_CHARS} characters`);
  }
  return detail;
};

/** Logs one action. `when` defaults to now; entries of the same millisecond keep the order they were made. */
export const recordActivity = async (
  store: TableStore,
  action: { who: string; what: ActivityKind; when?: Date; detail?: ActivityDetail },
): Promise<ActivityEntry> => {
  const when = action.when ?? new Date();
  const entry: ActivityEntry = {
    id: nextId(when.getTime()),
    at: when.toISOString(),
    who: action.who,
    what: action.what,
    detail: checkedDetail(action.detail ?? {}),
  };
  await store.ddb.send(
    new PutCommand({
      TableName: store.table,
      Item: activityToItem(entry, Math.floor(when.getTime() / 1000) + RETENTION_DAYS * 86_400),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return entry;
};

/** One page of the log, newest first; `after` is the `next` of the previous page. */
export const listActivity = async (
  store: TableStore,
  options: { limit?: number; after?: string } = {},
): Promise<ActivityPage> => {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 200);
  if (options.after !== undefined && !ULID.test(options.after))
    throw new ValidationError('Not a page of the activity log', { field: 'after' });
  const out = await store.ddb.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ACTIVITY_PARTITION, ':prefix': ACTIVITY_PREFIX },
      ScanIndexForward: false,
      Limit: limit,
      ...(options.after ? { ExclusiveStartKey: activityKey(options.after) } : {}),
    }),
  );
  const entries = (out.Items ?? []).map(activityFromItem);
  const last = entries[entries.length - 1];
  return { entries, ...(out.LastEvaluatedKey && last ? { next: last.id } : {}) };
};
