/**
 * Exact counters from the item stream. Each response or recipient change contributes the difference between
 * what its new image and its old image count. A whole batch is merged, so each counter is written once per
 * batch however many changes touch it, in two steps:
 *
 * 1. Stage: one transaction advances the checkpoint of each source partition the changes come from (the
 *    stream position applied up to, conditional on the one read; a wave's 128 shards share 4 checkpoint
 *    items, keys.ts `checkpointOf`) and puts one staged item holding the merged deltas. A redelivered, replayed or concurrent record is at or below its partition's checkpoint
 *    and adds nothing.
 * 2. Drain: the staged deltas are added to the counters in transactions that each also move the staged
 *    item's `next` index past what they added (conditional on the index they read), so each delta is added
 *    exactly once even when two invocations drain at once; the drained item is deleted. Deltas a crashed
 *    invocation staged are drained by the next one, before its own batch.
 *
 * Why a partition's positions are comparable: all items of one partition key live in one table partition,
 * whose changes one stream shard carries in order (a split shard's children come after it), and Lambda hands
 * a shard's records over in that order. So within a partition key a larger sequence number is a later
 * change, and staging a partition's changes in order, never skipping one, makes "applied up to" exact.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { isTransactionCanceled } from '#shared/store/conditions.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { ALL_SCOPE, aggregateKey, checkpointOf, SEGMENTS_PERIOD } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { contribute, counterKeyOf, type Deltas } from './deltas.ts';
import { drain, drainLeftovers, type Entry } from './staged.ts';
import { stagedToItem } from './staged-item.ts';

const positionOf = (change: ItemChange): bigint => BigInt(change.sequenceNumber);
const newStageId = monotonicFactory();

export interface ApplyResult {
  applied: number;
  duplicates: number;
  /** Sequence numbers of changes that could not be applied (to report as batch item failures). */
  failed: string[];
}

/** Checkpoint items per stage transaction (DynamoDB's 100 items, less the staged item). */
const MAX_CHECKPOINTS_PER_STAGE = 99;
/** Counter updates per staged item (its size stays far below DynamoDB's 400 KB). */
const MAX_ENTRIES_PER_STAGE = 1500;
/** Retries of a stage that lost a race, before the rest of the batch is reported as failed. */
const MAX_RACE_RETRIES = 5;

interface Stage {
  positions: Map<string, bigint>;
  entries: Entry[];
  changes: ItemChange[];
}

/**
 * Applies a batch of changes, in order: drains what a crashed invocation staged, then stages and drains this
 * batch. The first stage that fails ends the batch: what follows is reported as failed, so a partition's
 * changes are never applied out of order. One that loses a race re-reads the checkpoints and plans again.
 */
export const applyChanges = async (
  store: TableStore,
  changes: readonly ItemChange[],
): Promise<ApplyResult> => {
  await drainLeftovers(store);
  const result: ApplyResult = { applied: 0, duplicates: 0, failed: [] };
  let pending = changes.filter((c) => !c.expired);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const checkpoints = await readCheckpoints(store, pending);
    const fresh = pending.filter((c) => positionOf(c) > (checkpoints.get(c.pk) ?? -1n));
    result.duplicates += pending.length - fresh.length;
    const stages = planStages(fresh, checkpoints);
    let failedAt = -1;
    let raced = false;
    for (const [i, stage] of stages.entries()) {
      const id = newStageId();
      try {
        await store.ddb.send(
          new TransactWriteCommand({ TransactItems: stageItems(store.table, id, stage, checkpoints) }),
        );
      } catch (error) {
        failedAt = i;
        raced = isTransactionCanceled(error) && attempt < MAX_RACE_RETRIES;
        break;
      }
      for (const [pk, position] of stage.positions) checkpoints.set(pk, position);
      try {
        await drain(store, id, stage.entries, 0);
      } catch {
        // Staged, not yet counted: report it failed, so Lambda soon delivers it again; the retry finds it
        // applied up to its checkpoint and drains what is staged first.
        failedAt = i;
        break;
      }
      result.applied += stage.changes.length;
    }
    if (failedAt < 0) break;
    const rest = stages.slice(failedAt).flatMap((s) => s.changes);
    if (!raced) {
      result.failed.push(...rest.map((c) => c.sequenceNumber));
      break;
    }
    pending = rest;
    await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
  }
  return result;
};

/** The applied position of each source partition the changes come from. */
const readCheckpoints = async (
  store: TableStore,
  changes: readonly ItemChange[],
): Promise<Map<string, bigint>> => {
  const partitions = [...new Set(changes.map((c) => c.pk))];
  const keys = [...new Map(partitions.map((pk) => [checkpointOf(pk).key.pk, checkpointOf(pk).key])).values()];
  const items = new Map(
    (await batchGetAll(store.ddb, store.table, keys, { consistent: true })).map((item) => [item.pk, item]),
  );
  const positions = new Map<string, bigint>();
  for (const pk of partitions) {
    const { key, attribute } = checkpointOf(pk);
    const position = items.get(key.pk)?.[attribute];
    if (typeof position === 'string') positions.set(pk, BigInt(position));
  }
  return positions;
};

/**
 * Packs changes, in stream order, into stages: each at most 99 checkpoint items and 1,500 counter updates;
 * a partition's changes may span stages, in order.
 */
const planStages = (changes: readonly ItemChange[], applied: ReadonlyMap<string, bigint>): Stage[] => {
  const ordered = [...changes].sort((a, b) => {
    const d = positionOf(a) - positionOf(b);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  const stages: Stage[] = [];
  let deltas: Deltas = new Map();
  let segments = new Map<string, Set<string>>();
  let positions = new Map<string, bigint>();
  let items = new Set<string>();
  let included: ItemChange[] = [];
  const flush = () => {
    if (included.length === 0) return;
    stages.push({ positions, entries: entriesOf(deltas, segments), changes: included });
    deltas = new Map();
    segments = new Map();
    positions = new Map();
    items = new Set();
    included = [];
  };
  const reached = new Map(applied);
  for (const change of ordered) {
    // A change repeated within the batch is applied once.
    if (positionOf(change) <= (reached.get(change.pk) ?? -1n)) continue;
    const item = checkpointOf(change.pk).key.pk;
    if ((!items.has(item) && items.size >= MAX_CHECKPOINTS_PER_STAGE) || deltas.size >= MAX_ENTRIES_PER_STAGE)
      flush();
    items.add(item);
    const kind = (change.newImage ?? change.oldImage)?.kind as string;
    const seen = segments.get(kind) ?? new Set<string>();
    segments.set(kind, seen);
    contribute(deltas, seen, change.oldImage, -1);
    contribute(deltas, seen, change.newImage, 1);
    positions.set(change.pk, positionOf(change));
    reached.set(change.pk, positionOf(change));
    included.push(change);
  }
  flush();
  return stages;
};

/** The counter updates of merged deltas, zeros left out, and the segment catalogues' additions. */
const entriesOf = (deltas: Deltas, segments: ReadonlyMap<string, Set<string>>): Entry[] => {
  const entries: Entry[] = [];
  for (const [id, attributes] of deltas) {
    const add = Object.fromEntries([...attributes].filter(([, by]) => by !== 0));
    if (Object.keys(add).length > 0) entries.push({ ...counterKeyOf(id), add });
  }
  for (const [kind, values] of segments)
    if (values.size > 0)
      entries.push({ ...aggregateKey(kind, ALL_SCOPE, SEGMENTS_PERIOD), values: [...values] });
  return entries;
};

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/**
 * The stage transaction: each checkpoint item with the positions of its partitions moved on from the ones
 * read (each conditional on its own), and the staged item.
 */
const stageItems = (
  table: string,
  id: string,
  stage: Stage,
  previous: ReadonlyMap<string, bigint>,
): TransactItems => {
  const byItem = new Map<
    string,
    { key: { pk: string; sk: string }; moves: [string, bigint, bigint | undefined][] }
  >();
  for (const [source, position] of stage.positions) {
    const { key, attribute } = checkpointOf(source);
    const entry = byItem.get(key.pk) ?? { key, moves: [] };
    entry.moves.push([attribute, position, previous.get(source)]);
    byItem.set(key.pk, entry);
  }
  return [
    ...[...byItem.values()].map(({ key, moves }) => ({
      Update: {
        TableName: table,
        Key: key,
        UpdateExpression: `SET ${moves.map((_, i) => `#a${i} = :p${i}`).join(', ')}`,
        ConditionExpression: moves
          .map(([, , before], i) =>
            before === undefined ? `attribute_not_exists(#a${i})` : `#a${i} = :b${i}`,
          )
          .join(' AND '),
        ExpressionAttributeNames: Object.fromEntries(moves.map(([attribute], i) => [`#a${i}`, attribute])),
        ExpressionAttributeValues: Object.fromEntries(
          moves.flatMap(([, position, before], i) => [
            [`:p${i}`, position.toString()],
            ...(before === undefined ? [] : [[`:b${i}`, before.toString()]]),
          ]),
        ),
      },
    })),
    { Put: { TableName: table, Item: stagedToItem({ id, entries: stage.entries, next: 0 }) } },
  ];
};
