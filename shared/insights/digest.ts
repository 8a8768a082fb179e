/**
 * The digest's insights of one period, read once for every reader language: the recent weekly trend, the
 * drivers of the period (from the segment counters the digest already read), the top themes of its
 * comments with one example each, the value held and at risk, and the gap to each benchmark.
 */
import type { Counts } from '#shared/aggregation/counts.ts';
import type { DayRange } from '#shared/core/period.ts';
import { summarize } from '#shared/core/stats.ts';
import { addDays } from '#shared/core/time.ts';
import { ALL_SCOPE } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { DigestInsights } from '#templates/digest-insights.ts';
import { benchmarkGaps, listBenchmarks } from './benchmarks.ts';
import { driversOf, type SegmentHistogram } from './drivers.ts';
import { readThemes } from './read.ts';
import { readTrend } from './trend.ts';
import { readValue } from './value.ts';

/** Weeks of trend the digest shows, the current one last. */
export const DIGEST_TREND_WEEKS = 8;
const TOP_THEMES = 5;

export const readDigestInsights = async (
  store: TableStore,
  input: {
    period: Required<DayRange>;
    overall: Counts;
    segments: readonly SegmentHistogram[];
    minResponses: number;
  },
): Promise<DigestInsights> => {
  const kind = 'nps' as const;
  const [trend, themes, value, benchmarks] = await Promise.all([
    readTrend(store, {
      kind,
      unit: 'week',
      count: DIGEST_TREND_WEEKS,
      today: addDays(input.period.until, -1),
      minResponses: input.minResponses,
    }),
    readThemes(store, { kind, range: input.period, minComments: input.minResponses }),
    readValue(store, kind, ALL_SCOPE, input.period),
    listBenchmarks(store),
  ]);
  const drivers = driversOf(kind, input.overall.histogram, input.segments, {
    minResponses: input.minResponses,
  });
  const overall = summarize(kind, input.overall.histogram);
  return {
    trend: trend.map((w) => ({
      week: w.label,
      since: w.since,
      responses: w.responses,
      nps: w.nps,
      marginOfError: w.marginOfError,
      change: w.change,
    })),
    drivers: {
      comparisons: drivers.length,
      significant: drivers
        .filter((d) => d.significant && d.nps !== null && d.others.nps !== null)
        .map((d) => ({
          column: d.column,
          value: d.value,
          responses: d.responses,
          nps: d.nps as number,
          others: d.others.nps as number,
          othersResponses: d.others.responses,
          difference: d.difference,
          low: d.low,
          high: d.high,
        })),
    },
    themes: {
      comments: themes.comments,
      top: themes.themes
        .filter((t) => t.count > 0)
        .slice(0, TOP_THEMES)
        .map((t) => ({
          id: t.id,
          labels: t.labels,
          count: t.count,
          share: t.share,
          change: t.change,
          ...(t.examples[0] ? { example: t.examples[0] } : {}),
        })),
    },
    value,
    benchmarks: benchmarkGaps(overall.nps, overall.marginOfError, benchmarks).map((b) => ({
      name: b.name,
      score: b.score,
      source: b.source,
      gap: b.gap,
      overlaps: b.overlaps,
    })),
  };
};
