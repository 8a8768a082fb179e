/**
 * The console dashboard's figures for a period: the very numbers of `nps report --since … --until …`
 * (buildReport), the change against the period before as the digest judges it, the segments (below the
 * minimum n their NPS is hidden), the weekly trend, and the CSAT and CES tiles. Everything comes from the
 * aggregate counters, read at once, so the cost does not grow with the number of responses.
 */
import { readCounts } from '#shared/aggregation/counts.ts';
import { compareNps } from '#shared/core/stats.ts';
import { addDays } from '#shared/core/time.ts';
import { readTrend, type TrendPoint } from '#shared/insights/trend.ts';
import { ALL_SCOPE } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { OtherSurvey } from '#templates/index.ts';
import type { DayRange } from '../core/period.ts';
import { otherSurveysOf } from './digest.ts';
import { buildReport, figuresOf, type Report, type SegmentFigures, segmentFigures } from './report.ts';

export interface DashboardQuery {
  period: Required<DayRange>;
  previous: Required<DayRange>;
  minSegmentResponses: number;
}

export interface DashboardSegment extends SegmentFigures {
  /** False below the minimum n: the NPS is not shown, only that there are too few responses. */
  shown: boolean;
}

export interface Dashboard {
  period: Required<DayRange>;
  previous: Required<DayRange>;
  /** What `nps report --since <period.since> --until <period.until> --json` prints. */
  report: Report;
  previousResponses: number;
  /** Whole NPS points against the previous period, as the digest shows it; null when either had none. */
  change: { delta: number; significant: boolean } | null;
  /** Segment values with responses in the period. */
  segments: DashboardSegment[];
  minSegmentResponses: number;
  /** The weeks up to the one holding the period's last day, oldest first, empty weeks included. */
  trend: TrendPoint[];
  /** CSAT and CES of the period, when they had responses. */
  otherSurveys: OtherSurvey[];
}

/** Weeks of trend for a period: at least 8, about the period's length, at most half a year. */
export const trendWeeksFor = (period: Required<DayRange>): number => {
  const days = Math.round((Date.parse(period.until) - Date.parse(period.since)) / 86_400_000);
  return Math.min(26, Math.max(8, Math.ceil(days / 7)));
};

export const readDashboard = async (store: TableStore, query: DashboardQuery): Promise<Dashboard> => {
  const kind = 'nps' as const;
  const { period, previous, minSegmentResponses } = query;
  const [report, before, segments, otherSurveys, trend] = await Promise.all([
    buildReport(store, { kind, range: period }),
    readCounts(store, kind, ALL_SCOPE, previous),
    segmentFigures(store, kind, undefined, period),
    otherSurveysOf(store, period, previous),
    readTrend(store, {
      kind,
      unit: 'week',
      count: trendWeeksFor(period),
      today: addDays(period.until, -1),
      minResponses: minSegmentResponses,
    }),
  ]);
  const earlier = figuresOf(kind, before);
  const change = compareNps(report, earlier);
  return {
    period,
    previous,
    report,
    previousResponses: earlier.responses,
    change: change ? { delta: Math.round(change.delta), significant: change.significant } : null,
    segments: segments
      .filter((s) => s.responses > 0)
      .map((s) => ({ ...s, shown: s.responses >= minSegmentResponses })),
    minSegmentResponses,
    trend,
    otherSurveys,
  };
};
