/** `nps report` and the digest's numbers: summaries read from the aggregates, never from responses. */
import { type Counts, readCounts, segmentValues } from '#shared/aggregation/counts.ts';
import { type Summary, summarize } from '#shared/core/stats.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { type BenchmarkGap, benchmarkGaps, listBenchmarks } from '#shared/insights/benchmarks.ts';
import { readValue, type ValueFigures } from '#shared/insights/value.ts';
import { ALL_SCOPE, segmentScope, waveScope, waveSegmentScope } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { DayRange } from '../core/period.ts';

export interface ReportFigures extends Summary {
  quarantined: number;
  sent: number;
  /**
   * Responses to emails sent from here per email sent, in the same scope and period, 0…1 (imported answers
   * are left out: nobody sent them from here); null when nothing was sent.
   */
  responseRate: number | null;
}

export const figuresOf = (kind: SurveyKind, counts: Counts): ReportFigures => ({
  ...summarize(kind, counts.histogram),
  quarantined: counts.quarantined,
  sent: counts.sent,
  responseRate:
    counts.sent > 0 ? Math.round(((counts.n - counts.imported) / counts.sent) * 10_000) / 10_000 : null,
});

export interface ReportQuery {
  kind: SurveyKind;
  waveId?: string;
  segment?: string;
  range?: DayRange;
}

export interface SegmentFigures extends ReportFigures {
  column: string;
  value: string;
}

export type Report = ReportFigures & {
  kind: SurveyKind;
  segments?: SegmentFigures[];
  /** With a value column (`wave create --value-column`): the value each category holds and the value at risk. */
  value?: Omit<ValueFigures, 'weightedNps'>;
  valueWeightedNps?: number | null;
  /** NPS only, once benchmarks are recorded: the gap to each and whether our margin reaches it. */
  benchmarks?: BenchmarkGap[];
};

export const buildReport = async (store: TableStore, query: ReportQuery): Promise<Report> => {
  const scope = query.waveId ? waveScope(query.waveId) : ALL_SCOPE;
  const [counts, value, benchmarks] = await Promise.all([
    readCounts(store, query.kind, scope, query.range),
    readValue(store, query.kind, scope, query.range),
    query.kind === 'nps' ? listBenchmarks(store) : [],
  ]);
  const overall = figuresOf(query.kind, counts);
  const report: Report = { kind: query.kind, ...overall };
  if (value) {
    const { weightedNps, ...held } = value;
    Object.assign(report, { value: held, valueWeightedNps: weightedNps });
  }
  if (benchmarks.length > 0)
    report.benchmarks = benchmarkGaps(overall.nps, overall.marginOfError, benchmarks);
  if (query.segment)
    report.segments = await segmentFigures(store, query.kind, query.segment, query.range, query.waveId);
  return report;
};

/**
 * The figures of each value of one segment column (or of every column), across all waves or within one
 * (its own counters); a value the wave has no response for is left out.
 */
export const segmentFigures = async (
  store: TableStore,
  kind: SurveyKind,
  column: string | undefined,
  range: DayRange | undefined,
  waveId?: string,
): Promise<SegmentFigures[]> => {
  const values = await segmentValues(store, kind, column);
  const figures = await Promise.all(
    values.map(async ({ column: c, value }) => {
      const scope = waveId ? waveSegmentScope(waveId, c, value) : segmentScope(c, value);
      return { column: c, value, ...figuresOf(kind, await readCounts(store, kind, scope, range)) };
    }),
  );
  return waveId ? figures.filter((f) => f.responses > 0 || f.quarantined > 0) : figures;
};
