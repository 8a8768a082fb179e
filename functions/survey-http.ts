/**
 * The public survey endpoint (a Function URL in AWS, the local HTTP server locally): score pages,
 * follow-up answers, dwell commits, one-click unsubscribe. Parses the request, calls one use case, renders.
 * Nothing a caller sends makes it answer 5xx: bad links and bodies are 4xx, a hammered link 429 (also once
 * the request's time budget, well inside the function's timeout, is spent), DynamoDB out of reach 503.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import {
  type AnsweringDeps,
  commitScore,
  markAutomated,
  RateLimitedError,
  recordClick,
  resolveScoreLink,
  resolveUnsubscribeLink,
  unsubscribe,
} from '#shared/answering/answering.ts';
import { UnreadableResponseError } from '#shared/answering/link-items.ts';
import { submitAnswers } from '#shared/answering/submit.ts';
import { digestTimeZone, surveyPolicy, tableName } from '#shared/core/config.ts';
import { type Locale, resolveLocale } from '#shared/core/locale.ts';
import { MAX_ANSWER_LENGTH } from '#shared/core/survey.ts';
import { OPT_OUT_TOKEN, optOutReader, readerOfOptOut } from '#shared/reporting/readers.ts';
import { withDeadline } from '#shared/store/deadline.ts';
import {
  DWELL_JS,
  digestUnsubscribeConfirmPage,
  digestUnsubscribedPage,
  donePage,
  type ErrorReason,
  errorPage,
  PAGE_CSS,
  scorePage,
  type Typed,
  t,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '#templates/index.ts';
import { type ProblemCode, problemOf } from './commons/problems.ts';
import { awsClients, logger, signingKeys, tracer } from './commons/runtime.ts';
import { asset, json, page, SECURITY_HEADERS, tooBusy, unavailable } from './commons/survey-replies.ts';
import { budgetOf, formOf, isPrefetch, REQUEST_BUDGET_MS, requestLocale } from './commons/survey-requests.ts';

/** How long /health waits for DynamoDB before calling it down. */
const HEALTH_TIMEOUT_MS = 2_000;

/** Every DynamoDB call of the request, the client's retries included, ends by the request's deadline. */
const deps = async (deadline: AbortSignal): Promise<AnsweringDeps> => ({
  ddb: withDeadline(awsClients().ddb, deadline),
  table: tableName(),
  keys: await signingKeys(),
  policy: surveyPolicy(),
  timeZone: digestTimeZone(),
  now: () => new Date(),
});

/** Ready when DynamoDB answers for the table, within a bound; a dependency that is down gives 503. */
const health = async (): Promise<LambdaFunctionURLResult> => {
  try {
    await awsClients().ddb.send(new DescribeTableCommand({ TableName: tableName() }), {
      abortSignal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    return json(200, { ok: true });
  } catch (error) {
    logger.warn('Health check: DynamoDB is not reachable', { error: error as Error });
    return json(503, { ok: false, dynamodb: 'unreachable' });
  }
};

const SCORE = /^\/r\/([A-Za-z0-9._-]{1,400})\/([0-9]{1,2}|trap)(\/dwell)?$/;
const UNSUBSCRIBE = /^\/u\/([A-Za-z0-9._-]{1,400})$/;
/** A digest reader's one-click unsubscribe (`readers.ts`, whose token pattern it takes). */
const DIGEST_UNSUBSCRIBE = new RegExp(`^/d/(${OPT_OUT_TOKEN.source.slice(1, -1)})$`);

/** The language of the pages of this request: the browser's, until the link's recipient is known. */
interface Reader {
  locale: Locale;
}

const notAllowed = (reader: Reader, allow: readonly string[]): LambdaFunctionURLResult =>
  page(405, errorPage({ locale: reader.locale, reason: 'invalid' }), { allow: allow.join(', ') });

export const route = async (
  event: LambdaFunctionURLEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<LambdaFunctionURLResult> => {
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath;
  const reader: Reader = { locale: requestLocale(event) };
  const deadline = budgetOf(context);
  if (path === '/health' || path === '/assets/page.css' || path === '/assets/dwell.js') {
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(reader, ['GET', 'HEAD']);
    if (path === '/health') return health();
    return path === '/assets/page.css'
      ? asset('text/css; charset=utf-8', PAGE_CSS)
      : asset('text/javascript; charset=utf-8', DWELL_JS);
  }
  try {
    const score = SCORE.exec(path);
    if (score)
      return await scoreRoute(
        event,
        method,
        reader,
        score[1] as string,
        score[2] as string,
        Boolean(score[3]),
        deadline,
      );
    const unsub = UNSUBSCRIBE.exec(path);
    if (unsub) return await unsubscribeRoute(event, method, reader, unsub[1] as string, deadline);
    const digestUnsub = DIGEST_UNSUBSCRIBE.exec(path);
    if (digestUnsub)
      return await digestUnsubscribeRoute(event, method, reader, digestUnsub[1] as string, deadline);
    return page(404, errorPage({ locale: reader.locale, reason: 'notFound' }));
  } catch (error) {
    // Out of time (a hammered link's writes queued behind each other, a busy host): refused, never timed out.
    if (deadline.aborted) {
      logger.warn('A request ran out of its time budget', { budgetMs: REQUEST_BUDGET_MS });
      return tooBusy(reader.locale);
    }
    // Once the recipient is known, even our own failure is told in their language.
    const ofRecipient = error instanceof RateLimitedError || error instanceof UnreadableResponseError;
    return problemPage(error, ofRecipient ? error.locale : reader.locale);
  }
};

/** The page each problem of the one map (functions/commons/problems.ts) shows, in the reader's language. */
const REASONS: Readonly<Record<ProblemCode, ErrorReason>> = {
  invalid: 'invalid',
  tooLarge: 'tooLarge',
  unsupported: 'invalid',
  invalidLink: 'invalid',
  expired: 'expired',
  notFound: 'notFound',
  conflict: 'invalid',
  busy: 'rateLimited',
  unavailable: 'unavailable',
  internal: 'unavailable',
};

const problemPage = (error: unknown, locale: Locale): LambdaFunctionURLResult => {
  const p = problemOf(error);
  if (p.code === 'invalidLink' || p.code === 'expired')
    logger.info('Rejected a link', { message: error instanceof Error ? error.message : '' });
  else if (p.code === 'unavailable') logger.warn('DynamoDB is out of reach', { error: error as Error });
  else if (p.status >= 500) logger.error('Survey request failed', { error: error as Error });
  return page(p.status, errorPage({ locale, reason: REASONS[p.code] }), p.headers);
};

const scoreRoute = async (
  event: LambdaFunctionURLEvent,
  method: string,
  reader: Reader,
  token: string,
  rawScore: string,
  dwell: boolean,
  deadline: AbortSignal,
): Promise<LambdaFunctionURLResult> => {
  if (rawScore === 'trap') {
    if (dwell) return page(404, errorPage({ locale: reader.locale, reason: 'notFound' }));
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(reader, ['GET', 'HEAD']);
    // Only an automated client opens the hidden link: what this link does next is quarantined. The answer
    // tells it nothing. A prefetch is the browser's guess, not the client's choice: it marks nothing.
    if (!isPrefetch(event)) await markAutomated(await deps(deadline), token);
    return { statusCode: 204, headers: SECURITY_HEADERS };
  }
  const allowed = dwell ? ['POST'] : ['GET', 'HEAD', 'POST'];
  if (!allowed.includes(method)) return notAllowed(reader, allowed);
  // Refused before anything is read or counted: a body this route cannot read.
  const form = method === 'POST' ? formOf(event) : undefined;
  const d = await deps(deadline);
  const context = await resolveScoreLink(d, token, rawScore);
  reader.locale = context.locale;
  if (dwell) {
    await commitScore(d, context, 'dwell');
    return { statusCode: 204, headers: SECURITY_HEADERS };
  }
  if (form) {
    const outcome = await submitAnswers(d, context, form);
    const chosen = outcome.context;
    if (outcome.kind === 'tooLong') {
      // The form again, with what they typed, and why, in their language.
      const message = t(chosen.locale, 'page.answer.tooLong', {
        length: (outcome.typed[outcome.field] ?? '').trim().length,
        max: MAX_ANSWER_LENGTH,
      });
      const typed = { values: outcome.typed, problem: { field: outcome.field, message } };
      return page(400, scorePageOf(d, chosen, token, typed));
    }
    return page(
      200,
      donePage({
        locale: chosen.locale,
        category: chosen.category,
        followUp: chosen.followUp,
        editUrl: `/r/${token}/${chosen.score}`,
        ...(chosen.product ? { product: chosen.product } : {}),
      }),
    );
  }
  // HEAD and a prefetch only spent a request of the budget; a GET by a person records the click.
  if (method === 'GET' && !isPrefetch(event)) await recordClick(d, context);
  if (method === 'HEAD')
    return { statusCode: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' } };
  return page(200, scorePageOf(d, context, token));
};

const scorePageOf = (
  d: AnsweringDeps,
  context: Awaited<ReturnType<typeof resolveScoreLink>>,
  token: string,
  typed?: Typed,
): string => {
  const formAction = `/r/${token}/${context.score}`;
  return scorePage({
    kind: context.kind,
    locale: context.locale,
    score: context.score,
    category: context.category,
    formAction,
    dwellUrl: `${formAction}/dwell`,
    dwellSeconds: d.policy.dwellSeconds,
    followUp: context.followUp,
    ...(context.product ? { product: context.product } : {}),
    ...(typed ? { typed } : {}),
  });
};

/** RFC 8058 senders post `List-Unsubscribe=One-Click` as a form, SHOULD in multipart; any such POST unsubscribes. */
const ONE_CLICK_TYPES = ['multipart/form-data'] as const;

/**
 * What every one-click unsubscribe address (a survey contact's, a digest reader's) refuses before it reads
 * anything: a method other than GET, HEAD and POST (→ 405), a POST body it cannot read (→ 415).
 */
const oneClickRefusal = (
  event: LambdaFunctionURLEvent,
  method: string,
  reader: Reader,
): LambdaFunctionURLResult | undefined => {
  const allowed = ['GET', 'HEAD', 'POST'];
  if (!allowed.includes(method)) return notAllowed(reader, allowed);
  if (method === 'POST') formOf(event, ONE_CLICK_TYPES);
  return undefined;
};

const unsubscribeRoute = async (
  event: LambdaFunctionURLEvent,
  method: string,
  reader: Reader,
  token: string,
  deadline: AbortSignal,
): Promise<LambdaFunctionURLResult> => {
  const refused = oneClickRefusal(event, method, reader);
  if (refused) return refused;
  const d = await deps(deadline);
  const { recipient, product } = await resolveUnsubscribeLink(d, token);
  reader.locale = recipient.locale;
  if (method === 'POST') {
    await unsubscribe(d, recipient);
    return page(200, unsubscribedPage({ locale: recipient.locale, product }));
  }
  return page(200, unsubscribeConfirmPage({ locale: recipient.locale, formAction: `/u/${token}`, product }));
};

/**
 * A digest reader's unsubscribe: GET asks, POST (the mailbox's one-click button, or the page's) removes the
 * reader. An unknown token gets the same answers, so the page tells a stranger nothing about who reads.
 */
const digestUnsubscribeRoute = async (
  event: LambdaFunctionURLEvent,
  method: string,
  reader: Reader,
  token: string,
  deadline: AbortSignal,
): Promise<LambdaFunctionURLResult> => {
  const refused = oneClickRefusal(event, method, reader);
  if (refused) return refused;
  const d = await deps(deadline);
  if (method === 'POST') {
    const removed = await optOutReader(d, token);
    if (removed) logger.info('A digest reader unsubscribed');
    return page(200, digestUnsubscribedPage({ locale: removed?.locale ?? reader.locale }));
  }
  const named = await readerOfOptOut(d, token);
  return page(
    200,
    digestUnsubscribeConfirmPage({ locale: named?.locale ?? reader.locale, formAction: `/d/${token}` }),
  );
};

export const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult>({
  // The last word if the budget could not hold (the event loop itself stalled): 503, never a 502.
  timeoutEarlyInMillis: 500,
  timeoutEarlyResponse: () => unavailable(resolveLocale()),
})
  .use(injectLambdaContext(logger))
  // The page is no trace's business: it is large and may name the recipient.
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .handler(route);
