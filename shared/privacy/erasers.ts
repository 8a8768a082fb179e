/**
 * What erasure does with each kind of the personal-data map (`#shared/privacy/personal-data.ts`), for one
 * person: each eraser removes or redacts that kind's items and says how many it changed. `ERASERS` is keyed
 * by the map's kinds, so a kind added to the map does not compile until erasure handles it.
 */
import {
  DeleteCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { contactToItem } from '#shared/contacts/contact-item.ts';
import type { ItemKind } from '#shared/privacy/personal-data.ts';
import { unsubscribeReader } from '#shared/reporting/readers.ts';
import { cancellationCode, isTransactionCanceled } from '#shared/store/conditions.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import {
  linkRateKey,
  RECIPIENT_PREFIX,
  RESPONSE_PREFIX,
  recipientKey,
  responseKey,
  waveIdOfPartition,
  waveKey,
} from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { ACTIVITY_PARTITION, ACTIVITY_PREFIX } from '#shared/team/keys.ts';
import { normaliseEmail } from '../core/identity.ts';

/** One person's items in the waves, found by key. */
export interface Located {
  /** Wave ids where they have a recipient item. */
  recipients: string[];
  /** Responses by wave id, with whether each was in the feedback index. */
  responses: { waveId: string; inFeedback: boolean }[];
}

/** The person being erased, and where their items are (read once, on first use). */
export interface ErasureScope {
  store: TableStore;
  email: string;
  contactId: string;
  erasedAt: string;
  waveIds: readonly string[];
  locate(): Promise<Located>;
}

/** Reads their recipient and response item of every wave by key: 100 keys per batch read, no scan. */
export const locateIn = async (
  store: TableStore,
  contactId: string,
  waveIds: readonly string[],
): Promise<Located> => {
  const keys = waveIds.flatMap((w) => [recipientKey(w, contactId), responseKey(w, contactId)]);
  const items = await batchGetAll(store.ddb, store.table, keys, { consistent: true });
  const waveOf = (item: Record<string, unknown>) => waveIdOfPartition(String(item.pk));
  return {
    recipients: items.filter((i) => String(i.sk).startsWith(RECIPIENT_PREFIX)).map(waveOf),
    responses: items
      .filter((i) => String(i.sk).startsWith(RESPONSE_PREFIX))
      .map((i) => ({ waveId: waveOf(i), inFeedback: i.gsi1pk !== undefined })),
  };
};

/** Runs `work` over `items`, `width` at a time. */
const eachOf = async <T>(items: readonly T[], width: number, work: (item: T) => Promise<number>) => {
  let total = 0;
  for (let i = 0; i < items.length; i += width) {
    total += (await Promise.all(items.slice(i, i + width).map(work))).reduce((a, b) => a + b, 0);
  }
  return total;
};

const CONFLICT_TRIES = 5;

/**
 * Deletes a recipient and takes it off its wave's recipient count in one transaction, so the wave still
 * counts the recipients it holds. Retries a transaction that met a sender updating the same recipient.
 */
export const deleteRecipient = async (store: TableStore, waveId: string, contactId: string) => {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: store.table,
                Key: recipientKey(waveId, contactId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: store.table,
                Key: waveKey(waveId),
                UpdateExpression: 'ADD recipients :minus',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
          ],
        }),
      );
      return 1;
    } catch (error) {
      if (cancellationCode(error, 0) === 'ConditionalCheckFailed') return 0; // gone already
      if (cancellationCode(error, 1) === 'ConditionalCheckFailed') {
        // A recipient without its wave item (a creation that failed half-way): delete it alone.
        const out = await store.ddb.send(
          new DeleteCommand({
            TableName: store.table,
            Key: recipientKey(waveId, contactId),
            ReturnValues: 'ALL_OLD',
          }),
        );
        return out.Attributes ? 1 : 0;
      }
      if (!isTransactionCanceled(error) || attempt >= CONFLICT_TRIES) throw error;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
};

export const deleteResponse = async (store: TableStore, waveId: string, contactId: string) => {
  const out = await store.ddb.send(
    new DeleteCommand({
      TableName: store.table,
      Key: responseKey(waveId, contactId),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return out.Attributes ? 1 : 0;
};

/** The contact item becomes the tombstone: the contact id and when they were erased, nothing else. */
export const putTombstone = async (scope: Pick<ErasureScope, 'store' | 'contactId' | 'erasedAt'>) => {
  const out = await scope.store.ddb.send(
    new PutCommand({
      TableName: scope.store.table,
      Item: contactToItem({ contactId: scope.contactId, erasedAt: scope.erasedAt }),
      ReturnValues: 'ALL_OLD',
    }),
  );
  const old = out.Attributes ?? {};
  return Object.keys(old).some((a) => !['pk', 'sk', 'contactId', 'erasedAt'].includes(a)) ? 1 : 0;
};

/** A redaction's stand-in for the address: the contact id, which the activity log uses for erasures. */
const redacted = (contactId: string) => `erased contact ${contactId}`;

const redactActivity = async (scope: ErasureScope): Promise<number> => {
  const pages = paginateQuery(
    { client: scope.store.ddb },
    {
      TableName: scope.store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ACTIVITY_PARTITION, ':prefix': ACTIVITY_PREFIX },
      ProjectionExpression: 'pk, sk, detail',
    },
  );
  let count = 0;
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const detail = (item.detail ?? {}) as Record<string, unknown>;
      const fields = Object.keys(detail).filter(
        (f) => typeof detail[f] === 'string' && normaliseEmail(detail[f] as string) === scope.email,
      );
      if (fields.length === 0) continue;
      await scope.store.ddb.send(
        new UpdateCommand({
          TableName: scope.store.table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: `SET ${fields.map((_, i) => `#d.#f${i} = :r`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries([
            ['#d', 'detail'],
            ...fields.map((f, i) => [`#f${i}`, f]),
          ]),
          ExpressionAttributeValues: { ':r': redacted(scope.contactId) },
        }),
      );
      count++;
    }
  }
  return count;
};

/** Deletes the request budgets of their links: one query per wave they were a recipient of. */
const deleteLinkBudgets = async (scope: ErasureScope): Promise<number> =>
  eachOf((await scope.locate()).recipients, 8, async (waveId) => {
    let count = 0;
    const pages = paginateQuery(
      { client: scope.store.ddb },
      {
        TableName: scope.store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': linkRateKey(waveId, scope.contactId, 0).pk },
        ProjectionExpression: 'pk, sk',
      },
    );
    for await (const page of pages) {
      for (const Key of page.Items ?? []) {
        await scope.store.ddb.send(new DeleteCommand({ TableName: scope.store.table, Key }));
        count++;
      }
    }
    return count;
  });

/** Items kept as they are: they hold the contact id only (the map says why). */
const keep = async (): Promise<number> => 0;

export const ERASERS: Readonly<Record<ItemKind, (scope: ErasureScope) => Promise<number>>> = {
  contact: putTombstone,
  recipient: async (scope) =>
    eachOf((await scope.locate()).recipients, 8, (waveId) =>
      deleteRecipient(scope.store, waveId, scope.contactId),
    ),
  response: async (scope) =>
    eachOf((await scope.locate()).responses, 8, (r) =>
      deleteResponse(scope.store, r.waveId, scope.contactId),
    ),
  // The index entry is the response itself: deleting the response took it out; this counts them.
  feedbackEntry: async (scope) => (await scope.locate()).responses.filter((r) => r.inFeedback).length,
  linkBudget: deleteLinkBudgets,
  reader: async (scope) => ((await unsubscribeReader(scope.store, scope.email)).removed ? 1 : 0),
  digestLedger: keep,
  activity: redactActivity,
  appliedMarker: keep,
  laneLock: keep,
  surveyedMark: keep,
  alertClaim: keep,
  webhookDelivery: keep,
  erasureNotice: keep,
  // Redacted by the local bus itself when this erasure's ContactErased reaches it (as every consumer does).
  localEventLog: keep,
};
