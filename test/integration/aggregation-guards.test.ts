/**
 * The aggregator's two exactly-once guards, each forced into the case it exists for against DynamoDB Local:
 * two drains of one staged item racing from a stale `next` index (staged.ts), and a change delivered at
 * exactly the position already reached (apply.ts). End-state checks under random faults rarely hit these.
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyChanges } from '#shared/aggregation/apply.ts';
import { readCounts } from '#shared/aggregation/counts.ts';
import { drain, type Entry } from '#shared/aggregation/staged.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { aggregateKey, responseKey, stagedKey, waveScope } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let store: TableStore;
beforeAll(async () => {
  stack = await useLocalStack();
  store = { ddb: stack.ddb, table: stack.table };
});

/** 150 counters (three drain transactions' worth), each to be added once. */
const entriesOf = (tag: string): Entry[] =>
  Array.from({ length: 150 }, (_, i) => ({
    ...aggregateKey('nps', `drain#${tag}#${i}`, 'ALL'),
    add: { n: 1 },
  }));

const counterValues = async (entries: readonly Entry[]) =>
  Promise.all(
    entries.map(async (e) => {
      const out = await stack.ddb.send(
        new GetCommand({ TableName: stack.table, Key: { pk: e.pk, sk: e.sk }, ConsistentRead: true }),
      );
      return Number(out.Item?.n ?? 0);
    }),
  );

const stage = (id: string, entries: readonly Entry[]) =>
  stack.ddb.send(new PutCommand({ TableName: stack.table, Item: { ...stagedKey(id), entries, next: 0 } }));

describe('draining a staged item (the conditional next index)', () => {
  it('adds each counter once when a second drain starts from a stale next while the first is between transactions', async () => {
    const entries = entriesOf('race');
    await stage('race', entries);
    // The first drain pauses after its first transaction; a second one, holding the index it read
    // before (0), drains the same item meanwhile.
    let interleaved = false;
    const paused: TableStore = {
      table: stack.table,
      ddb: {
        send: async (command: unknown) => {
          const out = await stack.ddb.send(command as never);
          if (command instanceof TransactWriteCommand && !interleaved) {
            interleaved = true;
            await drain(store, 'race', entries, 0);
          }
          return out;
        },
      } as never,
    };
    await drain(paused, 'race', entries, 0);
    expect(interleaved).toBe(true);
    expect(await counterValues(entries)).toEqual(entries.map(() => 1));
    const left = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: stagedKey('race'), ConsistentRead: true }),
    );
    expect(left.Item).toBeUndefined();
  });

  it('adds nothing when a drain from a stale next comes after the item was drained and deleted', async () => {
    const entries = entriesOf('late');
    await stage('late', entries);
    await drain(store, 'late', entries, 0);
    await drain(store, 'late', entries, 0);
    expect(await counterValues(entries)).toEqual(entries.map(() => 1));
    const left = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: stagedKey('late'), ConsistentRead: true }),
    );
    expect(left.Item).toBeUndefined();
  });
});

describe('applying changes at the checkpoint (applied up to a position)', () => {
  const committed = (waveId: string, contactId: string, score: number): ItemChange => {
    const key = responseKey(waveId, contactId);
    return {
      ...key,
      oldImage: undefined,
      newImage: {
        ...key,
        waveId,
        contactId,
        kind: 'nps',
        locale: 'en',
        props: {},
        status: 'committed',
        score,
        day: '2026-11-23',
        version: 1,
      },
      expired: false,
      sequenceNumber: '',
    };
  };
  const at = (change: ItemChange, position: bigint): ItemChange => ({
    ...change,
    sequenceNumber: position.toString(),
  });
  const waveCounts = (waveId: string) => readCounts(store, 'nps', waveScope(waveId));

  it('applies a change delivered twice in one batch once: the second copy sits exactly at the position reached', async () => {
    const change = at(committed('wdup', 'c1', 9), 1000n);
    const result = await applyChanges(store, [change, { ...change }]);
    expect(result).toMatchObject({ applied: 1, failed: [] });
    const counts = await waveCounts('wdup');
    expect(counts.n).toBe(1);
    expect(counts.histogram[9]).toBe(1);
  });

  it('adds nothing for a change redelivered at exactly the stored checkpoint, and counts the next one', async () => {
    const first = at(committed('wcp', 'c2', 3), 2000n);
    expect(await applyChanges(store, [first])).toMatchObject({ applied: 1, duplicates: 0 });
    // Redelivered in a later batch, alone and ahead of a new change of the same partition.
    expect(await applyChanges(store, [first])).toMatchObject({ applied: 0, duplicates: 1 });
    const next = at({ ...committed('wcp', 'c2', 10), oldImage: first.newImage }, 2001n);
    expect(await applyChanges(store, [{ ...first }, next])).toMatchObject({ applied: 1, duplicates: 1 });
    const counts = await waveCounts('wcp');
    expect(counts.n).toBe(1);
    expect(counts.histogram[3]).toBe(0);
    expect(counts.histogram[10]).toBe(1);
  });
});
