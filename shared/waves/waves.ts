/** Waves: an audience, a survey kind, a send time. Creation is all-or-nothing. */

import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { monotonicFactory, ulid } from 'ulid';
import type { AudienceMember, AudienceRow, SkippedRow } from '#shared/audience/audience.ts';
import { getContacts } from '#shared/contacts/contacts.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/core/errors.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { parseDurationDays } from '#shared/core/time.ts';
import { batchPut } from '#shared/store/dynamo.ts';
import { DUE_PARTITION, dueSortKey, RECIPIENT_PREFIX, recipientKey, waveKey } from '#shared/store/keys.ts';
import type { Locale } from '#templates/index.ts';

export type WaveStatus = 'importing' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

export interface Wave {
  id: string;
  name: string;
  kind: SurveyKind;
  locale: Locale;
  /** What the question asks about ("How likely are you to recommend {product}…"). */
  product: string;
  sendAt: string;
  /** ISO-8601 duration of the recurrence, e.g. P90D. */
  every?: string;
  /** Spread the sends evenly over this many days from `sendAt` (a linear quota), so responses arrive steadily. */
  spreadDays?: number;
  /** How much of a spread wave's quota senders have taken. */
  dispatched?: number;
  /** For an occurrence of a recurring wave: the previous occurrence, and this one's number (the first is 1). */
  parentId?: string;
  occurrence?: number;
  status: WaveStatus;
  recipients: number;
  skipped: Record<string, number>;
  createdAt: string;
}

export type RecipientStatus = 'pending' | 'claimed' | 'sent' | 'failed' | 'skipped';

export interface Recipient {
  pk: string;
  sk: string;
  waveId: string;
  contactId: string;
  email: string;
  name: string;
  locale: Locale;
  kind: SurveyKind;
  props: Record<string, string>;
  status: RecipientStatus;
  reason?: string;
  claimedAt?: string;
  sentAt?: string;
  messageId?: string;
}

const newId = monotonicFactory();

export interface NewWave {
  name: string;
  kind: SurveyKind;
  locale: Locale;
  product: string;
  sendAt: Date;
  every?: string;
  spreadDays?: number;
}

export interface CreateWaveResult {
  id: string;
  recipients: number;
  skipped: SkippedRow[];
  sendAt: string;
}

/**
 * Creates a wave from an audience, read twice so nothing is written when the file is invalid.
 * 1. Validate every row (first pass). 2. Write the wave as `importing` and its recipients.
 * 3. Flip it to `scheduled`, which makes it due. On any failure, delete what was written.
 */
export const createWave = async (
  deps: { ddb: DynamoDBDocumentClient; table: string },
  wave: NewWave,
  readRows: () => AsyncIterable<AudienceRow>,
  options: { skipInvalid: boolean; file: string; onProgress?: (rows: number) => void },
): Promise<CreateWaveResult> => {
  if (!wave.name.trim() || wave.name.length > 200) {
    throw new ValidationError('--name must be 1–200 characters', { field: 'name' });
  }
  const skipped: SkippedRow[] = [];
  let valid = 0;
  const invalid: SkippedRow[] = [];
  for await (const row of readRows()) {
    if (row.ok) valid++;
    else {
      skipped.push(row.skipped);
      if (row.invalid) invalid.push(row.skipped);
    }
  }
  if (invalid.length > 0 && !options.skipInvalid) {
    const first = invalid[0] as SkippedRow;
    const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more invalid rows)` : '';
    throw new ValidationError(
      `${options.file}, line ${first.line}: ${first.reason}${more}; nothing was created`,
      {
        field: 'audience',
      },
    );
  }
  if (valid === 0) throw new ValidationError(`${options.file}: no valid recipients; nothing was created`);

  const id = newId();
  const now = new Date().toISOString();
  const sendAt = wave.sendAt.toISOString();
  const skippedCounts: Record<string, number> = {};
  for (const s of skipped) {
    const key = s.reason === 'duplicate' ? 'duplicate' : 'invalid';
    skippedCounts[key] = (skippedCounts[key] ?? 0) + 1;
  }
  const item: Wave = {
    id,
    name: wave.name.trim(),
    kind: wave.kind,
    locale: wave.locale,
    product: wave.product,
    sendAt,
    ...(wave.every ? { every: wave.every } : {}),
    ...(wave.spreadDays ? { spreadDays: wave.spreadDays } : {}),
    status: 'importing',
    recipients: valid,
    skipped: skippedCounts,
    createdAt: now,
  };
  await deps.ddb.send(
    new PutCommand({
      TableName: deps.table,
      Item: { ...waveKey(id), type: 'wave', ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  try {
    let written = 0;
    const batch: AudienceMember[] = [];
    const flush = async () => {
      const items = batch.splice(0).map((m) => recipientItem(id, wave, m));
      await batchPut(deps.ddb, deps.table, items);
      written += items.length;
      options.onProgress?.(written);
    };
    const inFlight = new Set<Promise<void>>();
    for await (const row of readRows()) {
      if (!row.ok) continue;
      batch.push(row.member);
      if (batch.length === 25) {
        const p = flush().finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= 8) await Promise.race(inFlight);
      }
    }
    if (batch.length > 0) await flush();
    await Promise.all(inFlight);
    await markScheduled(deps, id, sendAt);
  } catch (cause) {
    await deleteWaveItems(deps, id).catch(() => undefined);
    throw new Error(`Creating wave ${id} failed; what was written has been removed`, { cause });
  }
  return { id, recipients: valid, skipped, sendAt };
};

const recipientItem = (waveId: string, wave: NewWave, m: AudienceMember): Recipient => ({
  ...recipientKey(waveId, m.contactId),
  waveId,
  contactId: m.contactId,
  email: m.email,
  name: m.name,
  locale: (m.locale as Locale | undefined) ?? wave.locale,
  kind: wave.kind,
  props: m.props,
  status: 'pending',
});

/** An `importing` wave becomes `scheduled` and so due at its time: the last step of creating it. */
const markScheduled = async (
  deps: { ddb: DynamoDBDocumentClient; table: string },
  id: string,
  sendAt: string,
) => {
  await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: waveKey(id),
      UpdateExpression: 'SET #s = :scheduled, gsi1pk = :due, gsi1sk = :dueKey',
      ConditionExpression: '#s = :importing',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':scheduled': 'scheduled',
        ':importing': 'importing',
        ':due': DUE_PARTITION,
        ':dueKey': dueSortKey(sendAt, id),
      },
    }),
  );
};

const deleteWaveItems = async (deps: { ddb: DynamoDBDocumentClient; table: string }, waveId: string) => {
  const pages = paginateQuery(
    { client: deps.ddb },
    {
      TableName: deps.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': waveKey(waveId).pk },
      ProjectionExpression: 'pk, sk',
    },
  );
  for await (const page of pages) {
    await Promise.all(
      (page.Items ?? []).map((Key) => deps.ddb.send(new DeleteCommand({ TableName: deps.table, Key }))),
    );
  }
};

export const getWave = async (ddb: DynamoDBDocumentClient, table: string, id: string): Promise<Wave> => {
  const out = await ddb.send(new GetCommand({ TableName: table, Key: waveKey(id), ConsistentRead: true }));
  if (!out.Item) throw new NotFoundError(`Wave ${id} does not exist`);
  return out.Item as Wave;
};

export const listWaves = async (ddb: DynamoDBDocumentClient, table: string): Promise<Wave[]> => {
  // Waves are few; a paginated, filtered scan is fine for this CLI listing (never on a hot path).
  const waves: Wave[] = [];
  const pages = paginateScan(
    { client: ddb },
    {
      TableName: table,
      FilterExpression: '#t = :wave',
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: { ':wave': 'wave' },
    },
  );
  for await (const page of pages) waves.push(...((page.Items ?? []) as Wave[]));
  return waves.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
};

export const cancelWave = async (ddb: DynamoDBDocumentClient, table: string, id: string): Promise<Wave> => {
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: waveKey(id),
        UpdateExpression: 'SET #s = :cancelled REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#s IN (:scheduled, :sending)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':cancelled': 'cancelled',
          ':scheduled': 'scheduled',
          ':sending': 'sending',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as Wave;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      const wave = await getWave(ddb, table, id);
      throw new ConflictError(`Wave ${id} is ${wave.status} and cannot be cancelled`);
    }
    throw error;
  }
};

/** How many recipients of a spread wave may have been sent by `now`: a linear share of its window. */
export const spreadQuota = (wave: Pick<Wave, 'recipients' | 'sendAt' | 'spreadDays'>, now: Date): number => {
  if (!wave.spreadDays) return wave.recipients;
  const elapsed = now.getTime() - Date.parse(wave.sendAt);
  if (elapsed < 0) return 0;
  return Math.ceil(wave.recipients * Math.min(1, elapsed / (wave.spreadDays * 86_400_000)));
};

const DAY_MS = 86_400_000;

/** The next occurrence's send time: `every` after this one's, and not in the past. */
export const nextSendAt = (wave: Pick<Wave, 'sendAt' | 'every'>, now: Date): Date | undefined => {
  const days = wave.every ? parseDurationDays(wave.every) : undefined;
  if (!days) return undefined;
  let at = Date.parse(wave.sendAt) + days * DAY_MS;
  while (at <= now.getTime()) at += days * DAY_MS;
  return new Date(at);
};

/**
 * The id of a wave's next occurrence: a ULID of its send time whose random part is derived from the parent,
 * so two senders finishing the same wave agree on it and only one occurrence is ever created.
 */
export const occurrenceId = (parentId: string, sendAt: Date): string => {
  const seed = createHash('sha256').update(parentId).digest();
  let i = 0;
  return ulid(sendAt.getTime(), () => (seed[i++ % seed.length] as number) / 256);
};

interface CopyProgress {
  copyCursor?: Record<string, unknown>;
  copiedPages?: number;
  copyDone?: boolean;
}

/**
 * Schedules the next occurrence of a recurring wave that has finished: a new wave with the same audience
 * (recipients copied back to pending; fatigue and consent are checked again when it sends). Idempotent and
 * resumable: the copy keeps a cursor, and the occurrence becomes due only once the copy is complete.
 * Returns undefined when the deadline came first (the next run continues).
 */
export const scheduleNextOccurrence = async (
  deps: { ddb: DynamoDBDocumentClient; table: string; now: () => Date },
  wave: Wave,
  deadline: number,
): Promise<{ id: string; created: boolean } | undefined> => {
  const sendAt = nextSendAt(wave, deps.now());
  if (!sendAt) return { id: '', created: false };
  const id = occurrenceId(wave.id, sendAt);
  const child: Wave = {
    id,
    name: wave.name,
    kind: wave.kind,
    locale: wave.locale,
    product: wave.product,
    sendAt: sendAt.toISOString(),
    ...(wave.every ? { every: wave.every } : {}),
    ...(wave.spreadDays ? { spreadDays: wave.spreadDays } : {}),
    parentId: wave.id,
    occurrence: (wave.occurrence ?? 1) + 1,
    status: 'importing',
    recipients: 0,
    skipped: {},
    createdAt: deps.now().toISOString(),
  };
  let cursor: Record<string, unknown> | undefined;
  let pages = 0;
  let copied = false;
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.table,
        Item: { ...waveKey(id), type: 'wave', ...child, copiedPages: 0 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const existing = (await getWave(deps.ddb, deps.table, id)) as Wave & CopyProgress;
    if (existing.status !== 'importing') return { id, created: false };
    cursor = existing.copyCursor;
    pages = existing.copiedPages ?? 0;
    copied = existing.copyDone === true;
  }
  while (!copied) {
    if (Date.now() >= deadline) return undefined;
    const page = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rcpt)',
        ExpressionAttributeValues: { ':pk': waveKey(wave.id).pk, ':rcpt': RECIPIENT_PREFIX },
        ProjectionExpression: 'contactId, email, #n, locale, props',
        ExpressionAttributeNames: { '#n': 'name' },
        ExclusiveStartKey: cursor,
        Limit: 500,
      }),
    );
    const members = (page.Items ?? []) as Pick<
      Recipient,
      'contactId' | 'email' | 'name' | 'locale' | 'props'
    >[];
    // An erased person's address is not carried into a new wave.
    const contacts = await getContacts(
      deps.ddb,
      deps.table,
      members.map((m) => m.contactId),
    );
    const items = members
      .filter((m) => !contacts.get(m.contactId)?.erasedAt)
      .map(
        (m): Recipient => ({
          ...recipientKey(id, m.contactId),
          waveId: id,
          contactId: m.contactId,
          email: m.email,
          name: m.name,
          locale: m.locale,
          kind: wave.kind,
          props: m.props ?? {},
          status: 'pending',
        }),
      );
    await batchPut(deps.ddb, deps.table, items);
    cursor = page.LastEvaluatedKey;
    copied = cursor === undefined;
    try {
      // Committing a page is conditional on the page count, so a page is counted once even if two copy it.
      await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.table,
          Key: waveKey(id),
          UpdateExpression: `SET copiedPages = :next, copyDone = :done${cursor ? ', copyCursor = :c' : ''} ADD recipients :n${cursor ? '' : ' REMOVE copyCursor'}`,
          ConditionExpression: '#s = :importing AND copiedPages = :pages',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':n': items.length,
            ':importing': 'importing',
            ':pages': pages,
            ':next': pages + 1,
            ':done': copied,
            ...(cursor ? { ':c': cursor } : {}),
          },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return undefined; // another sender is copying it; a later run finishes the job
    }
    pages++;
  }
  try {
    await markScheduled(deps, id, child.sendAt);
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return { id, created: false };
  }
  return { id, created: true };
};
