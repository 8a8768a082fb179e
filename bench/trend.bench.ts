/**
 * The trend query's time with 100,000 responses against 1,000 (aim: ratio ≤ 1.5). The trend reads day
 * counters only, so the responses are counted by the aggregator's own `contribute` (every scope and day a
 * response counts in) and the resulting counter items written, instead of sending 100,000 responses through
 * the stream; the query then reads exactly what it would read in production.
 */
import { contribute, counterKeyOf, type Deltas } from '#shared/aggregation/deltas.ts';
import { addDays, dayIn } from '#shared/core/time.ts';
import { readTrend } from '#shared/insights/trend.ts';
import { batchPut } from '#shared/store/dynamo.ts';
import { responseKey } from '#shared/store/keys.ts';
import type { BenchContext } from './support.ts';

const TIME_ZONE = 'Europe/Amsterdam';
const today = dayIn(TIME_ZONE, new Date());
const DAYS = 364;

/** `responses` spread over the last year, in 4 locales and 3 plans, scores from a fixed mix. */
const seed = async (ctx: BenchContext, responses: number): Promise<string> => {
  const table = await ctx.newTable();
  const deltas: Deltas = new Map();
  const segments = new Set<string>();
  for (let i = 0; i < responses; i++) {
    contribute(
      deltas,
      segments,
      {
        ...responseKey('bench', `c${i}`),
        waveId: 'bench',
        kind: 'nps',
        locale: ['en', 'nl', 'sv', 'de'][i % 4],
        props: { plan: ['free', 'team', 'enterprise'][i % 3] },
        status: 'committed',
        score: (i * 7) % 11,
        day: addDays(today, -(i % DAYS)),
      },
      1,
    );
  }
  const items = [...deltas].map(([id, counters]) => ({
    ...counterKeyOf(id),
    ...Object.fromEntries(counters),
  }));
  await batchPut(ctx.clients.ddb, table, items);
  return table;
};

type Timing = { ms: number; responses: number };
const median = (runs: number[]) => runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)] as number;

/** Times the trend query on each table in turn, run after run, so a busy machine slows all alike. */
const time = async (ctx: BenchContext, tables: readonly string[], weeks: number) => {
  const runs = tables.map(() => [] as number[]);
  const responses = tables.map(() => 0);
  for (let i = 0; i < 23; i++) {
    for (const [t, table] of tables.entries()) {
      const started = performance.now();
      const points = await readTrend(
        { ddb: ctx.clients.ddb, table },
        { kind: 'nps', unit: 'week', count: weeks, today, minResponses: 30 },
      );
      if (i >= 3) runs[t]?.push(performance.now() - started); // three warm-up runs
      responses[t] = points.reduce((n, p) => n + p.responses, 0);
    }
  }
  return tables.map((_, t) => ({ ms: median(runs[t] ?? []), responses: responses[t] ?? 0 }));
};

export default async (ctx: BenchContext) => {
  const small = await seed(ctx, 1_000);
  const large = await seed(ctx, 100_000);
  const [a, b] = (await time(ctx, [small, large], 12)) as [Timing, Timing];
  const [year] = (await time(ctx, [large], 52)) as [Timing];
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    figure: round1(b.ms / a.ms),
    target: '≤ 1.5',
    msTrend12WeeksWith1k: round1(a.ms),
    msTrend12WeeksWith100k: round1(b.ms),
    msTrend52WeeksWith100k: round1(year.ms),
    responsesIn12Weeks100k: b.responses,
    responsesIn52Weeks100k: year.responses,
  };
};
