/**
 * Reading a wave's recipients or responses across its shard partitions (`WAVE#id#NN`, keys.ts): a page at a
 * time from a cursor that names its shard, so a long walk (retention, a recurring wave's copy) resumes where
 * it stopped, and a short one reads every shard.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { WAVE_SHARDS, waveShardPartition } from './keys.ts';
import type { TableStore } from './table.ts';

/** Where a walk over a wave's shards stands: the shard, and the last key read in it (none: its start). */
export interface ShardCursor {
  shard: number;
  start?: Record<string, unknown>;
}

export interface WaveItemsQuery {
  /** The sort key prefix: `RCPT#` or `RESP#`. */
  prefix: string;
  /** At most this many items per page (a page may hold fewer and still not be the last). */
  limit?: number;
  projection?: string;
  filter?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
  consistent?: boolean;
  /** Only these shards, first to last (default: all of them). */
  shards?: readonly [number, number];
}

/** Shards read at once while a page fills. */
const SHARDS_IN_FLIGHT = 8;

const queryShard = (
  store: TableStore,
  waveId: string,
  q: WaveItemsQuery,
  cursor: ShardCursor,
  limit?: number,
) =>
  store.ddb.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ...(q.filter ? { FilterExpression: q.filter } : {}),
      ...(q.projection ? { ProjectionExpression: q.projection } : {}),
      ...(q.names ? { ExpressionAttributeNames: q.names } : {}),
      ExpressionAttributeValues: {
        ':pk': waveShardPartition(waveId, cursor.shard),
        ':prefix': q.prefix,
        ...q.values,
      },
      ...(cursor.start ? { ExclusiveStartKey: cursor.start } : {}),
      ...(limit ? { Limit: limit } : {}),
      ...(q.consistent ? { ConsistentRead: true } : {}),
    }),
  );

/** The key a page stopped after, to start the next page from (an item holds it: queries project pk, sk). */
const keyOf = (item: Record<string, unknown>) => ({ pk: item.pk, sk: item.sk });

/**
 * One page of a wave's items of one kind from `cursor` (undefined: the beginning), shard after shard until
 * `limit` items are read; `next` is undefined once the last shard is done. Shards are read a few at once;
 * what a page does not take of them is read again by the next.
 */
export const waveItemsPage = async (
  store: TableStore,
  waveId: string,
  q: WaveItemsQuery,
  cursor: ShardCursor | undefined,
): Promise<{ items: Record<string, unknown>[]; next: ShardCursor | undefined }> => {
  const [first, last] = q.shards ?? [0, WAVE_SHARDS - 1];
  const query =
    q.projection && !/\bsk\b/.test(q.projection) ? { ...q, projection: `${q.projection}, pk, sk` } : q;
  const limit = q.limit ?? Number.POSITIVE_INFINITY;
  let at: ShardCursor | undefined = cursor ?? { shard: first };
  const items: Record<string, unknown>[] = [];
  while (at && items.length < limit) {
    const wanted = Number.isFinite(limit) ? limit - items.length : undefined;
    const from: ShardCursor = at;
    // Mid-shard, that shard alone; at a shard's start, it and the next few at once.
    const shards = from.start
      ? [from]
      : Array.from({ length: Math.min(SHARDS_IN_FLIGHT, last - from.shard + 1) }, (_, i) => ({
          shard: from.shard + i,
        }));
    const pages = await Promise.all(shards.map((c) => queryShard(store, waveId, query, c, wanted)));
    at = undefined;
    for (const [i, page] of pages.entries()) {
      const shard = (shards[i] as ShardCursor).shard;
      const found = (page.Items ?? []) as Record<string, unknown>[];
      const room = limit - items.length;
      if (found.length > room) {
        // The page is full within this shard: the next one starts after the last item taken.
        const taken = found.slice(0, room);
        items.push(...taken);
        at = { shard, start: keyOf(taken[taken.length - 1] as Record<string, unknown>) };
        break;
      }
      items.push(...found);
      if (page.LastEvaluatedKey) {
        at = { shard, start: page.LastEvaluatedKey };
        break;
      }
      at = shard < last ? { shard: shard + 1 } : undefined;
      if (items.length >= limit) break;
    }
  }
  return { items, next: at };
};

/** Every item of one kind in a wave, page after page. For walks that need no cursor. */
export const allWaveItems = async (
  store: TableStore,
  waveId: string,
  q: Omit<WaveItemsQuery, 'limit'>,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let cursor: ShardCursor | undefined;
  do {
    const page = await waveItemsPage(store, waveId, q, cursor);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
};
