/**
 * The response entity as stored, `WAVE#id#NN / RESP#contactId`: its key, the item it is written as, and the
 * validating read of one, from a read, a query of the feedback index (gsi1) or a stream image.
 */
import { SURVEY_KINDS } from '#shared/core/survey.ts';
import { defined, type Item, type ItemReader, itemReader, storedLocale } from '#shared/store/item.ts';
import { responseKey } from '#shared/store/keys.ts';
import type { Answers, Click, CommitVia, ResponseItem, ResponseStatus } from './responses.ts';

export { feedbackPartition, GSI1, RESPONSE_PREFIX, responseKey } from '#shared/store/keys.ts';

export const RESPONSE_STATUSES: readonly ResponseStatus[] = ['pending', 'committed', 'quarantined'];
export const COMMIT_VIAS: readonly CommitVia[] = ['submit', 'dwell', 'import'];
const CATEGORIES = ['promoter', 'passive', 'detractor'] as const;
const FREQUENCIES = ['0', '1', '2-5', '6+'] as const;

/** The item a response is put as, under its wave's shard. */
export const responseToItem = (response: ResponseItem) => ({
  ...response,
  ...responseKey(response.waveId, response.contactId),
});

const answersOf = (a: ItemReader): Answers =>
  defined({
    reason: a.optionalString('reason'),
    improve: a.optionalString('improve'),
    recommendFrequency: a.optionalOneOf('recommendFrequency', FREQUENCIES),
    referral: a.optionalString('referral'),
    referralConsent: a.optionalBoolean('referralConsent'),
  });

const clickOf = (c: ItemReader): Click => ({ score: c.number('score'), at: c.string('at') });

/**
 * A stored response, checked field by field; throws MalformedItemError on a malformed one. Retention removes
 * the clicks and history of an anonymised one (read as empty). The item's other attributes (its index keys,
 * an import's fingerprint) are kept as they are, so a read-modify-write never drops them.
 */
/** What the aggregator counts of a response: its wave, kind, scopes and score, never the answers. */
export type ResponseCounts = Pick<ResponseItem, 'waveId' | 'kind' | 'status'> &
  Partial<Pick<ResponseItem, 'locale' | 'props' | 'value' | 'score' | 'via' | 'day'>>;

/** A stream image of a response, read for counting only (the fields the counters need, checked). */
export const responseCountsFromItem = (item: Item): ResponseCounts => {
  const r = itemReader('response', item);
  return defined({
    waveId: r.string('waveId'),
    kind: r.oneOf('kind', SURVEY_KINDS),
    locale: storedLocale(r),
    props: r.stringMap('props', {}),
    value: r.optionalNumber('value'),
    status: r.oneOf('status', RESPONSE_STATUSES),
    score: r.optionalNumber('score'),
    via: r.optionalOneOf('via', COMMIT_VIAS),
    day: r.optionalString('day'),
  });
};

export const responseFromItem = (item: Item): ResponseItem => {
  const r = itemReader('response', item);
  const anonymised = r.optionalString('anonymisedAt') !== undefined;
  const empty = anonymised ? [] : undefined;
  return {
    ...item,
    ...defined({
      pk: r.string('pk'),
      sk: r.string('sk'),
      waveId: r.string('waveId'),
      contactId: r.string('contactId'),
      kind: r.oneOf('kind', SURVEY_KINDS),
      locale: storedLocale(r),
      // Absent props read as none, as the aggregator always counted them.
      props: r.stringMap('props', {}),
      value: r.optionalNumber('value'),
      status: r.oneOf('status', RESPONSE_STATUSES),
      score: r.optionalNumber('score'),
      category: r.optionalOneOf('category', CATEGORIES),
      respondedAt: r.optionalString('respondedAt'),
      via: r.optionalOneOf('via', COMMIT_VIAS),
      day: r.optionalString('day'),
      answers: r.optionalObject('answers', answersOf),
      clicks: r.list('clicks', clickOf, empty),
      history: r.list('history', (h) => ({ ...clickOf(h), via: h.oneOf('via', COMMIT_VIAS) }), empty),
      automatedAt: r.optionalString('automatedAt'),
      anonymisedAt: r.optionalString('anonymisedAt'),
      version: r.integer('version'),
      gsi1pk: r.optionalString('gsi1pk'),
      gsi1sk: r.optionalString('gsi1sk'),
    }),
  };
};
