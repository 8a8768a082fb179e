/**
 * What happens when a contact opens a link: verify it, then record a click, commit a score, mark the link as
 * automated (trap), or unsubscribe. Every path verifies the signed token first, so a forged, altered or
 * expired link records nothing; then counts the request against the link's per-minute limit.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { markUnsubscribed } from '#shared/contacts/contacts.ts';
import type { SurveyPolicy } from '#shared/core/config.ts';
import { InvalidLinkError, NotFoundError } from '#shared/core/errors.ts';
import { type LinkClaims, type SigningKeys, verifyLink } from '#shared/core/links.ts';
import { type Category, categoryOf, isScore, type SurveyKind } from '#shared/core/survey.ts';
import { dayIn } from '#shared/core/time.ts';
import { linkRateKey } from '#shared/store/keys.ts';
import type { Recipient } from '#shared/waves/waves.ts';
import type { Locale } from '#templates/index.ts';
import {
  type Answers,
  applyClick,
  applyCommit,
  applyGuard,
  applyTrap,
  type CommitVia,
  type Guard,
  getRecipient,
  getRecipientAndResponse,
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
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly locale: Locale;
  constructor(locale: Locale) {
    super('Too many requests for this link');
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
}

/**
 * Counts one request against the link's limit for the current minute: one conditional update of a counter
 * that expires by TTL. Keyed by wave and contact (not by IP: a company's gateway shares one address).
 * A request that also writes the response sends both in one transaction: one write per request.
 */
const admission = (deps: AnsweringDeps, claims: LinkClaims, locale: Locale): Guard => {
  const minute = Math.floor(deps.now().getTime() / 60_000);
  return {
    update: {
      TableName: deps.table,
      Key: linkRateKey(claims.waveId, claims.contactId, minute),
      UpdateExpression: 'ADD requests :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
      ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
      ExpressionAttributeValues: {
        ':one': 1,
        ':limit': deps.policy.linkRequestsPerMinute,
        ':ttl': (minute + 2) * 60,
      },
    },
    refused: () => new RateLimitedError(locale),
  };
};

const noRecipient = () => new InvalidLinkError('invalid', 'The link points to no recipient');

/** Verifies a response link and loads its recipient and response in one read. */
const loadScoreLink = async (deps: AnsweringDeps, token: string) => {
  const claims = verifyLink(deps.keys, token, 'r', deps.now());
  const { recipient, response } = await getRecipientAndResponse(deps, claims.waveId, claims.contactId);
  if (!recipient) throw noRecipient();
  return { claims, recipient, response };
};

/** Verifies a response link and its score; throws InvalidLinkError (→ a friendly 4xx page). */
export const resolveScoreLink = async (
  deps: AnsweringDeps,
  token: string,
  rawScore: string,
): Promise<ScoreContext> => {
  const { claims, recipient, response } = await loadScoreLink(deps, token);
  const score = /^\d{1,2}$/.test(rawScore) ? Number(rawScore) : Number.NaN;
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
  };
};

/** A request on a score link that records nothing (HEAD, a prefetch): only counted against the limit. */
export const admitView = (deps: AnsweringDeps, context: ScoreContext): Promise<void> =>
  applyGuard(deps, admission(deps, context.claims, context.locale));

/** Writes a change to the link's response, counted against the link's limit in the same transaction. */
const changeResponse = (
  deps: AnsweringDeps,
  link: { claims: LinkClaims; recipient: Recipient; response: ResponseItem | null },
  change: (state: ResponseItem) => ResponseItem,
): Promise<ResponseItem> =>
  updateResponse(deps, link.recipient, change, {
    current: link.response,
    guard: admission(deps, link.claims, link.recipient.locale),
  });

/**
 * The email's hidden trap link was opened (no person sees it): marks the link as automated, so what it
 * does in the next moments is quarantined rather than counted.
 */
export const markAutomated = async (deps: AnsweringDeps, token: string): Promise<ResponseItem> =>
  changeResponse(deps, await loadScoreLink(deps, token), (state) => applyTrap(state, deps.now()));

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

/** Verifies an unsubscribe link, admits the request under the link's limit and loads its recipient. */
export const resolveUnsubscribeLink = async (deps: AnsweringDeps, token: string): Promise<Recipient> => {
  const claims = verifyLink(deps.keys, token, 'u', deps.now());
  const recipient = await getRecipient(deps, claims.waveId, claims.contactId).catch((error: unknown) => {
    throw error instanceof NotFoundError ? noRecipient() : error;
  });
  await applyGuard(deps, admission(deps, claims, recipient.locale));
  return recipient;
};

/** RFC 8058 one-click unsubscribe; idempotent. */
export const unsubscribe = async (deps: AnsweringDeps, recipient: Recipient): Promise<void> =>
  markUnsubscribed(deps.ddb, deps.table, recipient.contactId, deps.now());
