/**
 * Exact counters from the item stream. Each response or recipient change contributes the difference between
 * what its new image and its old image count. A batch is merged so each counter is written once, and every
 * source item carries an "applied" marker (its last stream position) written in the same transaction as the
 * counters: a redelivered or retried record finds its version already applied and adds nothing. So the
 * counters equal a recount of the responses after duplicates, retries and crashes.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isTransactionCanceled } from '#shared/store/conditions.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { ALL_SCOPE, aggregateKey, appliedKey, SEGMENTS_PERIOD } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { contribute, counterId, counterKeyOf, type Deltas } from './deltas.ts';

/**
 * A change's position in the stream. Records of one item arrive in sequence-number order and a redelivery
 * repeats its number, so "applied up to" per item is exact even when an item is deleted and created again.
 */
const positionOf = (change: ItemChange): bigint => BigInt(change.sequenceNumber);

export interface ApplyResult {
  applied: number;
  duplicates: number;
  /** Sequence numbers of changes that could not be applied (to report as batch item failures). */
  failed: string[];
}

const MAX_TRANSACTION_ITEMS = 100;
/** Retries of a transaction that lost a race, before its changes are reported as failed. */
const MAX_RACE_RETRIES = 5;

/**
 * Applies a batch of changes. 1. Drop TTL expiries. 2. Read the applied markers and drop changes already
 * applied. 3. Group per item, merge counter deltas, and write markers and counters in transactions of at most
 * 100 items. A transaction that loses a race re-reads its markers and tries again.
 */
export const applyChanges = async (
  store: TableStore,
  changes: readonly ItemChange[],
): Promise<ApplyResult> => {
  const byItem = new Map<string, ItemChange[]>();
  for (const change of changes) {
    if (change.expired) continue;
    const id = counterId(change.pk, change.sk);
    byItem.set(id, [...(byItem.get(id) ?? []), change]);
  }
  const result: ApplyResult = { applied: 0, duplicates: 0, failed: [] };
  let pending = [...byItem.values()];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const markers = await readMarkers(store, pending);
    const chunks = planTransactions(pending, markers, result);
    const retry: ItemChange[][] = [];
    for (const chunk of chunks) {
      try {
        await store.ddb.send(
          new TransactWriteCommand({ TransactItems: withTable(store.table, chunk.items) }),
        );
        result.applied += chunk.changeCount;
      } catch (error) {
        if (!isTransactionCanceled(error) || attempt >= MAX_RACE_RETRIES) {
          result.failed.push(...chunk.groups.flatMap((g) => g.map((c) => c.sequenceNumber)));
          continue;
        }
        retry.push(...chunk.groups);
      }
    }
    pending = retry;
    if (retry.length) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
  }
  return result;
};

/** The applied position of each item, by counter id of its marker. */
const readMarkers = async (store: TableStore, groups: ItemChange[][]): Promise<Map<string, string>> => {
  const keys = groups.map((g) => appliedKey((g[0] as ItemChange).pk, (g[0] as ItemChange).sk));
  const items = await batchGetAll(store.ddb, store.table, keys, { consistent: true });
  return new Map(
    items.map((item) => [counterId(item.pk as string, item.sk as string), item.position as string]),
  );
};

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

interface Chunk {
  items: TransactItems;
  groups: ItemChange[][];
  changeCount: number;
}

const planTransactions = (
  groups: ItemChange[][],
  markers: Map<string, string>,
  result: ApplyResult,
): Chunk[] => {
  const chunks: Chunk[] = [];
  const empty = () => ({
    fresh: [] as ItemChange[][],
    deltas: new Map() as Deltas,
    segments: new Map<string, Set<string>>(),
  });
  let current = empty();
  const flush = () => {
    if (current.fresh.length === 0) return;
    chunks.push(toChunk(current.fresh, current.deltas, current.segments, markers));
    current = empty();
  };
  for (const group of groups) {
    const first = group[0] as ItemChange;
    const marker = appliedKey(first.pk, first.sk);
    const applied = BigInt(markers.get(counterId(marker.pk, marker.sk)) ?? -1);
    const fresh = group
      .filter((c) => positionOf(c) > applied)
      .sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1));
    result.duplicates += group.length - fresh.length;
    if (fresh.length === 0) continue;
    const deltas: Deltas = new Map();
    const segments = new Map<string, Set<string>>();
    for (const change of fresh) {
      const kind = (change.newImage ?? change.oldImage)?.kind as string;
      const seen = segments.get(kind) ?? new Set<string>();
      segments.set(kind, seen);
      contribute(deltas, seen, change.oldImage, -1);
      contribute(deltas, seen, change.newImage, 1);
    }
    const merged = mergeInto(current.deltas, deltas, true);
    const size = current.fresh.length + 1 + merged + current.segments.size + segments.size;
    if (size > MAX_TRANSACTION_ITEMS) flush();
    mergeInto(current.deltas, deltas, false);
    for (const [kind, set] of segments) {
      const into = current.segments.get(kind) ?? new Set<string>();
      for (const s of set) into.add(s);
      current.segments.set(kind, into);
    }
    current.fresh.push(fresh);
  }
  flush();
  return chunks;
};

/** Merges `from` into `into`; with `dryRun`, only counts the counters `into` would then hold. */
const mergeInto = (into: Deltas, from: Deltas, dryRun: boolean): number => {
  let size = into.size;
  for (const [id, attributes] of from) {
    if (!into.has(id)) size++;
    if (dryRun) continue;
    const target = into.get(id) ?? new Map<string, number>();
    for (const [attribute, by] of attributes) target.set(attribute, (target.get(attribute) ?? 0) + by);
    into.set(id, target);
  }
  return size;
};

const toChunk = (
  groups: ItemChange[][],
  deltas: Deltas,
  segments: Map<string, Set<string>>,
  markers: Map<string, string>,
): Chunk => {
  const items: TransactItems = [];
  for (const group of groups) {
    const first = group[0] as ItemChange;
    const key = appliedKey(first.pk, first.sk);
    const previous = markers.get(counterId(key.pk, key.sk));
    // The group is sorted by position: its last change is the furthest applied.
    const position = positionOf(group[group.length - 1] as ItemChange).toString();
    items.push({
      Update: {
        TableName: '',
        Key: key,
        UpdateExpression: 'SET #p = :p',
        ConditionExpression: previous === undefined ? 'attribute_not_exists(#p)' : '#p = :prev',
        ExpressionAttributeNames: { '#p': 'position' },
        ExpressionAttributeValues: {
          ':p': position,
          ...(previous === undefined ? {} : { ':prev': previous }),
        },
      },
    });
  }
  for (const [id, attributes] of deltas) {
    const nonZero = [...attributes].filter(([, by]) => by !== 0);
    if (nonZero.length === 0) continue;
    items.push({
      Update: {
        TableName: '',
        Key: counterKeyOf(id),
        UpdateExpression: `ADD ${nonZero.map((_, i) => `#a${i} :d${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(nonZero.map(([a], i) => [`#a${i}`, a])),
        ExpressionAttributeValues: Object.fromEntries(nonZero.map(([, by], i) => [`:d${i}`, by])),
      },
    });
  }
  for (const [kind, values] of segments) {
    if (values.size === 0) continue;
    items.push({
      Update: {
        TableName: '',
        Key: aggregateKey(kind, ALL_SCOPE, SEGMENTS_PERIOD),
        UpdateExpression: 'ADD #v :v',
        ExpressionAttributeNames: { '#v': 'values' },
        ExpressionAttributeValues: { ':v': new Set(values) },
      },
    });
  }
  return { items, groups, changeCount: groups.reduce((n, g) => n + g.length, 0) };
};

/** Fills in the table name (kept out of the planning code above). */
const withTable = (table: string, items: TransactItems) => {
  for (const item of items) if (item.Update) item.Update.TableName = table;
  return items;
};
