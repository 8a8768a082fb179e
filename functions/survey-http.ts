/**
 * The public survey endpoint (a Function URL in AWS, the local HTTP server locally): score pages,
 * follow-up answers, dwell commits, one-click unsubscribe. Parses the request, calls one use case, renders.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import {
  type AnsweringDeps,
  admitView,
  commitScore,
  markAutomated,
  RateLimitedError,
  recordClick,
  resolveScoreLink,
  resolveUnsubscribeLink,
  unsubscribe,
} from '#shared/answering/answering.ts';
import { parseAnswers } from '#shared/answering/responses.ts';
import { digestTimeZone, surveyPolicy, tableName } from '#shared/core/config.ts';
import { InvalidLinkError, ValidationError } from '#shared/core/errors.ts';
import {
  DWELL_JS,
  donePage,
  errorPage,
  type Locale,
  PAGE_CSS,
  resolveLocale,
  scorePage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '#templates/index.ts';
import { awsClients, logger, signingKeys } from './commons/runtime.ts';

const MAX_BODY_BYTES = 16 * 1024;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

const page = (statusCode: number, body: string): LambdaFunctionURLResult => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' },
  body,
});

const asset = (type: string, body: string): LambdaFunctionURLResult => ({
  statusCode: 200,
  headers: {
    'content-type': type,
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  },
  body,
});

const requestLocale = (event: LambdaFunctionURLEvent): Locale =>
  resolveLocale(...(event.headers['accept-language'] ?? '').split(',').map((l) => l.split(';')[0]?.trim()));

const isPrefetch = (event: LambdaFunctionURLEvent): boolean =>
  /prefetch|prerender/i.test(`${event.headers.purpose ?? ''} ${event.headers['sec-purpose'] ?? ''}`);

const formOf = (event: LambdaFunctionURLEvent): URLSearchParams => {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new ValidationError('The form is too large', { field: 'body' });
  return new URLSearchParams(text);
};

const deps = async (): Promise<AnsweringDeps> => ({
  ddb: awsClients().ddb,
  table: tableName(),
  keys: await signingKeys(),
  policy: surveyPolicy(),
  timeZone: digestTimeZone(),
  now: () => new Date(),
});

const SCORE = /^\/r\/([A-Za-z0-9._-]{1,400})\/([0-9]{1,2}|trap)(\/dwell)?$/;
const UNSUBSCRIBE = /^\/u\/([A-Za-z0-9._-]{1,400})$/;

export const route = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath;
  if (path === '/health')
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
  if (path === '/assets/page.css') return asset('text/css; charset=utf-8', PAGE_CSS);
  if (path === '/assets/dwell.js') return asset('text/javascript; charset=utf-8', DWELL_JS);
  const fallbackLocale = requestLocale(event);
  try {
    const score = SCORE.exec(path);
    if (score)
      return await scoreRoute(event, method, score[1] as string, score[2] as string, Boolean(score[3]));
    const unsub = UNSUBSCRIBE.exec(path);
    if (unsub) return await unsubscribeRoute(event, method, unsub[1] as string);
    return page(404, errorPage({ locale: fallbackLocale, reason: 'notFound' }));
  } catch (error) {
    if (error instanceof RateLimitedError) {
      return {
        statusCode: 429,
        headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'retry-after': '60' },
        body: errorPage({ locale: error.locale, reason: 'rateLimited' }),
      };
    }
    if (error instanceof InvalidLinkError) {
      logger.info('Rejected a link', { reason: error.reason, message: error.message });
      return page(
        error.reason === 'expired' ? 410 : 400,
        errorPage({ locale: fallbackLocale, reason: error.reason }),
      );
    }
    if (error instanceof ValidationError) {
      return page(
        error.field === 'body' ? 413 : 400,
        errorPage({ locale: fallbackLocale, reason: error.field === 'body' ? 'tooLarge' : 'invalid' }),
      );
    }
    logger.error('Survey request failed', { error: error as Error });
    return page(500, errorPage({ locale: fallbackLocale, reason: 'invalid' }));
  }
};

const scoreRoute = async (
  event: LambdaFunctionURLEvent,
  method: string,
  token: string,
  rawScore: string,
  dwell: boolean,
): Promise<LambdaFunctionURLResult> => {
  const d = await deps();
  if (rawScore === 'trap') {
    // Only an automated client opens the hidden link: what this link does next is quarantined. The answer
    // tells it nothing. A prefetch is the browser's guess, not the client's choice: it marks nothing.
    if (!dwell && !isPrefetch(event)) await markAutomated(d, token);
    return { statusCode: 204, headers: SECURITY_HEADERS };
  }
  const context = await resolveScoreLink(d, token, rawScore);
  const formAction = `/r/${token}/${context.score}`;
  if (method === 'HEAD') {
    await admitView(d, context);
    return { statusCode: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' } };
  }
  if (method === 'GET') {
    if (isPrefetch(event)) await admitView(d, context);
    else await recordClick(d, context);
    return page(
      200,
      scorePage({
        kind: context.kind,
        locale: context.locale,
        score: context.score,
        category: context.category,
        formAction,
        dwellUrl: `${formAction}/dwell`,
        dwellSeconds: d.policy.dwellSeconds,
      }),
    );
  }
  if (method !== 'POST') {
    await admitView(d, context);
    return page(405, errorPage({ locale: context.locale, reason: 'invalid' }));
  }
  const form = formOf(event);
  if (dwell) {
    await commitScore(d, context, 'dwell');
    return { statusCode: 204, headers: SECURITY_HEADERS };
  }
  await commitScore(d, context, 'submit', parseAnswers(form));
  return page(200, donePage({ locale: context.locale }));
};

const unsubscribeRoute = async (
  event: LambdaFunctionURLEvent,
  method: string,
  token: string,
): Promise<LambdaFunctionURLResult> => {
  const d = await deps();
  const recipient = await resolveUnsubscribeLink(d, token);
  if (method === 'POST') {
    formOf(event); // bounded, and RFC 8058 senders post `List-Unsubscribe=One-Click`; any POST unsubscribes
    await unsubscribe(d, recipient);
    return page(200, unsubscribedPage({ locale: recipient.locale }));
  }
  if (method === 'GET' || method === 'HEAD') {
    return page(200, unsubscribeConfirmPage({ locale: recipient.locale, formAction: `/u/${token}` }));
  }
  return page(405, errorPage({ locale: recipient.locale, reason: 'invalid' }));
};

export const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult>()
  .use(injectLambdaContext(logger))
  .handler(route);
