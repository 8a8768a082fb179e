/**
 * `nps aggregates verify` and `nps aggregates rebuild` against DynamoDB Local: counters made by the real
 * aggregator, then drift injected (a lost increment, a doubled one, a deleted day counter, a segment value
 * dropped from the catalogue), found to the unit, repaired, and a rebuild that races the aggregator.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyChanges } from '#shared/aggregation/apply.ts';
import { readCounts } from '#shared/aggregation/counts.ts';
import { rebuildAggregates, verifyAggregates } from '#shared/aggregation/recount.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { aggregateKey } from '#shared/store/keys.ts';
import { run } from '../../cli/commands.ts';
import { aResponse } from '../support/builders.ts';
import { useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let sequence = 1000;

const response = (contact: number, score: number, day: string, region = contact % 2 ? 'EU' : 'US') =>
  aResponse({
    waveId: 'v1',
    contactId: `c${contact}`,
    kind: 'nps',
    locale: 'en',
    props: { region },
    status: 'committed',
    score,
    day,
    version: 1,
  });

/** Writes an item and lets the real aggregator apply its change, as the stream would deliver it. */
const put = async (item: ReturnType<typeof response>, apply = true) => {
  await stack.ddb.send(new PutCommand({ TableName: stack.table, Item: item }));
  const change: ItemChange = {
    pk: item.pk,
    sk: item.sk,
    oldImage: undefined,
    newImage: item,
    expired: false,
    sequenceNumber: String(sequence++),
  };
  if (apply) await applyChanges(stack, [change]);
  return change;
};

// A table of its own for each test: each drifts and repairs the counters of the same twelve responses.
beforeEach(async () => {
  stack = await useLocalStack();
  for (let i = 0; i < 12; i++) await put(response(i, i % 11, `2026-11-${16 + (i % 3)}`));
});

describe('nps aggregates verify and rebuild', () => {
  it('finds nothing to report when the aggregator kept up', async () => {
    const out = await run(['aggregates', 'verify'], {}, {});
    expect(out.data).toMatchObject({ ok: true, responses: 12, differences: [], segments: [] });
    expect(out.exitCode).toBe(0);
  });

  it('reports each drifted counter and segment value, repairs them, and leaves exact counts', async () => {
    const all = aggregateKey('nps', 'all', 'ALL');
    const before = await readCounts(stack, 'nps', 'all');
    await stack.ddb.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: all,
        UpdateExpression: 'ADD s9 :one, n :one, s3 :minus',
        ExpressionAttributeValues: { ':one': 1, ':minus': -1 },
      }),
    );
    await stack.ddb.send(
      new DeleteCommand({ TableName: stack.table, Key: aggregateKey('nps', 'wave#v1', 'DAY#2026-11-17') }),
    );
    await stack.ddb.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: aggregateKey('nps', 'all', 'SEGMENTS'),
        UpdateExpression: 'DELETE #v :v',
        ExpressionAttributeNames: { '#v': 'values' },
        ExpressionAttributeValues: { ':v': new Set(['region#EU']) },
      }),
    );

    const out = await run(['aggregates', 'verify'], {}, {});
    expect(out.exitCode).toBe(1);
    const found = out.data as Awaited<ReturnType<typeof verifyAggregates>>;
    expect(found.ok).toBe(false);
    expect(found.differences).toEqual(
      expect.arrayContaining([
        { ...all, attribute: 's9', expected: before.histogram[9], actual: (before.histogram[9] ?? 0) + 1 },
        { ...all, attribute: 's3', expected: before.histogram[3], actual: (before.histogram[3] ?? 0) - 1 },
        { ...all, attribute: 'n', expected: 12, actual: 13 },
      ]),
    );
    // The deleted day counter: responses 1, 4, 7, 10 (scores 1, 4, 7, 10) fell on 2026-11-17.
    const day = found.differences.filter((d) => d.sk === 'DAY#2026-11-17' && d.pk === 'AGG#nps#wave#v1');
    expect(Object.fromEntries(day.map((d) => [d.attribute, [d.expected, d.actual]]))).toEqual({
      n: [4, 0],
      s1: [1, 0],
      s4: [1, 0],
      s7: [1, 0],
      s10: [1, 0],
    });
    expect(found.differences).toHaveLength(8);
    expect(found.segments).toEqual([{ kind: 'nps', value: 'region#EU', problem: 'missing' }]);

    const rebuilt = await run(['aggregates', 'rebuild'], {}, {});
    expect(rebuilt.data).toMatchObject({ after: { ok: true } });
    expect((rebuilt.data as { repaired: unknown[] }).repaired).toHaveLength(8);
    expect(await readCounts(stack, 'nps', 'all')).toEqual(before);
    expect((await verifyAggregates(stack)).ok).toBe(true);
  });

  it('leaves a change that the aggregator applies during the rebuild to the aggregator, so it counts once', async () => {
    // Drift to repair, and a new response whose stream record has not been applied yet.
    await stack.ddb.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: aggregateKey('nps', 'locale#en', 'ALL'),
        UpdateExpression: 'ADD s0 :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const pending = await put(response(50, 10, '2026-11-18'), false);
    // The aggregator applies the change exactly between the two recounts: no timing to hope for.
    let applied = false;
    const result = await rebuildAggregates(stack, {
      settle: async () => {
        await applyChanges(stack, [pending]);
        applied = true;
      },
    });
    expect(applied).toBe(true);
    expect(result.repaired).toEqual([
      { ...aggregateKey('nps', 'locale#en', 'ALL'), attribute: 's0', expected: 2, actual: 3 }, // contacts 0 and 11 scored 0
    ]);
    expect(result.after.ok).toBe(true);
    const counts = await readCounts(stack, 'nps', 'all');
    expect(counts.n).toBe(13);
    expect(counts.histogram[10]).toBe(2); // response 10 and the new one, not three
  });
});
