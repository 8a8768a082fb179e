/**
 * The console's responses: the survey pages' strict security headers on every page, cookies scoped to
 * /console (HttpOnly, SameSite=Strict, Secure unless served over plain http), and the few shapes a response
 * takes (page, redirect, JSON, file, asset, email preview).
 */
import type { LambdaFunctionURLResult } from 'aws-lambda';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  // Not no-referrer: under it browsers send `Origin: null` on a same-origin form POST, and the origin check
  // needs the real one. Console URLs carry no secrets; other sites still get no Referer.
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

/** The console's CSP with one more origin its script may fetch from (an upload bucket; never a wildcard). */
export const withConnectSource = (origin: string): string => {
  const { protocol, host } = new URL(origin);
  if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`Not a web origin: ${origin}`);
  const csp = SECURITY_HEADERS['content-security-policy'] ?? '';
  return csp.replace("connect-src 'self'", `connect-src 'self' ${protocol}//${host}`);
};

export type Response = Exclude<LambdaFunctionURLResult, string> & {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
};

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie; absent makes a browser-session cookie. */
  maxAge?: number;
  secure: boolean;
  sameSite?: 'Strict' | 'Lax';
}

export const cookie = (name: string, value: string, o: CookieOptions): string =>
  [
    `${name}=${value}`,
    'Path=/console',
    'HttpOnly',
    `SameSite=${o.sameSite ?? 'Strict'}`,
    ...(o.secure ? ['Secure'] : []),
    ...(o.maxAge !== undefined ? [`Max-Age=${o.maxAge}`] : []),
  ].join('; ');

export const clearCookie = (name: string, secure: boolean): string => cookie(name, '', { maxAge: 0, secure });

export const htmlResponse = (
  statusCode: number,
  body: string,
  extra: Record<string, string> = {},
): Response => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...extra },
  cookies: [],
  body,
});

/** 303: after a form, the browser GETs the target (a path on this console, never another site). */
export const redirectResponse = (location: string): Response => ({
  statusCode: 303,
  headers: { ...SECURITY_HEADERS, location },
  cookies: [],
});

export const jsonResponse = (statusCode: number, body: unknown): Response => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
  cookies: [],
  body: JSON.stringify(body),
});

export const fileResponse = (contentType: string, filename: string, body: string | Buffer): Response => {
  const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  const binary = typeof body !== 'string';
  return {
    statusCode: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': contentType,
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    },
    cookies: [],
    body: binary ? body.toString('base64') : body,
    isBase64Encoded: binary,
  };
};

/** A fingerprinted asset: its name changes with its content, so it may be cached for a year. */
export const assetResponse = (contentType: string, body: string): Response => ({
  statusCode: 200,
  headers: {
    'content-type': contentType,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  },
  cookies: [],
  body,
});

/**
 * An email's HTML inside a sandboxed <iframe> of a console page: emails need inline styles, so it gets its own
 * CSP, which also sandboxes it when opened on its own (no script, no forms, an opaque origin), loads nothing
 * from elsewhere, and lets only the console frame it.
 */
export const previewResponse = (body: string): Response => ({
  statusCode: 200,
  headers: {
    ...SECURITY_HEADERS,
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; form-action 'none'; frame-ancestors 'self'; base-uri 'none'",
    'x-frame-options': 'SAMEORIGIN',
    'content-type': 'text/html; charset=utf-8',
  },
  cookies: [],
  body,
});
