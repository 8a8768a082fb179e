/**
 * `nps aggregates verify` and `nps aggregates rebuild`: recount every counter from the response and
 * recipient items themselves, compare with the aggregate items, and repair what differs.
 *
 * The recount uses the aggregator's own `contribute` (each current item counted once, sign +1), so a
 * difference means the incremental path lost or doubled something (a batch sent to the failure queue, a
 * manual edit), never that the two count different things.
 *
 * Racing the live aggregator: a recount is a snapshot, and changes still in the stream show up as
 * differences that resolve themselves. So `rebuild` recounts twice, `settleMs` apart, and repairs only the
 * differences that are identical in both; it repairs with ADD (never SET), so an increment the aggregator
 * makes at the same moment is kept, and it leaves the applied markers alone (they still say which stream
 * positions are in the counters). Run it with the stream drained (aggregator caught up, iterator age ~0):
 * a change that sits unapplied in the stream for longer than `settleMs` would otherwise be counted by the
 * rebuild and then again by the aggregator.
 */
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  AGGREGATE_PREFIX,
  ALL_SCOPE,
  aggregateKey,
  kindOfAggregate,
  RECIPIENT_PREFIX,
  RESPONSE_PREFIX,
  SEGMENTS_PERIOD,
} from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { contribute, counterId, counterKeyOf, type Deltas } from './deltas.ts';

export interface CounterDifference {
  pk: string;
  sk: string;
  attribute: string;
  /** What the responses and recipients count. */
  expected: number;
  /** What the aggregate item holds. */
  actual: number;
}

export interface SegmentDifference {
  kind: string;
  /** `column#value` */
  value: string;
  /**
   * Responses have it but the catalogue does not. (A catalogued value no item has any more, after an
   * erasure, is not a difference: its counters are zero and the live aggregator only ever adds values.)
   */
  problem: 'missing';
}

export interface Verification {
  ok: boolean;
  responses: number;
  recipients: number;
  counters: number;
  differences: CounterDifference[];
  segments: SegmentDifference[];
}

/** Attributes of an aggregate item that are not counters. */
const NOT_COUNTERS = new Set(['pk', 'sk', 'values']);

/** One paginated, consistent scan of the source items and the aggregates. */
const scanAll = async (store: TableStore) => {
  const sources: Record<string, unknown>[] = [];
  const aggregates: Record<string, unknown>[] = [];
  const pages = paginateScan(
    { client: store.ddb },
    {
      TableName: store.table,
      ConsistentRead: true,
      FilterExpression: 'begins_with(sk, :resp) OR begins_with(sk, :rcpt) OR begins_with(pk, :agg)',
      ExpressionAttributeValues: {
        ':resp': RESPONSE_PREFIX,
        ':rcpt': RECIPIENT_PREFIX,
        ':agg': AGGREGATE_PREFIX,
      },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if ((item.pk as string).startsWith(AGGREGATE_PREFIX)) aggregates.push(item);
      else sources.push(item);
    }
  }
  return { sources, aggregates };
};

/** Recounts from the responses and recipients and compares with the aggregates. Reads; never writes. */
export const verifyAggregates = async (store: TableStore): Promise<Verification> => {
  const { sources, aggregates } = await scanAll(store);
  const expected: Deltas = new Map();
  const expectedSegments = new Map<string, Set<string>>();
  let responses = 0;
  let recipients = 0;
  for (const item of sources) {
    if ((item.sk as string).startsWith(RESPONSE_PREFIX)) responses++;
    else recipients++;
    const kind = item.kind as string;
    const seen = expectedSegments.get(kind) ?? new Set<string>();
    expectedSegments.set(kind, seen);
    contribute(expected, seen, item, 1);
  }
  const actual: Deltas = new Map();
  const actualSegments = new Map<string, Set<string>>();
  for (const item of aggregates) {
    if (item.sk === SEGMENTS_PERIOD) {
      const kind = kindOfAggregate(item.pk as string);
      actualSegments.set(kind, new Set((item.values as Set<string> | undefined) ?? []));
      continue;
    }
    const counters = new Map<string, number>();
    for (const [attribute, value] of Object.entries(item)) {
      if (!NOT_COUNTERS.has(attribute) && typeof value === 'number') counters.set(attribute, value);
    }
    actual.set(counterId(item.pk as string, item.sk as string), counters);
  }
  const differences: CounterDifference[] = [];
  for (const id of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(id) ?? new Map<string, number>();
    const have = actual.get(id) ?? new Map<string, number>();
    const { pk, sk } = counterKeyOf(id);
    for (const attribute of new Set([...want.keys(), ...have.keys()])) {
      const e = want.get(attribute) ?? 0;
      const a = have.get(attribute) ?? 0;
      if (e !== a) differences.push({ pk, sk, attribute, expected: e, actual: a });
    }
  }
  differences.sort(
    (x, y) => x.pk.localeCompare(y.pk) || x.sk.localeCompare(y.sk) || x.attribute.localeCompare(y.attribute),
  );
  const segments: SegmentDifference[] = [];
  for (const kind of new Set([...expectedSegments.keys(), ...actualSegments.keys()])) {
    const want = expectedSegments.get(kind) ?? new Set<string>();
    const have = actualSegments.get(kind) ?? new Set<string>();
    for (const value of want) if (!have.has(value)) segments.push({ kind, value, problem: 'missing' });
  }
  return {
    ok: differences.length === 0 && segments.length === 0,
    responses,
    recipients,
    counters: actual.size,
    differences,
    segments,
  };
};

export interface Rebuild {
  /** The differences found and repaired. */
  repaired: CounterDifference[];
  segmentsRepaired: SegmentDifference[];
  /** Differences that moved between the two recounts (changes in flight), left to the aggregator. */
  skippedInFlight: number;
  /** A last verification after the repair. */
  after: Verification;
}

const differenceId = (d: CounterDifference) => `${d.pk}|${d.sk}|${d.attribute}|${d.expected - d.actual}`;
const segmentId = (d: SegmentDifference) => `${d.kind}|${d.value}|${d.problem}`;

/**
 * 1. Recount twice, `settleMs` apart. 2. Repair the differences seen identically in both, with ADD of the
 * missing amount per counter item and ADD to the segment catalogue. 3. Verify again and report.
 * `settle` replaces the wait between the recounts (a test puts the aggregator's work exactly there).
 */
export const rebuildAggregates = async (
  store: TableStore,
  options: { settleMs?: number; settle?: () => Promise<void> } = {},
): Promise<Rebuild> => {
  const first = await verifyAggregates(store);
  if (first.ok) return { repaired: [], segmentsRepaired: [], skippedInFlight: 0, after: first };
  // Real time is the point here: stream changes in flight land while it passes.
  await (options.settle?.() ?? new Promise((r) => setTimeout(r, options.settleMs ?? 2000)));
  const second = await verifyAggregates(store);
  const stable = new Set(first.differences.map(differenceId));
  const repaired = second.differences.filter((d) => stable.has(differenceId(d)));
  const stableSegments = new Set(first.segments.map(segmentId));
  const segmentsRepaired = second.segments.filter((d) => stableSegments.has(segmentId(d)));

  const byItem = new Map<string, CounterDifference[]>();
  for (const d of repaired) byItem.set(`${d.pk}|${d.sk}`, [...(byItem.get(`${d.pk}|${d.sk}`) ?? []), d]);
  for (const diffs of byItem.values()) {
    const { pk, sk } = diffs[0] as CounterDifference;
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: { pk, sk },
        UpdateExpression: `ADD ${diffs.map((_, i) => `#a${i} :d${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(diffs.map((d, i) => [`#a${i}`, d.attribute])),
        ExpressionAttributeValues: Object.fromEntries(diffs.map((d, i) => [`:d${i}`, d.expected - d.actual])),
      }),
    );
  }
  for (const kind of new Set(segmentsRepaired.map((d) => d.kind))) {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: aggregateKey(kind, ALL_SCOPE, SEGMENTS_PERIOD),
        UpdateExpression: 'ADD #v :v',
        ExpressionAttributeNames: { '#v': 'values' },
        ExpressionAttributeValues: {
          ':v': new Set(segmentsRepaired.filter((d) => d.kind === kind).map((d) => d.value)),
        },
      }),
    );
  }
  return {
    repaired,
    segmentsRepaired,
    skippedInFlight:
      second.differences.length - repaired.length + second.segments.length - segmentsRepaired.length,
    after: await verifyAggregates(store),
  };
};
