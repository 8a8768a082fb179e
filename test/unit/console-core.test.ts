/**
 * The console's pure parts: roles, the password policy, the origin and CSRF checks, safe HTML, the router's
 * matching, where a redirect may go, the request's language, and the four message catalogs.
 */

import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  csrfToken,
  csrfTokenMatches,
  isSameOrigin,
  newCsrfSecret,
} from '#functions/console/guard.ts';
import { consolePathOr, localeOf, requestOf } from '#functions/console/http/request.ts';
import { createRouter, page, route } from '#functions/console/router.ts';
import { CONSOLE_CATALOGS, html, trusted } from '#functions/console/ui/index.ts';
import { ACTIVITY_KINDS } from '#shared/team/activity.ts';
import { PASSWORD_POLICY, passwordProblems, temporaryPassword } from '#shared/team/password-policy.ts';
import { allows, ROLES, roleOfGroups } from '#shared/team/roles.ts';
import { LOCALES } from '#templates/index.ts';

describe('roles', () => {
  it('ranks viewer < editor < admin', () => {
    expect(allows('viewer', 'viewer')).toBe(true);
    expect(allows('viewer', 'editor')).toBe(false);
    expect(allows('editor', 'viewer')).toBe(true);
    expect(allows('editor', 'admin')).toBe(false);
    expect(allows('admin', 'editor')).toBe(true);
    expect(allows(undefined, 'viewer')).toBe(false);
  });

  it('takes the highest role group and ignores other groups', () => {
    expect(roleOfGroups(['viewer', 'admin', 'editor'])).toBe('admin');
    expect(roleOfGroups(['marketing', 'editor'])).toBe('editor');
    expect(roleOfGroups(['marketing'])).toBeUndefined();
    expect(roleOfGroups([])).toBeUndefined();
  });
});

describe('password policy', () => {
  it('names each rule a password breaks', () => {
    expect(passwordProblems('Correct-horse-9')).toEqual([]);
    expect(passwordProblems('Short-1')).toEqual(['length']);
    expect(passwordProblems('ALL-UPPER-CASE-1')).toEqual(['lowercase']);
    expect(passwordProblems('all-lower-case-1')).toEqual(['uppercase']);
    expect(passwordProblems('No-digits-at-all')).toEqual(['digit']);
    expect(passwordProblems('NoSymbolsHere123')).toEqual(['symbol']);
    expect(passwordProblems('')).toEqual(['length', 'lowercase', 'uppercase', 'digit', 'symbol']);
  });

  it('makes temporary passwords that meet it, never the same twice', () => {
    const made = Array.from({ length: 200 }, () => temporaryPassword());
    for (const password of made) {
      expect(passwordProblems(password)).toEqual([]);
      expect(password.length).toBeGreaterThanOrEqual(PASSWORD_POLICY.minLength);
    }
    expect(new Set(made).size).toBe(200);
  });
});

describe('origin and CSRF checks', () => {
  const own = {
    origin: 'https://abc.lambda-url.eu-west-1.on.aws',
    fetchSite: 'same-origin',
    host: 'abc.lambda-url.eu-west-1.on.aws',
    scheme: 'https' as const,
  };

  it('accepts only the console’s own origin, by Origin and by Sec-Fetch-Site', () => {
    expect(isSameOrigin(own)).toBe(true);
    expect(isSameOrigin({ ...own, fetchSite: undefined })).toBe(true);
    expect(isSameOrigin({ ...own, origin: 'https://evil.example' })).toBe(false);
    expect(isSameOrigin({ ...own, origin: 'http://abc.lambda-url.eu-west-1.on.aws' })).toBe(false);
    expect(isSameOrigin({ ...own, origin: 'null' })).toBe(false);
    expect(isSameOrigin({ ...own, origin: undefined })).toBe(false);
    expect(isSameOrigin({ ...own, fetchSite: 'same-site' })).toBe(false);
    expect(isSameOrigin({ ...own, fetchSite: 'cross-site' })).toBe(false);
    expect(
      isSameOrigin({
        origin: 'http://localhost:3000',
        fetchSite: 'same-origin',
        host: 'localhost:3000',
        scheme: 'http',
      }),
    ).toBe(true);
  });

  it('binds the token to the browser’s secret and to the user', () => {
    const secret = newCsrfSecret();
    const token = csrfToken(secret, 'user-1');
    expect(csrfTokenMatches(secret, 'user-1', token)).toBe(true);
    expect(csrfTokenMatches(secret, 'user-2', token)).toBe(false);
    expect(csrfTokenMatches(secret, ANONYMOUS, token)).toBe(false);
    expect(csrfTokenMatches(newCsrfSecret(), 'user-1', token)).toBe(false);
    expect(csrfTokenMatches(secret, 'user-1', undefined)).toBe(false);
    expect(csrfTokenMatches(secret, 'user-1', `${token}x`)).toBe(false);
  });

  it('makes the token an HMAC-SHA256 in base64url, and never matches under a secret shorter than 32 characters', () => {
    expect(newCsrfSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfToken('s'.repeat(32), 'user-1')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const short = 's'.repeat(31);
    expect(csrfTokenMatches(short, 'user-1', csrfToken(short, 'user-1'))).toBe(false);
    const enough = 's'.repeat(32);
    expect(csrfTokenMatches(enough, 'user-1', csrfToken(enough, 'user-1'))).toBe(true);
  });
});

describe('safe HTML', () => {
  it('escapes every value and keeps markup built with html or trusted', () => {
    const name = '<img src=x onerror=alert(1)> & "quoted"';
    const out = html`<ul>${[name, 'b'].map((v) => html`<li title="${v}">${v}</li>`)}</ul>${trusted('<hr>')}`;
    expect(out.value).toBe(
      '<ul><li title="&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;</li><li title="b">b</li></ul><hr>',
    );
    expect(html`${undefined}${null}${false}${0}`.value).toBe('0');
  });
});

describe('router', () => {
  const noop = () => page('t', html``);
  const router = createRouter([
    route('GET', '/console/waves', 'viewer', noop, { nav: 'nav.waves' }),
    route('GET', '/console/waves/:id', 'viewer', noop),
    route('POST', '/console/waves/:id/cancel', 'editor', noop),
  ]);

  it('matches paths with parameters, decoded, and a trailing slash', () => {
    expect(router.match('GET', '/console/waves/01H%2FX')).toMatchObject({ params: { id: '01H/X' } });
    expect(router.match('GET', '/console/waves/')).toMatchObject({ params: {} });
    expect(router.match('POST', '/console/waves/abc/cancel')).toMatchObject({
      route: { role: 'editor' },
      params: { id: 'abc' },
    });
  });

  it('tells a wrong method (405) from an unknown path (404)', () => {
    expect(router.match('GET', '/console/waves/abc/cancel')).toEqual({ methods: ['POST'] });
    expect(router.match('GET', '/console/nothing')).toBeUndefined();
    expect(router.match('GET', '/console/waves/%E0%A4%A')).toBeUndefined();
  });

  it('refuses a table it cannot serve', () => {
    expect(() => route('GET', '/admin', 'viewer', noop)).toThrow(/not under \/console/);
    expect(() => route('POST', '/console/x', 'viewer', noop, { nav: 'nav.x' })).toThrow(/menu/);
    expect(() =>
      createRouter([route('GET', '/console/a', 'viewer', noop), route('GET', '/console/a', 'admin', noop)]),
    ).toThrow(/twice/);
  });
});

describe('requests', () => {
  const event = (headers: Record<string, string>, cookies: string[] = []) =>
    ({
      rawPath: '/console',
      rawQueryString: '',
      headers,
      cookies,
      requestContext: { http: { method: 'GET', sourceIp: '192.0.2.1' }, domainName: 'console.example' },
    }) as unknown as LambdaFunctionURLEvent;

  it('follows Accept-Language by weight, and the lang cookie above it', () => {
    expect(localeOf(requestOf(event({ 'accept-language': 'fr, sv;q=0.5, nl;q=0.8' })))).toBe('nl');
    expect(localeOf(requestOf(event({ 'accept-language': 'de-CH' })))).toBe('de');
    expect(localeOf(requestOf(event({ 'accept-language': 'ja, zh;q=0.9' })))).toBe('en');
    expect(localeOf(requestOf(event({ 'accept-language': 'de' }, ['lang=sv'])))).toBe('sv');
    expect(localeOf(requestOf(event({ 'accept-language': 'de' }, ['lang=xx'])))).toBe('de');
  });

  it('comes back only to a path of the console', () => {
    expect(consolePathOr('/console/waves?x=1')).toBe('/console/waves?x=1');
    expect(consolePathOr('/console')).toBe('/console');
    for (const elsewhere of [
      'https://evil.example',
      '//evil.example/console',
      '/consoles',
      '/console\\@evil',
      'javascript:alert(1)',
      null,
    ])
      expect(consolePathOr(elsewhere)).toBe('/console');
  });
});

describe('message catalogs', () => {
  const keys = (locale: (typeof LOCALES)[number]) => Object.keys(CONSOLE_CATALOGS[locale]).sort();
  const params = (text: string) => [...text.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1]).sort();

  it('has the same keys, none empty, with the same {params}, in en, nl, sv and de', () => {
    for (const locale of LOCALES) {
      expect(keys(locale), locale).toEqual(keys('en'));
      for (const [key, text] of Object.entries(CONSOLE_CATALOGS[locale])) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(params(text), `${locale} ${key}`).toEqual(params(CONSOLE_CATALOGS.en[key] ?? ''));
      }
    }
  });

  it('names every role and every kind of activity', () => {
    for (const role of ROLES) expect(CONSOLE_CATALOGS.en[`role.${role}`]).toBeDefined();
    for (const kind of ACTIVITY_KINDS) expect(CONSOLE_CATALOGS.en[`activity.${kind}`]).toBeDefined();
  });
});
