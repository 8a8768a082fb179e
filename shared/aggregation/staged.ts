/**
 * The aggregator's second step (apply.ts): adding staged deltas to the counters exactly once. Each drain
 * transaction adds a run of the staged item's counter updates and moves its `next` index past them,
 * conditional on the index it read, so two invocations draining the same item never add a delta twice; the
 * drained item is deleted. Deltas a crashed invocation staged are drained by the next one.
 */
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isTransactionCanceled, whenConditionHolds } from '#shared/store/conditions.ts';
import { STAGED_PARTITION, stagedKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { stagedFromItem } from './staged-item.ts';

/** One counter update: attributes to add to, or segment values to add to a catalogue. */
export interface Entry {
  pk: string;
  sk: string;
  add?: Record<string, number>;
  values?: string[];
}

/** Counter updates per drain transaction (their conditions and names stay within DynamoDB's limits). */
const ENTRIES_PER_DRAIN = 60;

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** Adds a staged item's deltas from `next` on, moving `next` with each transaction; then deletes it. */
export const drain = async (
  store: TableStore,
  id: string,
  entries: readonly Entry[],
  from: number,
): Promise<void> => {
  let next = from;
  while (next < entries.length) {
    const part = entries.slice(next, next + ENTRIES_PER_DRAIN);
    const items: TransactItems = part.map((entry) => ({
      Update: { TableName: store.table, ...counterUpdate(entry) },
    }));
    items.push({
      Update: {
        TableName: store.table,
        Key: stagedKey(id),
        UpdateExpression: 'SET #n = :to',
        ConditionExpression: '#n = :from',
        ExpressionAttributeNames: { '#n': 'next' },
        ExpressionAttributeValues: { ':from': next, ':to': next + part.length },
      },
    });
    try {
      await store.ddb.send(new TransactWriteCommand({ TransactItems: items }));
      next += part.length;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      // Another invocation drained some of it (or all of it, and deleted it): go on from where it is.
      const current = await store.ddb.send(
        new GetCommand({ TableName: store.table, Key: stagedKey(id), ConsistentRead: true }),
      );
      if (!current.Item) return;
      next = stagedFromItem(current.Item).next;
    }
  }
  await whenConditionHolds(
    store.ddb.send(
      new DeleteCommand({
        TableName: store.table,
        Key: stagedKey(id),
        ConditionExpression: '#n = :done',
        ExpressionAttributeNames: { '#n': 'next' },
        ExpressionAttributeValues: { ':done': entries.length },
      }),
    ),
  );
};

/** Drains every staged item an invocation that died left behind, oldest first. */
export const drainLeftovers = async (store: TableStore): Promise<void> => {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.ddb.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': STAGED_PARTITION },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const { id, entries, next } of (page.Items ?? []).map(stagedFromItem))
      await drain(store, id, entries, next);
    start = page.LastEvaluatedKey;
  } while (start);
};

const counterUpdate = (entry: Entry) => {
  if (entry.values)
    return {
      Key: { pk: entry.pk, sk: entry.sk },
      UpdateExpression: 'ADD #v :v',
      ExpressionAttributeNames: { '#v': 'values' },
      ExpressionAttributeValues: { ':v': new Set(entry.values) },
    };
  const attributes = Object.entries(entry.add ?? {});
  return {
    Key: { pk: entry.pk, sk: entry.sk },
    UpdateExpression: `ADD ${attributes.map((_, i) => `#a${i} :d${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(attributes.map(([a], i) => [`#a${i}`, a])),
    ExpressionAttributeValues: Object.fromEntries(attributes.map(([, by], i) => [`:d${i}`, by])),
  };
};
