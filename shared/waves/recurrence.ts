/**
 * Recurring waves: when one finishes, its next occurrence is a new wave with the same audience (recipients
 * copied back to pending; fatigue and consent are checked again when it sends). Two senders finishing the
 * same wave agree on the occurrence's id, so only one is ever created.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getContacts } from '#shared/contacts/contacts.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { batchPut } from '#shared/store/dynamo.ts';
import { RECIPIENT_PREFIX, waveKey } from '#shared/store/keys.ts';
import { RECIPIENT_COPY_PROJECTION, recipientCopyFromItem } from '#shared/store/recipient.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type ShardCursor, waveItemsPage } from '#shared/store/wave-items.ts';
import { pendingRecipient, type Wave } from './model.ts';
import { getWave, markScheduled } from './repository.ts';
import { nextSendAt, occurrenceId } from './schedule.ts';
import { waveToItem } from './wave-item.ts';

/** Recipients copied per page; each page is committed with the cursor, so a copy resumes where it stopped. */
const COPY_PAGE = 500;

interface CopyProgress {
  copyCursor?: ShardCursor;
  copiedPages?: number;
  copyDone?: boolean;
}

/** The next occurrence of `wave`, sending at `sendAt`, before its audience is copied. Pure. */
export const occurrenceOf = (wave: Wave, sendAt: Date, createdAt: Date): Wave => ({
  id: occurrenceId(wave.id, sendAt),
  name: wave.name,
  kind: wave.kind,
  locale: wave.locale,
  product: wave.product,
  sendAt: sendAt.toISOString(),
  ...(wave.every ? { every: wave.every } : {}),
  ...(wave.spreadDays ? { spreadDays: wave.spreadDays } : {}),
  ...(wave.valueColumn ? { valueColumn: wave.valueColumn } : {}),
  // How the loop closes and who the emails come from hold for every occurrence, not the first only.
  ...(wave.alertTo ? { alertTo: wave.alertTo } : {}),
  ...(wave.fromName ? { fromName: wave.fromName } : {}),
  ...(wave.replyTo ? { replyTo: wave.replyTo } : {}),
  ...(wave.remindAfterSeconds !== undefined ? { remindAfterSeconds: wave.remindAfterSeconds } : {}),
  ...(wave.lanes ? { lanes: wave.lanes } : {}),
  parentId: wave.id,
  occurrence: (wave.occurrence ?? 1) + 1,
  status: 'importing',
  recipients: 0,
  skipped: {},
  createdAt: createdAt.toISOString(),
});

/**
 * Schedules the next occurrence of a recurring wave that has finished. Idempotent and resumable: the copy
 * keeps a cursor, and the occurrence becomes due only once the copy is complete. Returns undefined when time
 * ran out first or another sender is copying (a later run continues).
 */
export const scheduleNextOccurrence = async (
  deps: TableStore & { now: () => Date },
  wave: Wave,
  outOfTime: () => boolean,
): Promise<{ id: string; created: boolean } | undefined> => {
  const sendAt = nextSendAt(wave, deps.now());
  if (!sendAt) return { id: '', created: false };
  const child = occurrenceOf(wave, sendAt, deps.now());
  const { id } = child;
  let progress: Required<Pick<CopyProgress, 'copiedPages' | 'copyDone'>> & CopyProgress = {
    copiedPages: 0,
    copyDone: false,
  };
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.table,
        Item: { ...waveToItem(child), copiedPages: 0 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const existing = (await getWave(deps.ddb, deps.table, id)) as Wave & CopyProgress;
    if (existing.status !== 'importing') return { id, created: false };
    progress = {
      copyCursor: existing.copyCursor,
      copiedPages: existing.copiedPages ?? 0,
      copyDone: existing.copyDone === true,
    };
  }
  while (!progress.copyDone) {
    if (outOfTime()) return undefined;
    const next = await copyPage(deps, wave, id, progress);
    if (!next) return undefined; // another sender is copying it; a later run finishes the job
    progress = next;
  }
  try {
    await markScheduled(deps, id, child.sendAt);
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return { id, created: false };
  }
  return { id, created: true };
};

/** Copies one page of the parent's audience into the occurrence; undefined when another copier got there first. */
const copyPage = async (
  store: TableStore,
  wave: Wave,
  id: string,
  { copyCursor, copiedPages }: CopyProgress & { copiedPages: number },
): Promise<(CopyProgress & { copiedPages: number; copyDone: boolean }) | undefined> => {
  const page = await waveItemsPage(
    store,
    wave.id,
    {
      prefix: RECIPIENT_PREFIX,
      projection: RECIPIENT_COPY_PROJECTION.expression,
      names: RECIPIENT_COPY_PROJECTION.names,
      limit: COPY_PAGE,
    },
    copyCursor,
  );
  const members = page.items.map(recipientCopyFromItem);
  // An erased person's address is not carried into a new wave.
  const contacts = await getContacts(
    store.ddb,
    store.table,
    members.map((m) => m.contactId),
  );
  const items = members
    .filter((m) => !contacts.get(m.contactId)?.erasedAt)
    .map((m) => pendingRecipient(id, wave.kind, m));
  await batchPut(store.ddb, store.table, items);
  const cursor = page.next;
  const done = cursor === undefined;
  try {
    // Committing a page is conditional on the page count, so a page is counted once even if two copy it.
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: waveKey(id),
        UpdateExpression: `SET copiedPages = :next, copyDone = :done${cursor ? ', copyCursor = :c' : ''} ADD recipients :n${cursor ? '' : ' REMOVE copyCursor'}`,
        ConditionExpression: '#s = :importing AND copiedPages = :pages',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':n': items.length,
          ':importing': 'importing',
          ':pages': copiedPages,
          ':next': copiedPages + 1,
          ':done': done,
          ...(cursor ? { ':c': cursor } : {}),
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return undefined;
  }
  return { copyCursor: cursor, copiedPages: copiedPages + 1, copyDone: done };
};
