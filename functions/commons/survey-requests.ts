/**
 * What a request to the survey endpoint brings: the reader's language, whether it is a prefetch, its form
 * body (only in the types the routes read), and its time budget, which every DynamoDB call of it shares.
 */
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { UnsupportedMediaTypeError, ValidationError } from '#shared/core/errors.ts';
import { type Locale, resolveLocale } from '#templates/index.ts';

const MAX_BODY_BYTES = 16 * 1024;

/**
 * How long one request may spend on DynamoDB before it answers 429: well inside the function's 10 s timeout,
 * so a link hammered on a busy host is refused in time instead of timing out (a 502 from the Function URL).
 */
export const REQUEST_BUDGET_MS = 5_000;
/** What the budget leaves of the function's remaining time, at least: enough to render the refusal. */
const BUDGET_MARGIN_MS = 3_000;

/** The request's deadline: REQUEST_BUDGET_MS, or less when the function has less time left. */
export const budgetOf = (context: Pick<Context, 'getRemainingTimeInMillis'> | undefined): AbortSignal =>
  AbortSignal.timeout(
    Math.max(
      0,
      Math.min(REQUEST_BUDGET_MS, (context?.getRemainingTimeInMillis() ?? Infinity) - BUDGET_MARGIN_MS),
    ),
  );

export const requestLocale = (event: LambdaFunctionURLEvent): Locale =>
  resolveLocale(...(event.headers['accept-language'] ?? '').split(',').map((l) => l.split(';')[0]?.trim()));

export const isPrefetch = (event: LambdaFunctionURLEvent): boolean =>
  /prefetch|prerender/i.test(`${event.headers.purpose ?? ''} ${event.headers['sec-purpose'] ?? ''}`);

/** The body's media type, lower case, without parameters (`charset`, `boundary`); '' when none was sent. */
const mediaType = (event: LambdaFunctionURLEvent): string =>
  (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** A body in a form the route does not read (→ 415): its fields would be dropped without a word. */
export class UnsupportedBodyError extends UnsupportedMediaTypeError {
  override name = 'UnsupportedBodyError';
  constructor(message: string) {
    super(message, 'application/x-www-form-urlencoded');
  }
}

/**
 * The posted form. The follow-up form and the dwell beacon post `application/x-www-form-urlencoded`; a body
 * in any other type is refused rather than read as empty. `alsoAccepted` widens that for RFC 8058 senders.
 */
export const formOf = (
  event: LambdaFunctionURLEvent,
  alsoAccepted: readonly string[] = [],
): URLSearchParams => {
  const raw = event.body ?? '';
  const type = mediaType(event);
  const accepted = type === 'application/x-www-form-urlencoded' || alsoAccepted.includes(type);
  if (!accepted && (type !== '' || raw !== ''))
    throw new UnsupportedBodyError(`Cannot read a ${type || 'typeless'} body`);
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new ValidationError('The form is too large', { field: 'body' });
  return new URLSearchParams(type === 'application/x-www-form-urlencoded' ? text : '');
};
