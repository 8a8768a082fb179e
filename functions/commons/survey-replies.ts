/**
 * What the survey endpoint answers with: pages under its strict security headers, cached assets, JSON, and
 * the refusals a caller may retry (429 for a link asking too much at once, 503 for DynamoDB out of reach),
 * each with Retry-After.
 */
import type { LambdaFunctionURLResult } from 'aws-lambda';
import { errorPage, type Locale } from '#templates/index.ts';

/** How long a caller is asked to wait when DynamoDB is out of reach. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = '30';

export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

export const page = (
  statusCode: number,
  body: string,
  headers: Record<string, string> = {},
): LambdaFunctionURLResult => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...headers },
  body,
});

export const asset = (type: string, body: string): LambdaFunctionURLResult => ({
  statusCode: 200,
  headers: {
    'content-type': type,
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  },
  body,
});

export const json = (statusCode: number, body: object): LambdaFunctionURLResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/** The link made too many requests, or they could not be answered within the request's time budget. */
export const tooBusy = (locale: Locale): LambdaFunctionURLResult =>
  page(429, errorPage({ locale, reason: 'rateLimited' }), { 'retry-after': '60' });

/** DynamoDB is down or out of reach: "try again later", in the reader's language. */
export const unavailable = (locale: Locale): LambdaFunctionURLResult =>
  page(503, errorPage({ locale, reason: 'unavailable' }), {
    'retry-after': UNAVAILABLE_RETRY_AFTER_SECONDS,
  });
