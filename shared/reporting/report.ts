/** `nps report` and the digest's numbers: summaries read from the aggregates, never from responses. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Counts, readCounts, segmentValues } from '#shared/aggregation/aggregates.ts';
import { type Summary, summarize } from '#shared/core/stats.ts';
import type { SurveyKind } from '#shared/core/survey.ts';

export interface ReportFigures extends Summary {
  quarantined: number;
  sent: number;
  /** Responses per email sent in the same scope and period, 0…1; null when nothing was sent. */
  responseRate: number | null;
}

export interface DayRange {
  /** yyyy-mm-dd, inclusive. */
  since: string;
  /** yyyy-mm-dd, exclusive; open-ended when absent. */
  until?: string;
}

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/**
 * The days of an ISO 8601 week (`2026-W47`, Monday to Sunday). Week figures are the sum of its ≤7 day
 * counters (one Query), not separate WEEK# counters: a week is always exactly its days, and the
 * aggregator writes a third fewer counters per response.
 */
export const isoWeekRange = (week: string): Required<DayRange> | undefined => {
  const m = ISO_WEEK.exec(week.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const number = Number(m[2]);
  // 4 January is always in week 1; step back to that week's Monday.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
  const start = new Date(monday.getTime() + (number - 1) * 7 * 86_400_000);
  if (number < 1 || number > 53 || isoWeekOf(start.toISOString().slice(0, 10)) !== week.trim())
    return undefined;
  const end = new Date(start.getTime() + 7 * 86_400_000);
  return { since: start.toISOString().slice(0, 10), until: end.toISOString().slice(0, 10) };
};

/** The ISO week (`2026-W47`) a yyyy-mm-dd day belongs to. */
export const isoWeekOf = (day: string): string => {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
};

export const figuresOf = (kind: SurveyKind, counts: Counts): ReportFigures => ({
  ...summarize(kind, counts.histogram),
  quarantined: counts.quarantined,
  sent: counts.sent,
  responseRate: counts.sent > 0 ? Math.round((counts.n / counts.sent) * 10_000) / 10_000 : null,
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

export type Report = ReportFigures & { kind: SurveyKind; segments?: SegmentFigures[] };

export const buildReport = async (
  store: { ddb: DynamoDBDocumentClient; table: string },
  query: ReportQuery,
): Promise<Report> => {
  const scope = query.waveId ? `wave#${query.waveId}` : 'all';
  const overall = figuresOf(query.kind, await readCounts(store, query.kind, scope, query.range));
  if (!query.segment) return { kind: query.kind, ...overall };
  const segments = await segmentFigures(store, query.kind, query.segment, query.range);
  return { kind: query.kind, ...overall, segments };
};

export const segmentFigures = async (
  store: { ddb: DynamoDBDocumentClient; table: string },
  kind: SurveyKind,
  column: string | undefined,
  range: DayRange | undefined,
): Promise<SegmentFigures[]> => {
  const values = await segmentValues(store, kind, column);
  return Promise.all(
    values.map(async ({ column: c, value }) => ({
      column: c,
      value,
      ...figuresOf(kind, await readCounts(store, kind, `seg#${c}#${value}`, range)),
    })),
  );
};
