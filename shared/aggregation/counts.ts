/** Reading the counters back: one scope's counts over all time or a range of days, and the segment catalogue. */
import { paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type SurveyKind, scalePoints } from '#shared/core/survey.ts';
import {
  ALL_SCOPE,
  ALL_TIME,
  aggregateKey,
  dayPeriod,
  parseSegmentValue,
  SEGMENTS_PERIOD,
} from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

export interface Counts {
  histogram: number[];
  n: number;
  quarantined: number;
  sent: number;
  /** Reminders sent (kept per wave). */
  reminded: number;
  /** Of `n`, the answers imported from another tool (`nps import responses`): none of them was sent from here. */
  imported: number;
  /** Recipients skipped at send time, by reason (kept per wave). */
  skipped: Record<string, number>;
  /** Recipients whose send failed (kept per wave). */
  failed: number;
}

const emptyCounts = (kind: SurveyKind): Counts => ({
  histogram: scalePoints(kind).map(() => 0),
  n: 0,
  quarantined: 0,
  sent: 0,
  imported: 0,
  reminded: 0,
  skipped: {},
  failed: 0,
});

const addCounts = (kind: SurveyKind, into: Counts, item: Record<string, unknown>) => {
  scalePoints(kind).forEach((score, i) => {
    into.histogram[i] = (into.histogram[i] ?? 0) + Number(item[`s${score}`] ?? 0);
  });
  into.n += Number(item.n ?? 0);
  into.quarantined += Number(item.quarantined ?? 0);
  into.sent += Number(item.sent ?? 0);
  into.imported += Number(item.imported ?? 0);
  into.reminded += Number(item.reminded ?? 0);
  for (const [attribute, value] of Object.entries(item)) {
    const count = Number(value);
    if (attribute.startsWith('skipped_') && count > 0) {
      const reason = attribute.slice('skipped_'.length);
      into.skipped[reason] = (into.skipped[reason] ?? 0) + count;
    } else if (attribute.startsWith('failed_')) into.failed += count;
  }
};

/**
 * Reads the counters of one scope: all time, or the days from `since` (inclusive) to `until` (exclusive).
 * Reads at most one item per day; never the responses.
 */
export const readCounts = async (
  store: TableStore,
  kind: SurveyKind,
  scope: string,
  range?: { since: string; until?: string },
): Promise<Counts> => {
  const counts = emptyCounts(kind);
  const pk = aggregateKey(kind, scope, ALL_TIME).pk;
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      ConsistentRead: true,
      ...(range
        ? {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':from': dayPeriod(range.since),
              // '~' sorts after every digit: an open range runs to the last day counter.
              ':to': range.until ? dayPeriod(range.until) : dayPeriod('~'),
            },
          }
        : {
            KeyConditionExpression: 'pk = :pk AND sk = :all',
            ExpressionAttributeValues: { ':pk': pk, ':all': ALL_TIME },
          }),
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (range?.until && item.sk === dayPeriod(range.until)) continue;
      addCounts(kind, counts, item);
    }
  }
  return counts;
};

/** The `column#value` pairs that have counters, for one column or all. */
export const segmentValues = async (
  store: TableStore,
  kind: SurveyKind,
  column?: string,
): Promise<{ column: string; value: string }[]> => {
  const key = aggregateKey(kind, ALL_SCOPE, SEGMENTS_PERIOD);
  const out = await store.ddb.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': key.pk, ':sk': key.sk },
    }),
  );
  const values = [...((out.Items?.[0]?.values as Set<string> | undefined) ?? [])];
  return values
    .map(parseSegmentValue)
    .filter((s) => column === undefined || s.column === column)
    .sort((a, b) => a.column.localeCompare(b.column) || a.value.localeCompare(b.value));
};
