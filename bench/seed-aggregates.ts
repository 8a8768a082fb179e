/**
 * A table seeded as if `responses` NPS answers had gone through the aggregator: the counters of every scope
 * (all, region and plan segments, language) for all time and for each of `days` days, the segment values,
 * and one response item per written answer (10% of responses) in the day-indexed feedback. The console and
 * digest benches read aggregates only, so writing the counters directly measures the same reads.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, dayIn } from '#shared/core/time.ts';
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

const counters = (n: number): Record<string, number> => {
  const item: Record<string, number> = { n: 0, sent: Math.round(n * 3), quarantined: Math.round(n / 50) };
  SHARES.forEach((share, score) => {
    item[`s${score}`] = Math.round((n * share) / 100);
    item.n = (item.n ?? 0) + (item[`s${score}`] ?? 0);
  });
  return item;
};

export interface Answer {
  score: number;
  category: string;
  answers: Record<string, string>;
}

export interface SeedOptions {
  responses: number;
  /** How many days back from `now` the responses are spread over. */
  days: number;
  now: Date;
  timeZone: string;
  /** The score, category and answers of the i-th written answer. */
  answer: (i: number) => Answer;
}

/** A new table seeded as above; returns its name. */
export const seedAggregates = async (ctx: BenchContext, options: SeedOptions): Promise<string> => {
  const { responses, now, timeZone, answer } = options;
  const table = await ctx.newTable();
  const today = dayIn(timeZone, now);
  const days = Array.from({ length: options.days }, (_, i) => addDays(today, -i));
  const items: Record<string, unknown>[] = [];
  for (const [scope, share] of SCOPES) {
    items.push({ ...aggregateKey('nps', scope, ALL_TIME), ...counters(responses * share) });
    for (const day of days)
      items.push({
        ...aggregateKey('nps', scope, dayPeriod(day)),
        ...counters((responses / days.length) * share),
      });
  }
  items.push({
    ...aggregateKey('nps', ALL_SCOPE, SEGMENTS_PERIOD),
    values: new Set([
      ...REGIONS.map((v) => segmentValue('region', v)),
      ...PLANS.map((v) => segmentValue('plan', v)),
    ]),
  });
  for (let i = 0; i < responses / 10; i++) {
    const day = days[i % days.length] as string;
    items.push({
      ...responseKey('bench', `c${i}`),
      status: 'committed',
      kind: 'nps',
      ...answer(i),
      gsi1pk: feedbackPartition(day),
      gsi1sk: `${day}T12:00:00.000Z#bench#c${i}`,
    });
  }
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length) {
      const out = await ctx.clients.ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
  return table;
};
