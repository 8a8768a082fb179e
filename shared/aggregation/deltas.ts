/**
 * What an item counts, as signed counter deltas. Pure: the live aggregator (old image −1, new image +1) and
 * `nps aggregates verify` (every current item +1) both count through `contribute`, so they count the same
 * things.
 */
import { type Category, categoryOf, type SurveyKind } from '#shared/core/survey.ts';
import {
  ALL_SCOPE,
  ALL_TIME,
  aggregateKey,
  dayPeriod,
  localeScope,
  RECIPIENT_PREFIX,
  RESPONSE_PREFIX,
  segmentScope,
  segmentValueOfScope,
  waveScope,
  waveSegmentScope,
} from '#shared/store/keys.ts';

/** counter key (pk|sk) → attribute → delta */
export type Deltas = Map<string, Map<string, number>>;

export const counterId = (pk: string, sk: string) => `${pk}|${sk}`;

/** The key of a counter id; split at the last `|`, as an aggregate's sk (`ALL`, `DAY#…`) never holds one. */
export const counterKeyOf = (id: string): { pk: string; sk: string } => {
  const at = id.lastIndexOf('|');
  return { pk: id.slice(0, at), sk: id.slice(at + 1) };
};

const add = (deltas: Deltas, pk: string, sk: string, attribute: string, by: number) => {
  if (by === 0) return;
  const id = counterId(pk, sk);
  let counter = deltas.get(id);
  if (!counter) {
    counter = new Map();
    deltas.set(id, counter);
  }
  counter.set(attribute, (counter.get(attribute) ?? 0) + by);
};

/**
 * Counters of the contact value a wave declared (`--value-column`): the sum of the values per category, in
 * whole units so sums stay exact, and how many counted responses carried a value.
 */
export const VALUE_COUNTERS: Readonly<Record<Category, string>> = {
  promoter: 'value_promoter',
  passive: 'value_passive',
  detractor: 'value_detractor',
};
export const VALUED_COUNTER = 'valued';

/** The scopes an item counts in: everything of its kind, its wave, its locale, each segment value, alone and within the wave. */
export const scopesOf = (image: Record<string, unknown>): string[] => {
  const scopes = [ALL_SCOPE, waveScope(image.waveId as string)];
  if (typeof image.locale === 'string') scopes.push(localeScope(image.locale));
  const props = (image.props ?? {}) as Record<string, string>;
  for (const [column, value] of Object.entries(props)) scopes.push(segmentScope(column, value));
  // Each segment value within the wave too, so a wave's segments are exact counters as well.
  for (const [column, value] of Object.entries(props))
    scopes.push(waveSegmentScope(image.waveId as string, column, value));
  return scopes;
};

/**
 * Adds what one image of an item counts to `deltas`, with sign: +1 for the new image, −1 for the old. The
 * segment values a response counts in are added to `segments` (the catalogue `nps report --segment` reads).
 */
export const contribute = (
  deltas: Deltas,
  segments: Set<string>,
  image: Record<string, unknown> | undefined,
  sign: 1 | -1,
) => {
  if (!image) return;
  const kind = image.kind as SurveyKind;
  const sk = image.sk as string;
  if (sk.startsWith(RESPONSE_PREFIX)) {
    const status = image.status;
    const day = image.day as string | undefined;
    const periods = day ? [ALL_TIME, dayPeriod(day)] : [ALL_TIME];
    for (const scope of scopesOf(image)) {
      const segment = segmentValueOfScope(scope);
      if (segment !== undefined) segments.add(segment);
      const pk = aggregateKey(kind, scope, ALL_TIME).pk;
      for (const period of periods) {
        if (status === 'committed' && typeof image.score === 'number') {
          add(deltas, pk, period, `s${image.score}`, sign);
          add(deltas, pk, period, 'n', sign);
          // Imported answers were never sent from here: the response rate leaves them out.
          if (image.via === 'import') add(deltas, pk, period, 'imported', sign);
          if (typeof image.value === 'number' && Number.isFinite(image.value)) {
            const counter = VALUE_COUNTERS[categoryOf(kind, image.score)];
            add(deltas, pk, period, counter, sign * Math.round(image.value));
            add(deltas, pk, period, VALUED_COUNTER, sign);
          }
        } else if (status === 'quarantined') {
          add(deltas, pk, period, 'quarantined', sign);
        }
      }
    }
  } else if (sk.startsWith(RECIPIENT_PREFIX) && (image.status === 'skipped' || image.status === 'failed')) {
    // Why recipients were not sent, per wave (`nps wave status`).
    const reason = image.status === 'skipped' ? `skipped_${String(image.reason)}` : 'failed_send';
    add(deltas, aggregateKey(kind, waveScope(image.waveId as string), ALL_TIME).pk, ALL_TIME, reason, sign);
  } else if (sk.startsWith(RECIPIENT_PREFIX) && image.status === 'sent') {
    const day = typeof image.sentDay === 'string' ? image.sentDay : undefined;
    for (const scope of [ALL_SCOPE, waveScope(image.waveId as string)]) {
      const pk = aggregateKey(kind, scope, ALL_TIME).pk;
      add(deltas, pk, ALL_TIME, 'sent', sign);
      if (day) add(deltas, pk, dayPeriod(day), 'sent', sign);
    }
    // A reminder that went out, per wave (`nps wave status`).
    if (image.reminder === 'sent')
      add(
        deltas,
        aggregateKey(kind, waveScope(image.waveId as string), ALL_TIME).pk,
        ALL_TIME,
        'reminded',
        sign,
      );
  }
};
