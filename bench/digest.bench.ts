/**
 * Digest build time with 100,000 responses against 1,000 (aim: ratio ≤ 1.5). The digest reads only the
 * aggregate items (a few dozen day counters per scope) and the day-indexed feedback, so the aggregate items
 * are written directly with counts for 1,000 or 100,000 responses instead of sending that many responses
 * through the stream; the feedback index does get one item per written answer (10% of responses).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildDigestView } from '#shared/reporting/digest.ts';
import type { DigestDeps } from '#shared/reporting/send.ts';
import { type Answer, seedAggregates } from './seed-aggregates.ts';
import type { BenchContext } from './support.ts';

const NOW = new Date();
const TIME_ZONE = 'Europe/Amsterdam';

const seed = async (ctx: BenchContext, responses: number): Promise<string> => {
  const table = await seedAggregates(ctx, {
    responses,
    days: 28,
    now: NOW,
    timeZone: TIME_ZONE,
    answer: (i): Answer => {
      const score = i % 3 === 0 ? 10 : i % 7;
      return score >= 9
        ? { score, category: 'promoter', answers: { referral: `Told a colleague (${i})` } }
        : { score, category: 'detractor', answers: { reason: `Slow exports (${i})` } };
    },
  });
  await ctx.clients.ddb.send(
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
