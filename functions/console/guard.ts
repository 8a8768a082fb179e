/**
 * The checks a state-changing console request must pass before anything changes: it comes from the console's
 * own origin (the browser's `Origin` and, where sent, `Sec-Fetch-Site`), and it carries a CSRF token. The
 * token is a signed double submit: an HMAC of the signed-in user under a random per-browser secret that
 * lives in an HttpOnly cookie, so another site can neither read nor make it, and it changes with the user.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface RequestOrigin {
  /** The `Origin` header, if the browser sent one. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header, if the browser sent one. */
  fetchSite: string | undefined;
  /** The host the request was made to (the Function URL's domain in AWS, the Host header locally). */
  host: string;
  scheme: 'https' | 'http';
}

/** True only for a request a page of this console made: same origin by both headers a browser sends. */
export const isSameOrigin = (request: RequestOrigin): boolean => {
  if (request.fetchSite !== undefined && request.fetchSite !== 'same-origin') return false;
  if (request.origin === undefined) return false;
  return request.origin.toLowerCase() === `${request.scheme}://${request.host.toLowerCase()}`;
};

/** A new per-browser CSRF secret, for the HttpOnly cookie. */
export const newCsrfSecret = (): string => randomBytes(32).toString('base64url');

/** Who a token is for before anyone has signed in (the sign-in form itself). */
export const ANONYMOUS = 'anonymous';

/** The token forms carry: bound to the browser's secret and to the user (`sub`) it was issued for. */
export const csrfToken = (secret: string, subject: string): string =>
  createHmac('sha256', secret).update(`console-csrf:${subject}`).digest('base64url');

export const csrfTokenMatches = (secret: string, subject: string, given: string | undefined): boolean => {
  if (!given || secret.length < 32) return false;
  const expected = Buffer.from(csrfToken(secret, subject));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};
