/**
 * The NPS over time: one point per ISO week or calendar month, oldest first, empty periods included. Read
 * from the day counters in one range query (never the responses); a week is exactly its seven days, as in
 * `nps report --week`. Each point carries n and its margin, and whether the change against the period
 * before is significant (`compareNps`, judged only when both periods have the minimum n).
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { isoWeekOf, isoWeekRange } from '#shared/core/period.ts';
import { compareNps, type Summary, summarize } from '#shared/core/stats.ts';
import { type SurveyKind, scalePoints } from '#shared/core/survey.ts';
import { addDays } from '#shared/core/time.ts';
import { ALL_SCOPE, ALL_TIME, aggregateKey, dayPeriod } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

export const TREND_UNITS = ['week', 'month'] as const;
export type TrendUnit = (typeof TREND_UNITS)[number];

export const isTrendUnit = (value: string): value is TrendUnit =>
  (TREND_UNITS as readonly string[]).includes(value);

export interface TrendPeriod {
  /** `2026-W36` or `2026-09`. */
  label: string;
  /** yyyy-mm-dd, inclusive. */
  since: string;
  /** yyyy-mm-dd, exclusive. */
  until: string;
}

export interface TrendPoint extends TrendPeriod {
  responses: number;
  nps: number | null;
  marginOfError: number | null;
  /** Against the period before; null when either has no responses. */
  change: { delta: number; significant: boolean } | null;
  /** Fewer responses than the minimum: shown with its n, never called a significant change. */
  belowMinimum: boolean;
  histogram: number[];
}

const monthOf = (day: string): string => day.slice(0, 7);
const nextMonth = (month: string): string => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
};
const previousMonth = (month: string): string => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
};

/** `count` periods ending with the one that holds `today` (yyyy-mm-dd), oldest first. Pure. */
export const trendPeriods = (unit: TrendUnit, count: number, today: string): TrendPeriod[] => {
  const periods: TrendPeriod[] = [];
  if (unit === 'week') {
    const current = isoWeekRange(isoWeekOf(today)) as Required<{ since: string; until: string }>;
    for (let i = count - 1; i >= 0; i--) {
      const since = addDays(current.since, -7 * i);
      periods.push({ label: isoWeekOf(since), since, until: addDays(since, 7) });
    }
    return periods;
  }
  let month = monthOf(today);
  for (let i = 1; i < count; i++) month = previousMonth(month);
  for (let i = 0; i < count; i++, month = nextMonth(month))
    periods.push({ label: month, since: `${month}-01`, until: `${nextMonth(month)}-01` });
  return periods;
};

/** Sums the day counters of `scope` into each period: one paginated Query over the whole range. */
export const readPeriodHistograms = async (
  store: TableStore,
  kind: SurveyKind,
  scope: string,
  periods: readonly TrendPeriod[],
): Promise<number[][]> => {
  const points = scalePoints(kind);
  const sums = periods.map(() => points.map(() => 0));
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (!first || !last) return sums;
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': aggregateKey(kind, scope, ALL_TIME).pk,
        ':from': dayPeriod(first.since),
        ':to': dayPeriod(addDays(last.until, -1)),
      },
    },
  );
  let at = 0;
  for await (const page of pages) {
    // Items come in day order, and so do the periods: walk both once.
    for (const item of page.Items ?? []) {
      const day = (item.sk as string).slice(dayPeriod('').length);
      while (at < periods.length && day >= (periods[at] as TrendPeriod).until) at++;
      const into = sums[at];
      if (!into) break;
      points.forEach((score, i) => {
        into[i] = (into[i] ?? 0) + Number(item[`s${score}`] ?? 0);
      });
    }
  }
  return sums;
};

/** The points of already summed periods: the first period only gives the second its change. Pure. */
export const trendPointsOf = (
  kind: SurveyKind,
  periods: readonly TrendPeriod[],
  histograms: readonly number[][],
  minResponses: number,
): TrendPoint[] => {
  const summaries: Summary[] = histograms.map((h) => summarize(kind, h));
  return periods.slice(1).map((period, i) => {
    const now = summaries[i + 1] as Summary;
    const before = summaries[i] as Summary;
    const change = compareNps(now, before);
    const judged = now.responses >= minResponses && before.responses >= minResponses;
    return {
      ...period,
      responses: now.responses,
      nps: now.nps,
      marginOfError: now.marginOfError,
      change: change ? { delta: Math.round(change.delta), significant: judged && change.significant } : null,
      belowMinimum: now.responses < minResponses,
      histogram: now.histogram,
    };
  });
};

export interface TrendQuery {
  kind: SurveyKind;
  unit: TrendUnit;
  /** How many periods, the current one last. */
  count: number;
  /** yyyy-mm-dd in the reporting time zone. */
  today: string;
  minResponses: number;
  scope?: string;
}

/** The trend of `count` periods up to the current one (one extra period is read for the first change). */
export const readTrend = async (store: TableStore, query: TrendQuery): Promise<TrendPoint[]> => {
  const periods = trendPeriods(query.unit, query.count + 1, query.today);
  const histograms = await readPeriodHistograms(store, query.kind, query.scope ?? ALL_SCOPE, periods);
  return trendPointsOf(query.kind, periods, histograms, query.minResponses);
};

/** The contract's JSON shape: `{ week: "2026-W36", responses, nps, marginOfError, … }`. */
export const trendJson = (unit: TrendUnit, points: readonly TrendPoint[]) =>
  points.map(({ label, histogram: _h, ...rest }) => ({ [unit]: label, ...rest }));
