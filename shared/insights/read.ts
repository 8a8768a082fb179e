/**
 * Reading the insights of a period for `nps report` and the digest: drivers from the segment counters,
 * themes from the period's comments against the period before, all through the same aggregates and feedback
 * index the rest of reporting reads.
 */
import { readCounts, segmentValues } from '#shared/aggregation/counts.ts';
import type { DayRange } from '#shared/core/period.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { addDays, daysBetween } from '#shared/core/time.ts';
import { ALL_SCOPE, segmentScope } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type Driver, driversOf } from './drivers.ts';
import { readComments } from './themes/comments.ts';
import { configuredLexicon, type Lexicon } from './themes/lexicon.ts';
import { type ThemesReport, themesReport } from './themes/report.ts';

/** Every segment value compared with everyone else over the range (all time without one). */
export const readDrivers = async (
  store: TableStore,
  query: { kind: SurveyKind; range?: DayRange; column?: string; minResponses: number },
): Promise<Driver[]> => {
  const [overall, values] = await Promise.all([
    readCounts(store, query.kind, ALL_SCOPE, query.range),
    segmentValues(store, query.kind, query.column),
  ]);
  const segments = await Promise.all(
    values.map(async ({ column, value }) => ({
      column,
      value,
      histogram: (await readCounts(store, query.kind, segmentScope(column, value), query.range)).histogram,
    })),
  );
  return driversOf(query.kind, overall.histogram, segments, { minResponses: query.minResponses });
};

/** The period of equal length just before `range`. */
export const previousRange = (range: Required<DayRange>): Required<DayRange> => {
  const days = daysBetween(range.since, range.until).length;
  return { since: addDays(range.since, -days), until: range.since };
};

/** The themes of a period's comments, with their change against the period before. */
export const readThemes = async (
  store: TableStore,
  query: { kind: SurveyKind; range: Required<DayRange>; minComments: number; lexicon?: Lexicon },
): Promise<ThemesReport & { period: Required<DayRange>; previousPeriod: Required<DayRange> }> => {
  const previousPeriod = previousRange(query.range);
  const [current, previous] = await Promise.all([
    readComments(store, query.kind, query.range),
    readComments(store, query.kind, previousPeriod),
  ]);
  const report = themesReport(query.lexicon ?? configuredLexicon(), current, previous, {
    minComments: query.minComments,
  });
  return { period: query.range, previousPeriod, ...report };
};
