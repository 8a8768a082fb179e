/**
 * What an item counts, as signed counter deltas. Pure: the live aggregator (old image −1, new image +1) and
 * `nps aggregates verify` (every current item +1) both count through `contribute`, so they count the same
 * things.
 */
import { type ResponseCounts, responseCountsFromItem } from '#shared/answering/response-item.ts';
import { type Category, categoryOf } from '#shared/core/survey.ts';
import type { Item } from '#shared/store/item.ts';
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
import { type RecipientCounts, recipientCountsFromItem } from '#shared/store/recipient.ts';

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
export const scopesOf = (item: Pick<ResponseCounts, 'waveId' | 'locale' | 'props'>): string[] => {
  const scopes = [ALL_SCOPE, waveScope(item.waveId)];
  if (typeof item.locale === 'string') scopes.push(localeScope(item.locale));
  const props = item.props ?? {};
  for (const [column, value] of Object.entries(props)) scopes.push(segmentScope(column, value));
  // Each segment value within the wave too, so a wave's segments are exact counters as well.
  for (const [column, value] of Object.entries(props))
    scopes.push(waveSegmentScope(item.waveId, column, value));
  return scopes;
};

const contributeResponse = (
  deltas: Deltas,
  segments: Set<string>,
  response: ResponseCounts,
  sign: 1 | -1,
) => {
  const { kind, status, day, score } = response;
  const periods = day ? [ALL_TIME, dayPeriod(day)] : [ALL_TIME];
  for (const scope of scopesOf(response)) {
    const segment = segmentValueOfScope(scope);
    if (segment !== undefined) segments.add(segment);
    const pk = aggregateKey(kind, scope, ALL_TIME).pk;
    for (const period of periods) {
      if (status === 'committed' && score !== undefined) {
        add(deltas, pk, period, `s${score}`, sign);
        add(deltas, pk, period, 'n', sign);
        // Imported answers were never sent from here: the response rate leaves them out.
        if (response.via === 'import') add(deltas, pk, period, 'imported', sign);
        if (response.value !== undefined) {
          const counter = VALUE_COUNTERS[categoryOf(kind, score)];
          add(deltas, pk, period, counter, sign * Math.round(response.value));
          add(deltas, pk, period, VALUED_COUNTER, sign);
        }
      } else if (status === 'quarantined') {
        add(deltas, pk, period, 'quarantined', sign);
      }
    }
  }
};

const contributeRecipient = (deltas: Deltas, recipient: RecipientCounts, sign: 1 | -1) => {
  const { kind, status } = recipient;
  const wavePk = aggregateKey(kind, waveScope(recipient.waveId), ALL_TIME).pk;
  if (status === 'skipped' || status === 'failed') {
    // Why recipients were not sent, per wave (`nps wave status`).
    add(
      deltas,
      wavePk,
      ALL_TIME,
      status === 'skipped' ? `skipped_${String(recipient.reason)}` : 'failed_send',
      sign,
    );
  } else if (status === 'sent') {
    for (const scope of [ALL_SCOPE, waveScope(recipient.waveId)]) {
      const pk = aggregateKey(kind, scope, ALL_TIME).pk;
      add(deltas, pk, ALL_TIME, 'sent', sign);
      if (recipient.sentDay) add(deltas, pk, dayPeriod(recipient.sentDay), 'sent', sign);
    }
    // A reminder that went out, per wave (`nps wave status`).
    if (recipient.reminder === 'sent') add(deltas, wavePk, ALL_TIME, 'reminded', sign);
  }
};

/**
 * Adds what one image of an item counts to `deltas`, with sign: +1 for the new image, −1 for the old. The
 * image is read once through its entity's counting reader (a response or a recipient; any other item
 * counts nothing), which checks what counting needs and nothing of a person's data. The
 * segment values a response counts in are added to `segments` (the catalogue `nps report --segment` reads).
 */
export const contribute = (deltas: Deltas, segments: Set<string>, image: Item | undefined, sign: 1 | -1) => {
  const sk = image?.sk;
  if (!image || typeof sk !== 'string') return;
  if (sk.startsWith(RESPONSE_PREFIX))
    contributeResponse(deltas, segments, responseCountsFromItem(image), sign);
  else if (sk.startsWith(RECIPIENT_PREFIX)) contributeRecipient(deltas, recipientCountsFromItem(image), sign);
};
