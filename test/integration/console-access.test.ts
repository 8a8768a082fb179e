/**
 * Every console request is checked on the server, against the real Cognito emulator's tokens and DynamoDB
 * Local: no session → a page redirects to sign-in and an API call gets 401; a forged, altered or foreign
 * token is no session; an expired one is renewed quietly with the refresh token; a role below the route's
 * gets 403; a POST from another origin or without the CSRF token gets 403. Whenever it is refused, nothing
 * changes (the activity log, which the test route writes, stays as it was).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { AdminRemoveUserFromGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Json } from 'aws-jwt-verify/safe-json-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionVerifier, InvalidSessionError } from '#functions/console/auth/tokens.ts';
import { json, redirect, route } from '#functions/console/router.ts';
import { ROUTES } from '#functions/console/routes.ts';
import { listActivity } from '#shared/team/activity.ts';
import {
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  csrfOf,
  serveConsole,
  shortLivedClient,
  startCognito,
} from '../support/console.ts';
import { useLocalStack } from '../support/stack.ts';

let cognito: CognitoLocal;
let stack: Awaited<ReturnType<typeof useLocalStack>>;
let app: Awaited<ReturnType<typeof serveConsole>>;

/** A state change only editors may make (it writes the activity log), and an API answer for viewers. */
const TEST_ROUTES = [
  ...ROUTES,
  route('POST', '/console/test/readers', 'editor', async (ctx) => {
    await ctx.record('reader.added', { address: ctx.form().get('address') ?? '' });
    return redirect('/console/activity');
  }),
  route('GET', '/console/api/whoami', 'viewer', (ctx) =>
    json({ email: ctx.user.email, role: ctx.user.role }),
  ),
];

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  app = await serveConsole(consoleDeps(stack, cognito), TEST_ROUTES);
});
afterAll(async () => {
  await app?.stop();
  await cognito?.stop();
});

const activityCount = async () =>
  (await listActivity({ ddb: stack.ddb, table: stack.table }, { limit: 200 })).entries.length;

const signedIn = async (email: string, role: 'viewer' | 'editor' | 'admin', base = app.url) => {
  const user = await addConsoleUser(cognito, email, role);
  const browser = new ConsoleBrowser(base);
  expect((await browser.signIn(user.email, user.password)).status).toBe(303);
  return browser;
};

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (jwt: string) => {
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
    signature,
    signingInput: `${header}.${payload}`,
  };
};
/** A JWT signed with a key the pool never published. */
const signedByStranger = (header: object, payload: object): string => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};

describe('no session', () => {
  it('redirects a page to sign-in (303) with the page to come back to', async () => {
    const answer = await new ConsoleBrowser(app.url).get('/console/waves?status=sent');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/console/sign-in?next=${encodeURIComponent('/console/waves?status=sent')}`);
  });

  it('answers an API call with 401 (a path under /console/api/ or Accept: application/json)', async () => {
    const api = await new ConsoleBrowser(app.url).get('/console/api/whoami');
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toMatchObject({ error: 'unauthenticated' });
    expect((await new ConsoleBrowser(app.url).get('/console', { accept: 'application/json' })).status).toBe(
      401,
    );
  });

  it('changes nothing for a POST without a session', async () => {
    const before = await activityCount();
    const answer = await new ConsoleBrowser(app.url).post('/console/test/readers', {
      address: 'x@example.com',
    });
    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/^\/console\/sign-in/);
    const api = await new ConsoleBrowser(app.url).post(
      '/console/test/readers',
      { address: 'x@example.com' },
      { accept: 'application/json' },
    );
    expect(api.status).toBe(401);
    expect(await activityCount()).toBe(before);
  });

  it('reloads a link followed from another site once, so SameSite=Strict cookies can come along', async () => {
    const answer = await new ConsoleBrowser(app.url).get('/console/waves', {
      'sec-fetch-site': 'cross-site',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<meta http-equiv="refresh" content="0;url=/console/waves?reloaded">');
    const again = await new ConsoleBrowser(app.url).get('/console/waves?reloaded');
    expect(again.status).toBe(303);
    expect(again.location).toBe(`/console/sign-in?next=${encodeURIComponent('/console/waves')}`);
  });
});

describe('tokens', () => {
  it('treats a token signed with another key as no session', async () => {
    const browser = await signedIn('forger@example.com', 'viewer');
    const real = partsOf(browser.jar.get('nps_session') ?? '');
    browser.jar.set(
      'nps_session',
      signedByStranger(real.header, { ...real.payload, 'cognito:groups': ['admin'] }),
    );
    browser.jar.delete('nps_refresh');
    expect((await browser.get('/console/api/whoami')).status).toBe(401);
    expect((await browser.get('/console')).status).toBe(303);
  });

  it('treats a genuine token with an altered payload as no session, and does not renew it', async () => {
    const browser = await signedIn('alterer@example.com', 'viewer');
    const real = partsOf(browser.jar.get('nps_session') ?? '');
    const altered = `${b64url(real.header)}.${b64url({ ...real.payload, 'cognito:groups': ['admin'] })}.${real.signature}`;
    browser.jar.set('nps_session', altered);
    // The refresh token stays: a forged session must not be swapped for a real one.
    const answer = await browser.get('/console/api/whoami');
    expect(answer.status).toBe(401);
    expect(answer.setCookies.some((c) => c.startsWith('nps_session='))).toBe(false);
  });

  it('refuses a genuine token of another app client of the pool (wrong audience)', async () => {
    const otherClient = await shortLivedClient(cognito, 3600);
    const other = await serveConsole(consoleDeps(stack, cognito, { clientId: otherClient }), TEST_ROUTES);
    try {
      const foreign = await signedIn('foreign@example.com', 'admin', other.url);
      const browser = new ConsoleBrowser(app.url);
      browser.jar.set('nps_session', foreign.jar.get('nps_session') ?? '');
      expect((await browser.get('/console/api/whoami')).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('refuses an expired token without a refresh token, and renews it quietly with one', async () => {
    const shortClient = await shortLivedClient(cognito, 1);
    const short = await serveConsole(consoleDeps(stack, cognito, { clientId: shortClient }), TEST_ROUTES);
    try {
      const browser = await signedIn('expiring@example.com', 'editor', short.url);
      const first = browser.jar.get('nps_session') ?? '';
      const exp = Number(partsOf(first).payload.exp);
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 1_100));

      const withoutRefresh = new ConsoleBrowser(short.url);
      withoutRefresh.jar.set('nps_session', first);
      const refused = await withoutRefresh.get('/console');
      expect(refused.status).toBe(303);
      expect(refused.location).toBe(`/console/sign-in?next=${encodeURIComponent('/console')}&expired`);

      const renewed = await browser.get('/console/api/whoami');
      expect(renewed.status).toBe(200);
      expect(JSON.parse(renewed.body)).toEqual({ email: 'expiring@example.com', role: 'editor' });
      const next = browser.jar.get('nps_session') ?? '';
      expect(next).not.toBe(first);
      expect(Number(partsOf(next).payload.exp) * 1000).toBeGreaterThan(Date.now());
    } finally {
      await short.stop();
    }
  });
});

describe('the pool’s keys', () => {
  it('fetches the JWKS itself, and refetches for an unknown key id at most once a minute', async () => {
    const fetched: string[] = [];
    const counting = async (url: string) => {
      fetched.push(url);
      return (await (await fetch(url)).json()) as Json;
    };
    const verifier = createSessionVerifier(
      { issuer: cognito.pool.issuer, clientId: cognito.pool.clientId },
      { fetchJwks: counting },
    );
    const browser = await signedIn('keys@example.com', 'viewer');
    const token = browser.jar.get('nps_session') ?? '';
    expect((await verifier.verify(token)).email).toBe('keys@example.com');
    expect(fetched).toEqual([`${cognito.pool.issuer}/.well-known/jwks.json`]);

    const real = partsOf(token);
    const rotated = signedByStranger({ ...real.header, kid: 'rotated-key' }, real.payload);
    for (let i = 0; i < 3; i++)
      await expect(verifier.verify(rotated)).rejects.toBeInstanceOf(InvalidSessionError);
    expect(fetched).toHaveLength(1);

    const eager = createSessionVerifier(
      { issuer: cognito.pool.issuer, clientId: cognito.pool.clientId },
      { fetchJwks: counting, refetchAfterMs: 0 },
    );
    await eager.verify(token);
    await expect(eager.verify(rotated)).rejects.toBeInstanceOf(InvalidSessionError);
    expect(fetched).toHaveLength(3);
  });
});

describe('roles', () => {
  it('gives a viewer 403 on an editor action and changes nothing; an editor is let through and logged', async () => {
    const viewer = await signedIn('viewer@example.com', 'viewer');
    const before = await activityCount();
    const refused = await viewer.post('/console/test/readers', {
      csrf: csrfOf((await viewer.get('/console')).body),
      address: 'boss@example.com',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Viewer');
    expect(await activityCount()).toBe(before);

    const editor = await signedIn('editor@example.com', 'editor');
    const allowed = await editor.post('/console/test/readers', {
      csrf: csrfOf((await editor.get('/console')).body),
      address: 'boss@example.com',
    });
    expect(allowed.status).toBe(303);
    const { entries } = await listActivity({ ddb: stack.ddb, table: stack.table }, { limit: 1 });
    expect(entries[0]).toMatchObject({
      who: 'editor@example.com',
      what: 'reader.added',
      detail: { address: 'boss@example.com' },
    });
  });

  it('keeps admin pages from viewers and editors, and leaves them out of their menu', async () => {
    const editor = await signedIn('editor2@example.com', 'editor');
    expect((await editor.get('/console/contacts')).status).toBe(403);
    expect((await editor.get('/console')).body).not.toContain('href="/console/contacts"');
    const admin = await signedIn('admin@example.com', 'admin');
    expect((await admin.get('/console/contacts')).status).toBe(200);
    expect((await admin.get('/console')).body).toContain('href="/console/contacts"');
  });

  it('lets a user in no role group sign in but allows them nothing', async () => {
    const user = await addConsoleUser(cognito, 'norole@example.com', 'viewer');
    // An admin took the role away: the user is in no group now.
    await cognito.cognito.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: cognito.pool.userPoolId,
        Username: user.email,
        GroupName: 'viewer',
      }),
    );
    const browser = new ConsoleBrowser(app.url);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const shell = await browser.get('/console');
    expect(shell.status).toBe(403);
    expect(shell.body).toContain('No role');
    expect((await browser.get('/console/api/whoami')).status).toBe(403);
  });
});

describe('same origin and CSRF token', () => {
  it('refuses a POST from another origin, with a valid session and token, and changes nothing', async () => {
    const editor = await signedIn('cross@example.com', 'editor');
    const csrf = csrfOf((await editor.get('/console')).body);
    const before = await activityCount();
    const foreignOrigin = await editor.post(
      '/console/test/readers',
      { csrf, address: 'a@example.com' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    const crossSite = await editor.post(
      '/console/test/readers',
      { csrf, address: 'a@example.com' },
      { 'sec-fetch-site': 'same-site' },
    );
    const noOrigin = await editor.request('POST', '/console/test/readers', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, address: 'a@example.com' }).toString(),
    });
    for (const answer of [foreignOrigin, crossSite, noOrigin]) expect(answer.status).toBe(403);
    expect(await activityCount()).toBe(before);
  });

  it('refuses a same-origin POST without the CSRF token, or with another browser’s, and changes nothing', async () => {
    const editor = await signedIn('token@example.com', 'editor');
    const other = await signedIn('token2@example.com', 'editor');
    const othersToken = csrfOf((await other.get('/console')).body);
    const before = await activityCount();
    expect((await editor.post('/console/test/readers', { address: 'a@example.com' })).status).toBe(403);
    expect(
      (await editor.post('/console/test/readers', { csrf: othersToken, address: 'a@example.com' })).status,
    ).toBe(403);
    expect(await activityCount()).toBe(before);
    // The page's own token, in the form or in the x-csrf-token header, is accepted.
    const own = csrfOf((await editor.get('/console')).body);
    expect(
      (await editor.post('/console/test/readers', { address: 'a@example.com' }, { 'x-csrf-token': own }))
        .status,
    ).toBe(303);
    expect(await activityCount()).toBe(before + 1);
  });
});

describe('request budgets', () => {
  it('answers a user’s reads and exports past their budget with 429 and Retry-After, and leaves other users alone', async () => {
    const limited = await serveConsole(
      consoleDeps(stack, cognito, {
        requestLimits: { reads: 4, exports: 2, windowSeconds: 60 },
        now: () => new Date('2031-09-01T10:00:10Z'),
      }),
      TEST_ROUTES,
    );
    try {
      const reader = await signedIn('budget@example.com', 'viewer', limited.url);
      const reads: number[] = [];
      for (let i = 0; i < 5; i++)
        reads.push((await reader.get('/console/api/whoami', { accept: 'application/json' })).status);
      expect(reads).toEqual([200, 200, 200, 200, 429]);
      const page = await reader.get('/console/activity', { 'accept-language': 'en' });
      expect(page.status).toBe(429);
      expect(page.headers.get('retry-after')).toBe('50');
      expect(page.body).toContain('Too many requests');

      const exporter = await signedIn('exporter@example.com', 'viewer', limited.url);
      const exports: number[] = [];
      for (let i = 0; i < 3; i++)
        exports.push((await exporter.get('/console/responses/export.csv?period=30d')).status);
      expect(exports.slice(2)).toEqual([429]);
      expect(exports.slice(0, 2)).not.toContain(429);
      // The exporter's reads have a budget of their own, and the first user's are not theirs.
      expect((await exporter.get('/console/api/whoami', { accept: 'application/json' })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
