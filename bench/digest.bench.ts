/**
 * Digest build time with 100,000 responses against 1,000 (aim: ratio ≤ 1.5). The digest reads only the
 * aggregate items (a few dozen day counters per scope) and the day-indexed feedback, so the aggregate items
 * are written directly with counts for 1,000 or 100,000 responses instead of sending that many responses
 * through the stream; the feedback index does get one item per written answer (10% of responses).
 */
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, dayIn } from '#shared/core/time.ts';
import { buildDigestView } from '#shared/reporting/digest.ts';
import type { DigestDeps } from '#shared/reporting/send.ts';
import {
  ALL_SCOPE,
  ALL_TIME,
  aggregateKey,
  dayPeriod,
  feedbackPartition,
  localeScope,
  responseKey,
  SEGMENTS_PERIOD,
  segmentScope,
  segmentValue,
} from '#shared/store/keys.ts';
import type { BenchContext } from './support.ts';

const NOW = new Date();
const TIME_ZONE = 'Europe/Amsterdam';
const SHARES = [3, 1, 2, 2, 3, 5, 7, 12, 18, 22, 25]; // of 100, scores 0..10
const REGIONS = ['EU', 'US', 'APAC', 'LATAM', 'Nordics'];
const PLANS = ['free', 'team', 'enterprise'];
/** Each scope with the share of responses it counts. */
const SCOPES: [string, number][] = [
  [ALL_SCOPE, 1],
  ...REGIONS.map((v): [string, number] => [segmentScope('region', v), 0.2]),
  ...PLANS.map((v): [string, number] => [segmentScope('plan', v), 1 / 3]),
  ...['en', 'nl', 'sv', 'de'].map((v): [string, number] => [localeScope(v), 0.25]),
];

const seed = async (ctx: BenchContext, responses: number): Promise<string> => {
  const table = await ctx.newTable();
  const { ddb } = ctx.clients;
  const today = dayIn(TIME_ZONE, NOW);
  const days = Array.from({ length: 28 }, (_, i) => addDays(today, -i));
  const perDay = responses / days.length;
  const counters = (n: number) => {
    const item: Record<string, number> = { n: 0, sent: Math.round(n * 3), quarantined: Math.round(n / 50) };
    SHARES.forEach((share, score) => {
      item[`s${score}`] = Math.round((n * share) / 100);
      item.n = (item.n ?? 0) + (item[`s${score}`] ?? 0);
    });
    return item;
  };
  const items: Record<string, unknown>[] = [];
  for (const [scope, share] of SCOPES) {
    items.push({ ...aggregateKey('nps', scope, ALL_TIME), ...counters(responses * share) });
    for (const day of days)
      items.push({ ...aggregateKey('nps', scope, dayPeriod(day)), ...counters(perDay * share) });
  }
  items.push({
    ...aggregateKey('nps', ALL_SCOPE, SEGMENTS_PERIOD),
    values: new Set([
      ...REGIONS.map((v) => segmentValue('region', v)),
      ...PLANS.map((v) => segmentValue('plan', v)),
    ]),
  });
  // Written answers: one response item per answer, indexed by day (what the digest's comments read).
  for (let i = 0; i < responses / 10; i++) {
    const day = days[i % days.length] as string;
    const score = i % 3 === 0 ? 10 : i % 7;
    items.push({
      ...responseKey('bench', `c${i}`),
      status: 'committed',
      kind: 'nps',
      score,
      category: score >= 9 ? 'promoter' : 'detractor',
      answers: score >= 9 ? { referral: `Told a colleague (${i})` } : { reason: `Slow exports (${i})` },
      gsi1pk: feedbackPartition(day),
      gsi1sk: `${day}T12:00:00.000Z#bench#c${i}`,
    });
  }
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25);
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length) {
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
  await ddb.send(
    new PutCommand({
      TableName: table,
      Item: { pk: 'DIGEST', sk: 'READER#ceo@example.com', address: 'ceo@example.com', locale: 'en' },
    }),
  );
  return table;
};

const timeDigest = async (ctx: BenchContext, table: string): Promise<{ ms: number; responses: number }> => {
  const deps: DigestDeps = {
    ddb: ctx.clients.ddb,
    ses: ctx.clients.ses,
    table,
    fromAddress: 'surveys@example.com',
    configurationSet: undefined,
    timeZone: TIME_ZONE,
    minSegmentResponses: 30,
    title: 'Bench',
  };
  const runs: number[] = [];
  let responses = 0;
  for (let i = 0; i < 13; i++) {
    const started = performance.now();
    const view = await buildDigestView(deps, { now: NOW, days: 7, locale: 'en' });
    if (i >= 3) runs.push(performance.now() - started); // three warm-up runs
    responses = view.responses;
  }
  runs.sort((a, b) => a - b);
  return { ms: runs[Math.floor(runs.length / 2)] as number, responses };
};

export default async (ctx: BenchContext) => {
  const small = await seed(ctx, 1_000);
  const large = await seed(ctx, 100_000);
  const a = await timeDigest(ctx, small);
  const b = await timeDigest(ctx, large);
  return {
    figure: Math.round((b.ms / a.ms) * 100) / 100,
    target: '≤ 1.5',
    msWith1k: Math.round(a.ms * 10) / 10,
    msWith100k: Math.round(b.ms * 10) / 10,
    periodResponses1k: a.responses,
    periodResponses100k: b.responses,
  };
};
