/**
 * What happens when a contact opens a link: verify it, then record a click, commit a score, or unsubscribe.
 * Every path verifies the signed token first, so a forged, altered or expired link records nothing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Locale } from '#templates/index.ts';
import type { SurveyPolicy } from './config.ts';
import { markUnsubscribed } from './contacts.ts';
import { InvalidLinkError, NotFoundError } from './errors.ts';
import { type SigningKeys, verifyLink } from './links.ts';
import {
  type Answers,
  applyClick,
  applyCommit,
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
}

export interface ScoreContext {
  recipient: Recipient;
  kind: SurveyKind;
  locale: Locale;
  score: number;
  category: Category;
}

/** Verifies a response link and its score; throws InvalidLinkError (→ a friendly 4xx page). */
export const resolveScoreLink = async (
  deps: AnsweringDeps,
  token: string,
  rawScore: string,
): Promise<ScoreContext> => {
  const claims = verifyLink(deps.keys, token, 'r', deps.now());
  const recipient = await getRecipient(deps, claims.waveId, claims.contactId).catch((error: unknown) => {
    if (error instanceof NotFoundError)
      throw new InvalidLinkError('invalid', 'The link points to no recipient');
    throw error;
  });
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

/** A score page was opened (GET). Recorded for burst detection; never counted. */
export const recordClick = async (deps: AnsweringDeps, context: ScoreContext): Promise<ResponseItem> =>
  updateResponse(deps, context.recipient, (state) =>
    applyClick(state, context.score, deps.now(), deps.policy),
  );

/** A person submitted the follow-up form or stayed on the page: the score counts (unless a burst). */
export const commitScore = async (
  deps: AnsweringDeps,
  context: ScoreContext,
  via: CommitVia,
  answers?: Answers,
): Promise<ResponseItem> => {
  const now = deps.now();
  return updateResponse(deps, context.recipient, (state) =>
    applyCommit(
      state,
      { score: context.score, answers, via, day: dayIn(deps.timeZone, now) },
      now,
      deps.policy,
    ),
  );
};

export const resolveUnsubscribeLink = async (deps: AnsweringDeps, token: string) => {
  const claims = verifyLink(deps.keys, token, 'u', deps.now());
  const recipient = await getRecipient(deps, claims.waveId, claims.contactId).catch((error: unknown) => {
    if (error instanceof NotFoundError)
      throw new InvalidLinkError('invalid', 'The link points to no recipient');
    throw error;
  });
  return recipient;
};

/** RFC 8058 one-click unsubscribe; idempotent. */
export const unsubscribe = async (deps: AnsweringDeps, recipient: Recipient): Promise<void> =>
  markUnsubscribed(deps.ddb, deps.table, recipient.contactId, deps.now());
