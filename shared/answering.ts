/**
 * What happens when a contact opens a link: verify it, then record a click, commit a score, mark the link as
 * automated (trap), or unsubscribe. Every path verifies the signed token first, so a forged, altered or
 * expired link records nothing; then counts the request against the link's per-minute limit.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Locale } from '#templates/index.ts';
import type { SurveyPolicy } from './config.ts';
import { markUnsubscribed } from './contacts.ts';
import { InvalidLinkError, NotFoundError } from './errors.ts';
import { type EventPublisher, eventsOfChange, type PublishResult, publishEvents } from './events.ts';
import { linkRateKey } from './keys.ts';
import { type LinkClaims, type LinkPurpose, type SigningKeys, verifyLink } from './links.ts';
import {
  type Answers,
  applyClick,
  applyCommit,
  applyTrap,
  type CommitVia,
  getRecipient,
  type ResponseItem,
  updateResponse,
} from './responses.ts';
import { type Category, categoryOf, isScore, type SurveyKind } from './survey.ts';
import { dayIn } from './time.ts';
import type { Recipient } from './waves.ts';

export interface AnsweringDeps {
  ddb: DynamoDBDocumentClient;
  table: string;
  keys: SigningKeys;
  policy: SurveyPolicy;
  timeZone: string;
  now: () => Date;
  /** Where committed responses are announced (docs/events.md). */
  events: EventPublisher;
  /** Told about events that could not be put on the bus after retries; they must not vanish silently. */
  onUndeliveredEvents: (failed: PublishResult['failed']) => void;
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
  recipient: Recipient;
  kind: SurveyKind;
  locale: Locale;
  score: number;
  category: Category;
}

/**
 * Counts one request against the link's limit for the current minute: one conditional update of a counter
 * that expires by TTL. Keyed by wave and contact (not by IP: a company's gateway shares one address).
 */
const admit = async (deps: AnsweringDeps, claims: LinkClaims): Promise<boolean> => {
  const minute = Math.floor(deps.now().getTime() / 60_000);
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: linkRateKey(claims.waveId, claims.contactId, minute),
        UpdateExpression: 'ADD requests :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
        ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': deps.policy.linkRequestsPerMinute,
          ':ttl': (minute + 2) * 60,
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
};

/** Verifies a signed link, admits the request under the link's rate limit and loads its recipient. */
const resolveLink = async (deps: AnsweringDeps, token: string, purpose: LinkPurpose): Promise<Recipient> => {
  const claims = verifyLink(deps.keys, token, purpose, deps.now());
  const [recipient, admitted] = await Promise.all([
    getRecipient(deps, claims.waveId, claims.contactId).catch((error: unknown) => {
      if (error instanceof NotFoundError)
        throw new InvalidLinkError('invalid', 'The link points to no recipient');
      throw error;
    }),
    admit(deps, claims),
  ]);
  if (!admitted) throw new RateLimitedError(recipient.locale);
  return recipient;
};

/** Verifies a response link and its score; throws InvalidLinkError (→ a friendly 4xx page). */
export const resolveScoreLink = async (
  deps: AnsweringDeps,
  token: string,
  rawScore: string,
): Promise<ScoreContext> => {
  const recipient = await resolveLink(deps, token, 'r');
  const score = /^\d{1,2}$/.test(rawScore) ? Number(rawScore) : Number.NaN;
  if (!isScore(recipient.kind, score))
    throw new InvalidLinkError('invalid', 'The score is not on this survey’s scale');
  return {
    recipient,
    kind: recipient.kind,
    locale: recipient.locale,
    score,
    category: categoryOf(recipient.kind, score),
  };
};

/**
 * The email's hidden trap link was opened (no person sees it): marks the link as automated, so what it
 * does in the next moments is quarantined rather than counted.
 */
export const markAutomated = async (deps: AnsweringDeps, token: string): Promise<ResponseItem> => {
  const recipient = await resolveLink(deps, token, 'r');
  return updateResponse(deps, recipient, (state) => applyTrap(state, deps.now()));
};

/** A score page was opened (GET). Recorded for burst detection; never counted. */
export const recordClick = async (deps: AnsweringDeps, context: ScoreContext): Promise<ResponseItem> =>
  updateResponse(deps, context.recipient, (state) =>
    applyClick(state, context.score, deps.now(), deps.policy),
  );

/**
 * A person submitted the follow-up form or stayed on the page: the score counts (unless a burst or right
 * after the trap link).
 * 1. Apply the commit with optimistic versioning  2. Announce what changed on the event bus.
 */
export const commitScore = async (
  deps: AnsweringDeps,
  context: ScoreContext,
  via: CommitVia,
  answers?: Answers,
): Promise<ResponseItem> => {
  const now = deps.now();
  let before: ResponseItem | undefined;
  const after = await updateResponse(deps, context.recipient, (state) => {
    before = state;
    return applyCommit(
      state,
      { score: context.score, answers, via, day: dayIn(deps.timeZone, now) },
      now,
      deps.policy,
    );
  });
  if (after !== before) {
    const events = eventsOfChange(before, after, context.recipient, via);
    if (events.length > 0) {
      const { failed } = await publishEvents(deps.events, events);
      if (failed.length > 0) deps.onUndeliveredEvents(failed);
    }
  }
  return after;
};

export const resolveUnsubscribeLink = (deps: AnsweringDeps, token: string): Promise<Recipient> =>
  resolveLink(deps, token, 'u');

/** RFC 8058 one-click unsubscribe; idempotent. */
export const unsubscribe = async (deps: AnsweringDeps, recipient: Recipient): Promise<void> =>
  markUnsubscribed(deps.ddb, deps.table, recipient.contactId, deps.now());
