/**
 * Responses: the two-phase score. A click (GET) only records that a score link was opened; the score counts
 * once the person submits the follow-up form or stays on the page (dwell). Several different scores from one
 * link within seconds is a link scanner: the response is quarantined, kept but never counted.
 * The state changes are pure functions; the repository writes them with optimistic versioning.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { plainParagraphs } from '#shared/audience/plain-text.ts';
import type { SurveyPolicy } from '#shared/core/config.ts';
import { TooManyRequestsError, ValidationError } from '#shared/core/errors.ts';
import { type Category, categoryOf, MAX_ANSWER_LENGTH, type SurveyKind } from '#shared/core/survey.ts';
import { errorName, isConditionFailed } from '#shared/store/conditions.ts';
import { ifFound } from '#shared/store/item.ts';
import { feedbackPartition, responseKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Recipient } from '#shared/waves/model.ts';
import { responseFromItem } from './response-item.ts';

export { getRecipient, getRecipientAndResponse, getRecipientAndWave, type WaveFacts } from './link-items.ts';

import type { Locale } from '#shared/core/locale.ts';

export type ResponseStatus = 'pending' | 'committed' | 'quarantined';
/** How a counted score was given: on the page, or imported from another tool (`nps import responses`). */
export type CommitVia = 'submit' | 'dwell' | 'import';

export interface Click {
  score: number;
  at: string;
}

export interface Answers {
  reason?: string;
  improve?: string;
  recommendFrequency?: '0' | '1' | '2-5' | '6+';
  referral?: string;
  referralConsent?: boolean;
}

export interface ResponseItem {
  pk: string;
  sk: string;
  waveId: string;
  contactId: string;
  kind: SurveyKind;
  locale: Locale;
  props: Record<string, string>;
  /** The contact's value (`--value-column`), which the aggregator sums per category. */
  value?: number;
  status: ResponseStatus;
  /** The counted score (committed) or the last scanner score (quarantined). */
  score?: number;
  category?: Category;
  respondedAt?: string;
  /** How the counted score was given; the events carry it. */
  via?: CommitVia;
  /** Calendar day of `respondedAt` in the digest time zone; the aggregates' day bucket. */
  day?: string;
  answers?: Answers;
  clicks: Click[];
  /** Earlier committed scores, oldest first. */
  history: { score: number; at: string; via: CommitVia }[];
  /** When the email's hidden trap link was opened: only an automated client does that. */
  automatedAt?: string;
  /** Set once retention removed its personal data (privacy/personal-data.ts `ANONYMISED_AT`). */
  anonymisedAt?: string;
  version: number;
  gsi1pk?: string;
  gsi1sk?: string;
}

const MAX_CLICKS = 30;

const recentDistinctScores = (clicks: readonly Click[], now: Date, windowSeconds: number): number => {
  const since = now.getTime() - windowSeconds * 1000;
  return new Set(clicks.filter((c) => Date.parse(c.at) >= since).map((c) => c.score)).size;
};

export const isBurst = (clicks: readonly Click[], now: Date, policy: SurveyPolicy): boolean =>
  recentDistinctScores(clicks, now, policy.burstWindowSeconds) >= policy.burstDistinctScores;

export const newResponse = (recipient: Recipient): ResponseItem => ({
  ...responseKey(recipient.waveId, recipient.contactId),
  waveId: recipient.waveId,
  contactId: recipient.contactId,
  kind: recipient.kind,
  locale: recipient.locale,
  props: recipient.props,
  ...(recipient.value !== undefined ? { value: recipient.value } : {}),
  status: 'pending',
  clicks: [],
  history: [],
  version: 0,
});

/** A score link was opened. Never counts; a burst quarantines a response nobody has committed yet. */
export const applyClick = (
  state: ResponseItem,
  score: number,
  now: Date,
  policy: SurveyPolicy,
): ResponseItem => {
  const clicks = [...state.clicks, { score, at: now.toISOString() }].slice(-MAX_CLICKS);
  const next = { ...state, clicks, version: state.version + 1 };
  if (state.status === 'pending' && isBurst(clicks, now, policy)) {
    return { ...next, status: 'quarantined', score };
  }
  return next;
};

/** Whether `now` falls within the window after the trap link was opened. */
export const isAutomatedNow = (state: ResponseItem, now: Date, policy: SurveyPolicy): boolean =>
  state.automatedAt !== undefined &&
  now.getTime() - Date.parse(state.automatedAt) < policy.automatedWindowSeconds * 1000;

/**
 * The hidden trap link was opened: this token is in the hands of an automated client. A response nobody has
 * committed is quarantined (kept, visible, never counted); a person's committed score stays.
 */
export const applyTrap = (state: ResponseItem, now: Date): ResponseItem => {
  const next = { ...state, automatedAt: now.toISOString(), version: state.version + 1 };
  return state.status === 'committed' ? next : { ...next, status: 'quarantined' };
};

/** A person submitted or dwelled: the score counts, unless this link is in a burst. */
export const applyCommit = (
  state: ResponseItem,
  input: { score: number; answers: Answers | undefined; via: CommitVia; day: string },
  now: Date,
  policy: SurveyPolicy,
): ResponseItem => {
  const clicks = state.clicks.some(
    (c) => c.score === input.score && now.getTime() - Date.parse(c.at) < 3_600_000,
  )
    ? state.clicks
    : [...state.clicks, { score: input.score, at: now.toISOString() }].slice(-MAX_CLICKS);
  const base = { ...state, clicks, version: state.version + 1 };
  if (isBurst(clicks, now, policy) || isAutomatedNow(state, now, policy)) {
    // A scanner dwelling on every page it opened, or the client that just opened the trap link: keep a
    // human's earlier score, quarantine otherwise.
    return state.status === 'committed' ? base : { ...base, status: 'quarantined', score: input.score };
  }
  // A dwell after the person already submitted this score adds nothing.
  if (state.status === 'committed' && state.score === input.score && input.via === 'dwell') return state;
  const history =
    state.status === 'committed' && state.score !== undefined && state.respondedAt
      ? [...state.history, { score: state.score, at: state.respondedAt, via: state.via ?? 'submit' }].slice(
          -MAX_CLICKS,
        )
      : state.history;
  const answers = input.answers ? { ...state.answers, ...input.answers } : state.answers;
  const respondedAt = now.toISOString();
  const hasText = Boolean(answers?.reason || answers?.improve || answers?.referral);
  const { gsi1pk: _pk, gsi1sk: _sk, ...rest } = base;
  return {
    ...rest,
    status: 'committed',
    score: input.score,
    category: categoryOf(state.kind, input.score),
    respondedAt,
    via: input.via,
    day: input.day,
    history,
    ...(answers ? { answers } : {}),
    ...(hasText
      ? { gsi1pk: feedbackPartition(input.day), gsi1sk: `${respondedAt}#${state.waveId}#${state.contactId}` }
      : {}),
  };
};

const FREQUENCIES = new Set(['0', '1', '2-5', '6+']);

/** The typed text of each answer field as the person wrote it: line breaks as `\n` (browsers post CRLF). */
export const typedAnswers = (
  form: URLSearchParams,
): Partial<Record<'reason' | 'improve' | 'referral', string>> => {
  const typed: Partial<Record<'reason' | 'improve' | 'referral', string>> = {};
  for (const field of ['reason', 'improve', 'referral'] as const) {
    const value = form.get(field);
    if (value) typed[field] = value.replace(/\r\n?/g, '\n').slice(0, 4 * MAX_ANSWER_LENGTH);
  }
  return typed;
};

/**
 * Validates a posted follow-up form. Unknown fields are ignored; over-long text is an error, not a cut.
 * Line breaks count as one character each, as the textarea counted them (browsers post them as CRLF).
 */
export const parseAnswers = (form: URLSearchParams): Answers => {
  const answers: Answers = {};
  const text = (field: 'reason' | 'improve' | 'referral') => {
    // Text, not instructions: the same cleaning as audience files (controls, bidi, invisible characters).
    const value = plainParagraphs(form.get(field) ?? '').trim();
    if (value.length > MAX_ANSWER_LENGTH) {
      throw new ValidationError(`${field} is longer than ${MAX_ANSWER_LENGTH} characters`, { field });
    }
    if (value) answers[field] = value;
  };
  text('reason');
  text('improve');
  text('referral');
  const frequency = form.get('recommendFrequency');
  if (frequency) {
    if (!FREQUENCIES.has(frequency))
      throw new ValidationError('recommendFrequency is not one of the choices', {
        field: 'recommendFrequency',
      });
    answers.recommendFrequency = frequency as Answers['recommendFrequency'];
  }
  if (form.get('referralConsent') === 'yes') answers.referralConsent = true;
  return answers;
};

/** A link's response kept changing under this request: every try lost to another writer (→ 429, try again). */
export class ResponseBusyError extends TooManyRequestsError {
  override name = 'ResponseBusyError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 60, options);
  }
}

/**
 * Tries of one read-modify-write: a person's click, dwell and submit racing each other settle in two; only a
 * client hammering one link keeps losing, and it gets "busy" instead of an unbounded wait.
 */
export const RESPONSE_WRITE_ATTEMPTS = 5;

const isConflict = (error: unknown): boolean =>
  isConditionFailed(error) || errorName(error) === 'TransactionConflictException';

/** Full jitter, doubling per try (at most ~0.8 s in all), so losers of a conflict spread out. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));

/**
 * Read-modify-write of one response with optimistic concurrency on `version`: simultaneous clicks, dwells
 * and submits of one link serialise, each applied to the state the previous one wrote. `current` is the
 * response as just read (null: absent), which saves the first read. After `RESPONSE_WRITE_ATTEMPTS` lost
 * conflicts it throws ResponseBusyError, having written nothing.
 */
export const updateResponse = async (
  store: TableStore,
  recipient: Recipient,
  change: (state: ResponseItem) => ResponseItem,
  options: { current?: ResponseItem | null } = {},
): Promise<ResponseItem> => {
  const key = responseKey(recipient.waveId, recipient.contactId);
  let known = options.current;
  for (let attempt = 1; ; attempt++) {
    const stored =
      known !== undefined
        ? known
        : (ifFound(
            (await store.ddb.send(new GetCommand({ TableName: store.table, Key: key, ConsistentRead: true })))
              .Item,
            responseFromItem,
          ) ?? null);
    known = undefined; // a retry reads again
    const current = stored ?? newResponse(recipient);
    const next = change(current);
    if (next === current) return current;
    try {
      await store.ddb.send(
        new PutCommand({
          TableName: store.table,
          Item: next,
          ConditionExpression: stored ? 'version = :v' : 'attribute_not_exists(pk)',
          ...(stored ? { ExpressionAttributeValues: { ':v': current.version } } : {}),
        }),
      );
      return next;
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= RESPONSE_WRITE_ATTEMPTS) {
        throw new ResponseBusyError(`The response changed under ${attempt} tries to write it`, {
          cause: error,
        });
      }
      await backoff(attempt);
    }
  }
};
