/**
 * NPS next to money: the contact value a wave declared (`--value-column arr`) summed per category by the
 * aggregator, a value-weighted NPS, and the value at risk (what detractor accounts hold). Read from the same
 * counters as `nps report`, for the same scope and days.
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { VALUE_COUNTERS, VALUED_COUNTER } from '#shared/aggregation/deltas.ts';
import type { DayRange } from '#shared/core/period.ts';
import type { Category, SurveyKind } from '#shared/core/survey.ts';
import { ALL_TIME, aggregateKey, dayPeriod } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

export interface ValueSums {
  promoter: number;
  passive: number;
  detractor: number;
  /** Counted responses that carried a value. */
  valued: number;
}

export interface ValueFigures {
  promoters: number;
  passives: number;
  detractors: number;
  /** The value of detractor accounts: the sum of the detractors' values. */
  atRisk: number;
  /** (value of promoters − value of detractors) / all value × 100, whole number; null when no value. */
  weightedNps: number | null;
  /** How many responses carried a value (the n of the weighted NPS). */
  responses: number;
}

/** The figures of summed counters, or null when no counted response carried a value. Pure. */
export const valueFiguresOf = (sums: ValueSums): ValueFigures | null => {
  if (sums.valued === 0) return null;
  const total = sums.promoter + sums.passive + sums.detractor;
  return {
    promoters: sums.promoter,
    passives: sums.passive,
    detractors: sums.detractor,
    atRisk: sums.detractor,
    weightedNps: total > 0 ? Math.round((100 * (sums.promoter - sums.detractor)) / total) : null,
    responses: sums.valued,
  };
};

/** Sums the value counters of one scope over all time, or the days from `since` to `until` (exclusive). */
export const readValueSums = async (
  store: TableStore,
  kind: SurveyKind,
  scope: string,
  range?: DayRange,
): Promise<ValueSums> => {
  const sums: ValueSums = { promoter: 0, passive: 0, detractor: 0, valued: 0 };
  const pk = aggregateKey(kind, scope, ALL_TIME).pk;
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      KeyConditionExpression: range ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND sk = :all',
      ExpressionAttributeValues: range
        ? { ':pk': pk, ':from': dayPeriod(range.since), ':to': dayPeriod(range.until ?? '~') }
        : { ':pk': pk, ':all': ALL_TIME },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (range?.until && item.sk === dayPeriod(range.until)) continue;
      for (const category of Object.keys(VALUE_COUNTERS) as Category[])
        sums[category] += Number(item[VALUE_COUNTERS[category]] ?? 0);
      sums.valued += Number(item[VALUED_COUNTER] ?? 0);
    }
  }
  return sums;
};

/** The value figures of a scope and period, or null when it has no valued responses. */
export const readValue = async (
  store: TableStore,
  kind: SurveyKind,
  scope: string,
  range?: DayRange,
): Promise<ValueFigures | null> => valueFiguresOf(await readValueSums(store, kind, scope, range));
