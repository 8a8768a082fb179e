/**
 * A console request as the router sees it, read from a Function URL event (payload 2.0; the local runtime
 * makes the same shape): method, path, query, headers, cookies, body, the caller's IP and the host it called.
 */
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { ValidationError } from '#shared/core/errors.ts';
import { isLocale, type Locale, resolveLocale } from '#shared/core/locale.ts';

/** Forms and JSON up to this size; a page that takes files reads `body()` under the Function URL's 6 MB. */
export const MAX_FORM_BYTES = 64 * 1024;

export interface ConsoleRequest {
  /** GET for HEAD: a HEAD is answered as its GET, without the body. */
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  cookies: ReadonlyMap<string, string>;
  body: Buffer;
  sourceIp: string;
  host: string;
}

const cookiesOf = (event: LambdaFunctionURLEvent): Map<string, string> => {
  const jar = new Map<string, string>();
  for (const cookie of event.cookies ?? []) {
    const at = cookie.indexOf('=');
    if (at <= 0) continue;
    const name = cookie.slice(0, at).trim();
    // The first of two same-named cookies wins, as browsers send the most specific path first.
    if (!jar.has(name)) jar.set(name, cookie.slice(at + 1).trim());
  }
  return jar;
};

export const requestOf = (event: LambdaFunctionURLEvent): ConsoleRequest => {
  const method = event.requestContext.http.method.toUpperCase();
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const raw = event.body ?? '';
  return {
    method: method === 'HEAD' ? 'GET' : method,
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    cookies: cookiesOf(event),
    body: Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8'),
    sourceIp: event.requestContext.http.sourceIp,
    host: event.requestContext.domainName || headers.host || '',
  };
};

/** The request's urlencoded form; throws a ValidationError (413) beyond MAX_FORM_BYTES. */
export const formOf = (request: ConsoleRequest): URLSearchParams => {
  if (request.body.length > MAX_FORM_BYTES)
    throw new ValidationError('The form is too large', { field: 'body' });
  return new URLSearchParams(request.body.toString('utf8'));
};

/** Calls from scripts and the console's own fetches want JSON answers (401/403 instead of pages). */
export const wantsJson = (request: ConsoleRequest): boolean =>
  request.path.startsWith('/console/api/') || /\bapplication\/json\b/i.test(request.headers.accept ?? '');

/** The console's language: the `lang` cookie of the language switch, else the browser's preferences by weight. */
export const localeOf = (request: ConsoleRequest): Locale => {
  const chosen = request.cookies.get(LANG_COOKIE);
  if (chosen && isLocale(chosen)) return chosen;
  const preferences = (request.headers['accept-language'] ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), weight: q === undefined ? 1 : Number(q), index };
    })
    .filter((p) => p.tag !== '' && p.tag !== '*' && p.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return resolveLocale(...preferences.map((p) => p.tag));
};

export const LANG_COOKIE = 'lang';

/** A path inside the console to come back to; anything else (another site, a scheme) becomes the dashboard. */
export const consolePathOr = (candidate: string | null | undefined, fallback = '/console'): string =>
  candidate && /^\/console(?:[/?#][^\s\\]*)?$/.test(candidate) && !candidate.startsWith('//')
    ? candidate
    : fallback;

/** The request's path with its query, as a page links back to itself. */
export const selfPath = (request: ConsoleRequest): string => {
  const query = request.query.toString();
  return query ? `${request.path}?${query}` : request.path;
};

/** The CSRF token a POST carries: the form field, the header, or (for uploads) a multipart part named csrf. */
export const csrfTokenOf = (request: ConsoleRequest): string | undefined => {
  const header = request.headers['x-csrf-token'];
  if (header) return header;
  const type = request.headers['content-type'] ?? '';
  if (/^application\/x-www-form-urlencoded/i.test(type)) return formOf(request).get('csrf') ?? undefined;
  if (/^multipart\/form-data/i.test(type)) {
    const part = /name="csrf"\r\n\r\n([A-Za-z0-9_-]{16,128})\r\n/.exec(request.body.toString('latin1'));
    return part?.[1];
  }
  return undefined;
};
