/**
 * The console shell as served: the survey pages' strict security headers and no inline script or style,
 * fingerprinted assets cached for a year, the browser's language with a switch that remembers the choice,
 * and the activity log read newest first a page at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/console/routes.ts';
import { listActivity, recordActivity } from '#shared/team/activity.ts';
import {
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  serveConsole,
  startCognito,
} from '../support/console.ts';
import { useLocalStack } from '../support/stack.ts';

let cognito: CognitoLocal;
let stack: Awaited<ReturnType<typeof useLocalStack>>;
let app: Awaited<ReturnType<typeof serveConsole>>;

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  app = await serveConsole(consoleDeps(stack, cognito), ROUTES);
});
afterAll(async () => {
  await app?.stop();
  await cognito?.stop();
});

const signedIn = async (email: string) => {
  const user = await addConsoleUser(cognito, email, 'admin');
  const browser = new ConsoleBrowser(app.url);
  const answer = await browser.signIn(user.email, user.password);
  // Every check after this reads a signed-in page, never the sign-in redirect's empty body.
  expect(answer.status).toBe(303);
  expect(answer.location).toBe('/console');
  expect(browser.jar.has('nps_session')).toBe(true);
  return browser;
};

describe('the shell', () => {
  it('keeps the survey pages’ strict CSP and security headers, with no inline script or style', async () => {
    const browser = await signedIn('headers@example.com');
    const pages = [await browser.get('/console'), await new ConsoleBrowser(app.url).get('/console/sign-in')];
    // The signed-in shell and the sign-in page themselves, not a redirect: both are whole pages.
    expect(pages.map((p) => p.status)).toEqual([200, 200]);
    expect(pages[0]?.body).toContain('Signed in as headers@example.com');
    expect(pages[1]?.body).toContain('<button type="submit">Sign in</button>');
    for (const page of pages) {
      const csp = (page.headers.get('content-security-policy') ?? '').split(/;\s*/);
      for (const directive of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ])
        expect(csp).toContain(directive);
      expect(csp.join(';')).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body).not.toMatch(/\sstyle=|<style/);
    }
  });

  it('serves its CSS and JS under fingerprinted names, cached for a year; an old name is 404', async () => {
    const page = await new ConsoleBrowser(app.url).get('/console/sign-in');
    const css = /href="(\/console\/assets\/console\.[0-9a-f]{12}\.css)"/.exec(page.body)?.[1];
    const js = /src="(\/console\/assets\/console\.[0-9a-f]{12}\.js)"/.exec(page.body)?.[1];
    expect(css).toBeDefined();
    expect(js).toBeDefined();
    for (const path of [css, js]) {
      const asset = await fetch(`${app.url}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await asset.text()).length).toBeGreaterThan(200);
    }
    expect((await fetch(`${app.url}/console/assets/console.000000000000.css`)).status).toBe(404);
  });

  it('shows the product name, the menu and the language switch, and marks the current page', async () => {
    const browser = await signedIn('menu@example.com');
    const page = await browser.get('/console/waves', { 'accept-language': 'en' });
    expect(page.body).toContain('<a class="brand" href="/console">NPS console</a>');
    for (const [href, label] of [
      ['/console', 'Dashboard'],
      ['/console/responses', 'Responses'],
      ['/console/readers', 'Digest readers'],
      ['/console/contacts', 'Contacts'],
      ['/console/activity', 'Activity'],
    ]) {
      expect(page.body).toContain(`<a href="${href}">${label}</a>`);
    }
    expect(page.body).toContain('<a href="/console/waves" aria-current="page">Waves</a>');
    expect(page.body).toContain('hreflang="de">Deutsch</a>');
  });
});

describe('language', () => {
  it('follows the browser’s preferred language by weight', async () => {
    const page = await new ConsoleBrowser(app.url).get('/console/sign-in', {
      'accept-language': 'fr;q=1, de-DE;q=0.9, en;q=0.5',
    });
    expect(page.body).toContain('<html lang="de">');
    expect(page.body).toContain('<label for="email">E-Mail</label>');
    expect(page.body).toContain('<label for="password">Passwort</label>');
  });

  it('switches language with a link that remembers the choice and comes back to the page', async () => {
    const browser = new ConsoleBrowser(app.url);
    const switched = await browser.get(
      `/console/language/sv?next=${encodeURIComponent('/console/sign-in?next=%2Fconsole')}`,
      {
        'accept-language': 'en',
      },
    );
    expect(switched.status).toBe(303);
    expect(switched.location).toBe('/console/sign-in?next=%2Fconsole');
    expect(switched.setCookies.find((c) => c.startsWith('lang='))).toMatch(
      /^lang=sv; Path=\/console; HttpOnly; SameSite=Lax; Max-Age=31536000$/,
    );
    const page = await browser.get('/console/sign-in', { 'accept-language': 'en' });
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('<button type="submit">Logga in</button>');
  });

  it('never sends the switch somewhere outside the console', async () => {
    const answer = await new ConsoleBrowser(app.url).get(
      `/console/language/nl?next=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(answer.location).toBe('/console');
    const protocolRelative = await new ConsoleBrowser(app.url).get(
      `/console/language/nl?next=${encodeURIComponent('//evil.example/console')}`,
    );
    expect(protocolRelative.location).toBe('/console');
  });
});

describe('the activity log', () => {
  it('lists newest first, a page at a time, and only activity', async () => {
    const store = { ddb: stack.ddb, table: stack.table };
    const base = Date.parse('2026-11-02T09:00:00Z');
    for (let i = 0; i < 5; i++) {
      await recordActivity(store, {
        who: `user${i}@example.com`,
        what: 'wave.created',
        when: new Date(base + i * 60_000),
        detail: { wave: `W${i}` },
      });
    }
    const first = await listActivity(store, { limit: 2 });
    expect(first.entries.map((e) => e.detail.wave)).toEqual(['W4', 'W3']);
    expect(first.entries[0]).toMatchObject({
      who: 'user4@example.com',
      what: 'wave.created',
      at: '2026-11-02T09:04:00.000Z',
    });
    const second = await listActivity(store, { limit: 2, ...(first.next ? { after: first.next } : {}) });
    expect(second.entries.map((e) => e.detail.wave)).toEqual(['W2', 'W1']);
    const third = await listActivity(store, { limit: 2, ...(second.next ? { after: second.next } : {}) });
    expect(third.entries.map((e) => e.detail.wave)).toEqual(['W0']);
    expect(third.next).toBeUndefined();
    await expect(listActivity(store, { after: 'not-a-cursor' })).rejects.toThrow(/Not a page/);
  });
});
