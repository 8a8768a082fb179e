/**
 * Ten thousand randomized changes through the real aggregator handler into DynamoDB Local, with the faults
 * of at-least-once delivery injected, and the aggregates compared to a recount to the unit.
 *
 * The changes are generated as DynamoDB stream records (old and new images, increasing sequence numbers)
 * from an in-memory model of a few hundred responses and recipients, each changed dozens of times: DynamoDB
 * Local writes only a few hundred items a second, so ten thousand real item writes read back through its
 * stream would take minutes. The handler, its merging, its markers and every counter write are real; only
 * the stream reader is simulated (test/integration/aggregation.test.ts covers the real stream). At the end
 * the model's items are written to the table and `verifyAggregates` recounts them from DynamoDB as well.
 */
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCounts } from '#shared/aggregation/counts.ts';
import { verifyAggregates } from '#shared/aggregation/recount.ts';
import { isoWeekRange } from '#shared/core/period.ts';
import { recipientKey, responseKey } from '#shared/store/keys.ts';
import { useLocalStack } from '../support/stack.ts';

const EVENTS = 10_000;

/** A seeded generator, so a failure can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const random = seeded(5_2026);
const faultRandom = seeded(17);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

type Image = Record<string, unknown>;

const WAVES = [
  { id: 'w1', kind: 'nps', scores: 11, min: 0 },
  { id: 'w2', kind: 'nps', scores: 11, min: 0 },
  { id: 'w3', kind: 'csat', scores: 5, min: 1 },
] as const;
const CONTACTS_PER_WAVE = 30;
// 2026-11-16 is the Monday of ISO week 47; the last three days fall in week 48.
const DAYS = Array.from({ length: 10 }, (_, i) => `2026-11-${String(16 + i).padStart(2, '0')}`);
const LOCALES = ['en', 'nl', 'sv', 'de'];
const REGIONS = ['EU', 'US', 'APAC'];
const PLANS = ['free', 'pro'];

/** The model: each key's current item, and the last images of items removed by TTL (still counted). */
const live = new Map<string, Image>();
const expired: Image[] = [];
const retired = new Set<string>();
const records: DynamoDBRecord[] = [];
let sequence = 10n ** 20n;

const record = (key: { pk: string; sk: string }, oldImage?: Image, newImage?: Image, ttl = false) => {
  sequence += BigInt(1 + Math.floor(random() * 1000));
  records.push({
    eventID: `e${records.length}`,
    eventName: !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY',
    eventSource: 'aws:dynamodb',
    ...(ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
    dynamodb: {
      Keys: marshall(key) as never,
      ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) as never } : {}),
      ...(newImage ? { NewImage: marshall(newImage, { removeUndefinedValues: true }) as never } : {}),
      SequenceNumber: sequence.toString(),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });
};

/** One random change of one response or recipient: scores given and changed, clicks, scanners, erasure, TTL. */
const nextEvent = () => {
  const wave = pick(WAVES);
  const contactId = `c${Math.floor(random() * CONTACTS_PER_WAVE)}`;
  const isResponse = random() < 0.7;
  // The real keys: each wave's items spread over its shard partitions, whose checkpoints share items.
  const key = isResponse ? responseKey(wave.id, contactId) : recipientKey(wave.id, contactId);
  const id = `${key.pk}|${key.sk}`;
  if (retired.has(id)) return;
  const old = live.get(id);
  const roll = random();
  if (old && roll < 0.08) {
    live.delete(id); // erasure: subtracted
    record(key, old, undefined);
    return;
  }
  if (old && roll < 0.1) {
    live.delete(id); // TTL expiry: ignored, the item stays counted
    retired.add(id);
    expired.push(old);
    record(key, old, undefined, true);
    return;
  }
  const base: Image = old ?? {
    ...key,
    waveId: wave.id,
    contactId,
    kind: wave.kind,
    locale: pick(LOCALES),
    props: { region: pick(REGIONS), plan: pick(PLANS) },
    version: 0,
  };
  let next: Image;
  if (isResponse) {
    const r = random();
    const score = wave.min + Math.floor(random() * wave.scores);
    next =
      r < 0.55
        ? { ...base, status: 'committed', score, day: pick(DAYS) } // a score, or a changed score
        : r < 0.8
          ? { ...base } // a click: nothing counted changes
          : r < 0.9
            ? { ...base, status: 'quarantined', score, day: undefined }
            : { ...base, status: 'pending', score: undefined, day: undefined };
    if (!next.status) next.status = 'pending';
  } else {
    const r = random();
    next =
      r < 0.6
        ? { ...base, status: 'sent', sentDay: pick(DAYS) }
        : r < 0.75
          ? { ...base, status: 'skipped', reason: pick(['fatigue', 'suppressed']), sentDay: undefined }
          : r < 0.85
            ? { ...base, status: 'failed', sentDay: undefined }
            : { ...base, status: 'pending', sentDay: undefined };
  }
  next.version = Number(base.version) + 1;
  live.set(id, next);
  record(key, old, next);
};

/** An independent recount: what the given items count, per aggregate item and attribute. */
const recount = (items: Iterable<Image>): Map<string, Record<string, number>> => {
  const counters = new Map<string, Record<string, number>>();
  const bump = (pk: string, sk: string, attribute: string) => {
    const c = counters.get(`${pk}|${sk}`) ?? {};
    c[attribute] = (c[attribute] ?? 0) + 1;
    counters.set(`${pk}|${sk}`, c);
  };
  for (const item of items) {
    const props = item.props as Record<string, string>;
    if ((item.sk as string).startsWith('RESP#')) {
      const scopes = [
        'all',
        `wave#${item.waveId}`,
        `locale#${item.locale}`,
        `seg#region#${props.region}`,
        `seg#plan#${props.plan}`,
        `waveseg#${item.waveId}#region#${props.region}`,
        `waveseg#${item.waveId}#plan#${props.plan}`,
      ];
      for (const scope of scopes) {
        for (const period of item.day ? ['ALL', `DAY#${item.day}`] : ['ALL']) {
          const pk = `AGG#${item.kind}#${scope}`;
          if (item.status === 'committed') {
            bump(pk, period, `s${item.score}`);
            bump(pk, period, 'n');
          } else if (item.status === 'quarantined') bump(pk, period, 'quarantined');
        }
      }
    } else if (item.status === 'sent') {
      for (const scope of ['all', `wave#${item.waveId}`]) {
        bump(`AGG#${item.kind}#${scope}`, 'ALL', 'sent');
        bump(`AGG#${item.kind}#${scope}`, `DAY#${item.sentDay}`, 'sent');
      }
    } else if (item.status === 'skipped') {
      bump(`AGG#${item.kind}#wave#${item.waveId}`, 'ALL', `skipped_${item.reason}`);
    } else if (item.status === 'failed') {
      bump(`AGG#${item.kind}#wave#${item.waveId}`, 'ALL', 'failed_send');
    }
  }
  return counters;
};

let stack: Awaited<ReturnType<typeof useLocalStack>>;
const faults = {
  crashes: 0,
  duplicateBatches: 0,
  concurrentDuplicates: 0,
  replays: 0,
  spuriousFailures: 0,
  lostAcks: 0,
  writeErrors: 0,
  conflicts: 0,
  readErrors: 0,
  reportedFailures: 0,
  invocations: 0,
};

/** Every aggregate counter in the table, zeros left out, as recount() shapes them. */
const aggregatesInTable = async (): Promise<Map<string, Record<string, number>>> => {
  const counters = new Map<string, Record<string, number>>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await stack.ddb.send(
      new ScanCommand({
        TableName: stack.table,
        ExclusiveStartKey: start,
        ConsistentRead: true,
        FilterExpression: 'begins_with(pk, :agg) AND sk <> :segments',
        ExpressionAttributeValues: { ':agg': 'AGG#', ':segments': 'SEGMENTS' },
      }),
    );
    for (const item of out.Items ?? []) {
      const c: Record<string, number> = {};
      for (const [a, v] of Object.entries(item)) if (typeof v === 'number' && v !== 0) c[a] = v;
      if (Object.keys(c).length) counters.set(`${item.pk}|${item.sk}`, c);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return counters;
};

const sorted = (m: Map<string, Record<string, number>>) =>
  Object.fromEntries(
    [...m]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))]),
  );

beforeAll(async () => {
  stack = await useLocalStack();
  while (records.length < EVENTS) nextEvent();
});

describe('exact aggregation under injected faults', () => {
  it('equals a recount of the responses, to the unit, after 10,000 randomized changes with duplicates, replays, crashes, lost acknowledgements, partial failures, score changes, TTL deletions and erasure', async () => {
    const { aggregate } = await import('#functions/aggregate-responses.ts');
    const { awsClients } = await import('#functions/commons/runtime.ts');
    // Faults at the DynamoDB client the handler uses: a write that never happens, a write whose
    // acknowledgement is lost, a lost transaction race, a failed read of the checkpoints.
    const ddb = awsClients().ddb;
    const send = ddb.send.bind(ddb) as (command: unknown) => Promise<unknown>;
    ddb.send = (async (command: { constructor: { name: string } }) => {
      const name = command.constructor.name;
      const roll = faultRandom();
      // A batch is a few transactions (stage, drain), so each one is faulted often.
      if (name === 'TransactWriteCommand') {
        if (roll < 0.06) {
          faults.writeErrors++;
          throw Object.assign(new Error('injected: connection reset'), { name: 'TimeoutError' });
        }
        if (roll < 0.12) {
          faults.conflicts++;
          throw Object.assign(new Error('injected: transaction conflict'), {
            name: 'TransactionCanceledException',
          });
        }
        if (roll < 0.18) {
          await send(command);
          faults.lostAcks++;
          throw Object.assign(new Error('injected: acknowledgement lost'), { name: 'TimeoutError' });
        }
      }
      if (name === 'BatchGetCommand' && roll < 0.02) {
        faults.readErrors++;
        throw new Error('injected: marker read failed');
      }
      return send(command);
    }) as typeof ddb.send;

    const invoke = async (batch: DynamoDBRecord[]): Promise<DynamoDBBatchResponse> => {
      faults.invocations++;
      return aggregate({ Records: batch } satisfies DynamoDBStreamEvent);
    };

    // Lambda's side: batches in stream order, retried from the reported failure, whole on a crash.
    let position = 0;
    let round = 0;
    while (position < records.length) {
      const batch = records.slice(position, position + 100 + Math.floor(faultRandom() * 1200));
      // The draws interleave with the client's faults, so their mix varies from run to run; the second and
      // third rounds are a concurrent and a sequential duplicate, the fourth a crash mid-batch, the fifth a replay, every time.
      round++;
      const roll =
        round === 2 ? 0.25 : round === 3 ? 0.33 : round === 4 ? 0.15 : round === 5 ? 0.04 : faultRandom();
      try {
        if (roll < 0.08 && position > 0) {
          faults.replays++; // an old stretch of the stream delivered again, long after it was applied
          const from = Math.max(0, position - Math.floor(faultRandom() * 2000));
          await invoke(records.slice(from, position));
        }
        if (roll > 0.08 && roll < 0.22 && batch.length > 1) {
          faults.crashes++; // applies part of the batch, then dies before answering
          await invoke(batch.slice(0, Math.ceil(batch.length * faultRandom())));
          continue;
        }
        let result: DynamoDBBatchResponse;
        if (roll > 0.22 && roll < 0.3) {
          faults.concurrentDuplicates++; // the same batch handled twice at once
          [result] = await Promise.all([invoke(batch), invoke(batch)]);
        } else {
          if (roll > 0.3 && roll < 0.36) {
            faults.duplicateBatches++;
            await invoke(batch);
          }
          result = await invoke(batch);
        }
        let failure = result.batchItemFailures[0]?.itemIdentifier;
        if (failure) faults.reportedFailures++;
        if (!failure && roll > 0.92 && batch.length > 1) {
          faults.spuriousFailures++; // reported as failed although it was applied
          failure = batch[Math.floor(batch.length / 2)]?.dynamodb?.SequenceNumber;
        }
        const index = failure ? batch.findIndex((r) => r.dynamodb?.SequenceNumber === failure) : -1;
        position += index >= 0 ? index : batch.length;
      } catch {
        faults.crashes++; // the handler threw: Lambda retries the whole batch
      }
    }
    ddb.send = send as typeof ddb.send;

    // 1. Against the model: live items plus the TTL-expired ones (TTL deletions do not change counts).
    const actual = await aggregatesInTable();
    const expected = recount([...live.values(), ...expired]);
    expect(sorted(actual)).toEqual(sorted(expected));
    expect(expired.length).toBeGreaterThan(10);
    expect(records.filter((r) => r.eventName === 'REMOVE' && !r.userIdentity).length).toBeGreaterThan(100);

    // 2. The read path: a wave's figures and an ISO week's figures (the sum of its seven day counters).
    const week = isoWeekRange('2026-W47') as { since: string; until: string };
    const inWeek = [...live.values(), ...expired].filter(
      (i) =>
        i.kind === 'nps' &&
        i.status === 'committed' &&
        (i.day as string) >= week.since &&
        (i.day as string) < week.until,
    );
    const weekCounts = await readCounts(stack, 'nps', 'all', week);
    expect(weekCounts.n).toBe(inWeek.length);
    expect(weekCounts.histogram[9]).toBe(inWeek.filter((i) => i.score === 9).length);
    const w3 = await readCounts(stack, 'csat', 'wave#w3');
    expect(w3.histogram).toEqual(
      [1, 2, 3, 4, 5].map(
        (s) =>
          [...live.values(), ...expired].filter(
            (i) =>
              i.waveId === 'w3' &&
              String(i.sk).startsWith('RESP#') &&
              i.status === 'committed' &&
              i.score === s,
          ).length,
      ),
    );

    // 3. Against the items actually in DynamoDB: write the model's live items, recount them from the table.
    const items = [...live.values()];
    for (let i = 0; i < items.length; i += 25) {
      await stack.ddb.send(
        new BatchWriteCommand({
          RequestItems: { [stack.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    const verification = await verifyAggregates(stack);
    expect(verification.responses + verification.recipients).toBe(items.length);
    expect(verification.segments).toEqual([]);
    // The only differences are the TTL-expired items, which the aggregates keep and the table no longer has.
    const differences = new Map<string, Record<string, number>>();
    for (const d of verification.differences) {
      const c = differences.get(`${d.pk}|${d.sk}`) ?? {};
      c[d.attribute] = d.actual - d.expected;
      differences.set(`${d.pk}|${d.sk}`, c);
    }
    expect(sorted(differences)).toEqual(sorted(recount(expired)));

    // The faults really happened, and enough of them.
    console.info('aggregation faults injected', JSON.stringify({ events: records.length, ...faults }));
    expect(faults.crashes).toBeGreaterThanOrEqual(1);
    expect(faults.duplicateBatches).toBeGreaterThanOrEqual(1);
    expect(faults.concurrentDuplicates).toBeGreaterThanOrEqual(1);
    expect(faults.replays).toBeGreaterThanOrEqual(1);
    expect(faults.lostAcks + faults.writeErrors + faults.conflicts).toBeGreaterThan(10);
    expect(faults.reportedFailures).toBeGreaterThan(2);
  }, 240_000);
});
