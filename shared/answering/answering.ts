/**
 * What happens when a contact opens a link: verify it, then record a click, commit a score, mark the link as
 * automated (trap), or unsubscribe. Every path verifies the signed token first, so a forged, altered or
 * expired link records nothing; then spends one request of the link's budget (link-budget.ts) while it
 * reads the link's recipient and response, so the common request costs one read, one counter update and
 * at most one conditional write.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { markUnsubscribed } from '#shared/contacts/contacts.ts';
import type { SurveyPolicy } from '#shared/core/config.ts';
import { InvalidLinkError, TooManyRequestsError } from '#shared/core/errors.ts';
import { type LinkClaims, type SigningKeys, verifyLink } from '#shared/core/links.ts';
import type { Locale } from '#shared/core/locale.ts';
import { type Category, categoryOf, isScore, type SurveyKind } from '#shared/core/survey.ts';
import { dayIn } from '#shared/core/time.ts';
import type { Recipient } from '#shared/waves/model.ts';
import { type LinkBudget, spendRequest } from './link-budget.ts';
import {
  type Answers,
  applyClick,
  applyCommit,
  applyTrap,
  type CommitVia,
  getRecipientAndResponse,
  getRecipientAndWave,
  type ResponseItem,
  updateResponse,
} from './responses.ts';

export interface AnsweringDeps {
  ddb: DynamoDBDocumentClient;
  table: string;
  keys: SigningKeys;
  policy: SurveyPolicy;
  timeZone: string;
  now: () => Date;
}

/** The link made more requests this minute than the policy allows (→ 429). */
export class RateLimitedError extends TooManyRequestsError {
  override name = 'RateLimitedError';
  readonly locale: Locale;
  constructor(locale: Locale) {
    super('Too many requests for this link', 60);
    this.locale = locale;
  }
}

export interface ScoreContext {
  claims: LinkClaims;
  recipient: Recipient;
  /** The response as read with the link (null: never opened). */
  response: ResponseItem | null;
  kind: SurveyKind;
  locale: Locale;
  score: number;
  category: Category;
  /** What the survey asks about, for the pages to name. */
  product?: string;
  /**
   * Whether a written answer reaches a person: the contact has an owner or the wave a fallback alert address
   * (owner alerts). Only then do the pages promise a follow-up.
   */
  followUp: boolean;
}

/** An unsubscribe link's recipient, and what the survey asked about. */
export interface UnsubscribeContext {
  recipient: Recipient;
  product?: string;
}

const noRecipient = () => new InvalidLinkError('invalid', 'The link points to no recipient');

/**
 * Loads what a verified link needs while spending one request of the link's budget: both in flight at once,
 * so counting adds no round trip. A refusal (→ 429) speaks the recipient's language, hence `localeOf`.
 */
const admit = async <T>(
  deps: AnsweringDeps,
  claims: LinkClaims,
  budget: LinkBudget,
  loading: Promise<T>,
  localeOf: (loaded: T) => Locale,
): Promise<T> => {
  const link = { budget, waveId: claims.waveId, contactId: claims.contactId };
  const [spent, loaded] = await Promise.allSettled([
    spendRequest(deps, link, deps.policy.linkRequestsPerMinute, deps.now()),
    loading,
  ]);
  if (loaded.status === 'rejected') throw loaded.reason;
  if (spent.status === 'rejected') throw spent.reason;
  if (!spent.value) throw new RateLimitedError(localeOf(loaded.value));
  return loaded.value;
};

/** Verifies a response link, then loads its recipient and response while it spends one request. */
const admitScoreLink = async (deps: AnsweringDeps, token: string) => {
  const claims = verifyLink(deps.keys, token, 'r', deps.now());
  const loading = getRecipientAndResponse(deps, claims.waveId, claims.contactId).then((link) => {
    if (!link.recipient) throw noRecipient();
    return { recipient: link.recipient, response: link.response, wave: link.wave };
  });
  return { claims, ...(await admit(deps, claims, 'score', loading, (link) => link.recipient.locale)) };
};

/** Only `0`…`10` as written on the email's links: no leading zeros, signs, decimals or spaces. */
const CANONICAL_SCORE = /^(?:0|[1-9][0-9]?)$/;

/**
 * Verifies a response link and its score and spends one request of the link's budget; throws
 * InvalidLinkError (→ a friendly 4xx page) or RateLimitedError (→ 429).
 */
export const resolveScoreLink = async (
  deps: AnsweringDeps,
  token: string,
  rawScore: string,
): Promise<ScoreContext> => {
  if (!CANONICAL_SCORE.test(rawScore))
    throw new InvalidLinkError('invalid', 'The score is not a whole number');
  const { claims, recipient, response, wave } = await admitScoreLink(deps, token);
  const score = Number(rawScore);
  if (!isScore(recipient.kind, score))
    throw new InvalidLinkError('invalid', 'The score is not on this survey’s scale');
  return {
    claims,
    recipient,
    response,
    kind: recipient.kind,
    locale: recipient.locale,
    score,
    category: categoryOf(recipient.kind, score),
    ...(wave.product ? { product: wave.product } : {}),
    followUp: Boolean(recipient.owner) || wave.alerts,
  };
};

/**
 * The score a submitted form chose (the page lets a person change a mis-tapped score): the link's own when
 * the form names none or the same; another on the scale replaces it; anything else is refused like a bad link.
 */
export const withChosenScore = (context: ScoreContext, chosen: string | null): ScoreContext => {
  if (chosen === null || chosen === String(context.score)) return context;
  const score = Number(chosen);
  if (!CANONICAL_SCORE.test(chosen) || !isScore(context.kind, score))
    throw new InvalidLinkError('invalid', 'The chosen score is not on this survey’s scale');
  return { ...context, score, category: categoryOf(context.kind, score) };
};

/** Writes a change to the link's response, starting from the response read with the link. */
const changeResponse = (
  deps: AnsweringDeps,
  link: { recipient: Recipient; response: ResponseItem | null },
  change: (state: ResponseItem) => ResponseItem,
): Promise<ResponseItem> => updateResponse(deps, link.recipient, change, { current: link.response });

/**
 * The email's hidden trap link was opened (no person sees it): marks the link as automated, so what it
 * does in the next moments is quarantined rather than counted.
 */
export const markAutomated = async (deps: AnsweringDeps, token: string): Promise<ResponseItem> =>
  changeResponse(deps, await admitScoreLink(deps, token), (state) => applyTrap(state, deps.now()));

/** A score page was opened (GET). Recorded for burst detection; never counted. */
export const recordClick = async (deps: AnsweringDeps, context: ScoreContext): Promise<ResponseItem> =>
  changeResponse(deps, context, (state) => applyClick(state, context.score, deps.now(), deps.policy));

/**
 * A person submitted the follow-up form or stayed on the page: the score counts (unless a burst or right
 * after the trap link). Its events follow from the table's stream (functions/publish-events.ts), so the
 * answer is saved whatever the bus does.
 */
export const commitScore = async (
  deps: AnsweringDeps,
  context: ScoreContext,
  via: CommitVia,
  answers?: Answers,
): Promise<ResponseItem> => {
  const now = deps.now();
  return changeResponse(deps, context, (state) =>
    applyCommit(
      state,
      { score: context.score, answers, via, day: dayIn(deps.timeZone, now) },
      now,
      deps.policy,
    ),
  );
};

/**
 * Verifies an unsubscribe link and loads its recipient while it spends one request of the unsubscribe
 * link's own budget.
 */
export const resolveUnsubscribeLink = async (
  deps: AnsweringDeps,
  token: string,
): Promise<UnsubscribeContext> => {
  const claims = verifyLink(deps.keys, token, 'u', deps.now());
  const loading = getRecipientAndWave(deps, claims.waveId, claims.contactId).then(
    ({ recipient, wave }): UnsubscribeContext => {
      if (!recipient) throw noRecipient();
      return { recipient, ...(wave.product ? { product: wave.product } : {}) };
    },
  );
  return admit(deps, claims, 'unsubscribe', loading, (link) => link.recipient.locale);
};

/** RFC 8058 one-click unsubscribe; idempotent. */
export const unsubscribe = async (deps: AnsweringDeps, recipient: Recipient): Promise<void> =>
  markUnsubscribed(deps.ddb, deps.table, recipient.contactId, deps.now());
