/**
 * Signing in to the console against the real Cognito emulator (cognito-local) and DynamoDB Local, through the
 * local runtime's HTTP glue: a good password opens a session in HttpOnly, SameSite=Strict cookies; a wrong
 * one or an unknown address gets the same words and no session; attempts are rate-limited; an invited user
 * chooses a password first; Sign out ends the session at Cognito too.
 */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/console/routes.ts';
import { addUser } from '#shared/console/users.ts';
import {
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  csrfOf,
  PASSWORD,
  serveConsole,
  startCognito,
} from '../support/console.ts';
import { useLocalStack } from '../support/stack.ts';

let cognito: CognitoLocal;
let stack: Awaited<ReturnType<typeof useLocalStack>>;
let app: Awaited<ReturnType<typeof serveConsole>>;

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  app = await serveConsole(
    consoleDeps(stack, cognito, { signInLimits: { perEmail: 4, perIp: 1000, windowSeconds: 900 } }),
    ROUTES,
  );
});
afterAll(async () => {
  await app?.stop();
  await cognito?.stop();
});

const alertOf = (html: string): string | undefined =>
  /<p class="notice error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];

describe('console sign-in', () => {
  it('shows a sign-in form with fields labelled Email and Password and a Sign in button', async () => {
    const page = await new ConsoleBrowser(app.url).get('/console/sign-in', { 'accept-language': 'en' });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(
      /<label for="email">Email<\/label>\s*<input id="email" name="email" type="email"/,
    );
    expect(page.body).toMatch(
      /<label for="password">Password<\/label>\s*<input id="password" name="password" type="password"/,
    );
    expect(page.body).toContain('<button type="submit">Sign in</button>');
  });

  it('signs a user in: a session in HttpOnly, SameSite=Strict cookies on /console, then the shell with their email and role', async () => {
    const { email, password } = await addConsoleUser(cognito, 'ada@example.com', 'editor');
    const browser = new ConsoleBrowser(app.url);
    const signedIn = await browser.signIn(email, password);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/console');
    const session = signedIn.setCookies.find((c) => c.startsWith('nps_session='));
    expect(session).toMatch(/; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=36000$/);
    expect(signedIn.setCookies.find((c) => c.startsWith('nps_refresh='))).toMatch(
      /HttpOnly; SameSite=Strict/,
    );
    // Served over plain http locally: not Secure (the https test below checks Secure).
    expect(session).not.toContain('Secure');

    const shell = await browser.get('/console', { 'accept-language': 'en' });
    expect(shell.status).toBe(200);
    expect(shell.body).toContain('Signed in as ada@example.com');
    expect(shell.body).toContain('<span class="role">Editor</span>');
    expect(shell.body).toMatch(
      /<form method="post" action="\/console\/sign-out">.*<button type="submit">Sign out<\/button><\/form>/s,
    );
  });

  it('refuses a wrong password and an unknown address with the same words, and opens no session', async () => {
    await addConsoleUser(cognito, 'grace@example.com', 'viewer');
    const wrongPassword = await new ConsoleBrowser(app.url).signIn('grace@example.com', 'Not-the-password-1');
    const unknownUser = await new ConsoleBrowser(app.url).signIn('nobody@example.com', PASSWORD);
    for (const answer of [wrongPassword, unknownUser]) {
      expect(answer.status).toBe(401);
      expect(answer.setCookies.some((c) => c.startsWith('nps_session='))).toBe(false);
    }
    expect(alertOf(wrongPassword.body)).toBeDefined();
    expect(alertOf(wrongPassword.body)).toBe(alertOf(unknownUser.body));
    // The address typed stays in the field; the password never comes back.
    expect(wrongPassword.body).toContain('value="grace@example.com"');
    expect(wrongPassword.body).not.toContain('Not-the-password-1');
  });

  it('stops trying a password for one address after the limit, even the right one, with Retry-After', async () => {
    // The clock stands still at the test's start, so all five attempts fall in one window whenever the test
    // runs (a real clock crossing a 15-minute edge would start a fresh count mid-test).
    const frozen = new Date();
    const limited = await serveConsole(
      consoleDeps(stack, cognito, {
        signInLimits: { perEmail: 4, perIp: 1000, windowSeconds: 900 },
        now: () => frozen,
      }),
      ROUTES,
    );
    try {
      const { email, password } = await addConsoleUser(cognito, 'limited@example.com', 'viewer');
      for (let i = 0; i < 4; i++)
        expect((await new ConsoleBrowser(limited.url).signIn(email, `Wrong-guess-${i}-xx`)).status).toBe(401);
      const fifth = await new ConsoleBrowser(limited.url).signIn(email, password);
      expect(fifth.status).toBe(429);
      expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(fifth.setCookies.some((c) => c.startsWith('nps_session='))).toBe(false);
      // Another address from the same place is not held back by this one's limit.
      const other = await addConsoleUser(cognito, 'unlimited@example.com', 'viewer');
      expect((await new ConsoleBrowser(limited.url).signIn(other.email, other.password)).status).toBe(303);
    } finally {
      await limited.stop();
    }
  });

  it('limits attempts per source IP across addresses', async () => {
    // A window of its own (a clock in 2030), so the attempts of the other tests from 127.0.0.1 do not count.
    const strict = await serveConsole(
      consoleDeps(stack, cognito, {
        signInLimits: { perEmail: 100, perIp: 3, windowSeconds: 900 },
        now: () => new Date('2030-01-01T10:00:00Z'),
      }),
      ROUTES,
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await new ConsoleBrowser(strict.url).signIn(`ip${i}@example.com`, 'Wrong-guess-xx-1')).status,
        );
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await strict.stop();
    }
  });

  it('asks an invited user to choose a password, refuses a mismatch and a weak one, then signs them in', async () => {
    await addUser(
      { cognito: cognito.cognito, userPoolId: cognito.pool.userPoolId },
      {
        email: 'invited@example.com',
        role: 'viewer',
        invitation: { kind: 'temporaryPassword', password: 'Temporary-pass-42' },
      },
    );
    const browser = new ConsoleBrowser(app.url);
    const challenge = await browser.signIn('invited@example.com', 'Temporary-pass-42');
    expect(challenge.status).toBe(200);
    expect(challenge.body).toContain('<label for="new-password">New password</label>');
    expect(challenge.setCookies.some((c) => c.startsWith('nps_session='))).toBe(false);

    const csrf = csrfOf(challenge.body);
    const mismatch = await browser.post('/console/new-password', {
      csrf,
      password: 'My-own-passw0rd!',
      repeat: 'My-own-passw0rd?',
    });
    expect(mismatch.status).toBe(400);
    const weak = await browser.post('/console/new-password', { csrf, password: 'short', repeat: 'short' });
    expect(weak.status).toBe(400);
    const chosen = await browser.post('/console/new-password', {
      csrf,
      password: 'My-own-passw0rd!',
      repeat: 'My-own-passw0rd!',
    });
    expect(chosen.status).toBe(303);
    expect((await browser.get('/console')).body).toContain('Signed in as invited@example.com');

    expect((await new ConsoleBrowser(app.url).signIn('invited@example.com', 'My-own-passw0rd!')).status).toBe(
      303,
    );
  });

  it('signs out: clears the cookies and revokes the refresh token at Cognito', async () => {
    const { email, password } = await addConsoleUser(cognito, 'leaving@example.com', 'viewer');
    const browser = new ConsoleBrowser(app.url);
    expect((await browser.signIn(email, password)).status).toBe(303);
    const refreshToken = browser.jar.get('nps_refresh');
    if (refreshToken === undefined) throw new Error('signing in set no refresh cookie');
    expect(refreshToken.length).toBeGreaterThan(20);
    const refresh = () =>
      cognito.cognito.send(
        new InitiateAuthCommand({
          ClientId: cognito.pool.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
    // The token works until sign-out, so its refusal below is the revocation, not a bad token.
    expect((await refresh()).AuthenticationResult?.IdToken).toEqual(expect.any(String));
    const shell = await browser.get('/console');
    const out = await browser.post('/console/sign-out', { csrf: csrfOf(shell.body) });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/console/sign-in?signedOut');
    expect(out.setCookies.filter((c) => /^nps_(session|refresh)=; .*Max-Age=0/.test(c))).toHaveLength(2);
    expect(browser.jar.has('nps_session')).toBe(false);
    expect((await browser.get('/console')).status).toBe(303);
    await expect(refresh()).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('refuses a sign-in posted from another site or without the form token, and opens no session', async () => {
    const { email, password } = await addConsoleUser(cognito, 'csrf-sign-in@example.com', 'viewer');
    const browser = new ConsoleBrowser(app.url);
    const page = await browser.get('/console/sign-in');
    const form = { csrf: csrfOf(page.body), next: '/console', email, password };
    const foreign = await browser.post('/console/sign-in', form, {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    const tokenless = await browser.post('/console/sign-in', { ...form, csrf: '' });
    for (const answer of [foreign, tokenless]) {
      expect(answer.status).toBe(403);
      expect(answer.setCookies.some((c) => c.startsWith('nps_session='))).toBe(false);
    }
  });

  it('marks the session cookies Secure where the console is served over https', async () => {
    const secure = await serveConsole(consoleDeps(stack, cognito, { scheme: 'https' }), ROUTES);
    try {
      const { email, password } = await addConsoleUser(cognito, 'tls@example.com', 'viewer');
      const browser = new ConsoleBrowser(secure.url);
      const page = await browser.get('/console/sign-in');
      // Behind TLS the console's origin is https://<host>; a page of it posts with that Origin.
      const host = new URL(secure.url).host;
      const answer = await browser.post(
        '/console/sign-in',
        { csrf: csrfOf(page.body), next: '/console', email, password },
        { origin: `https://${host}` },
      );
      expect(answer.status).toBe(303);
      expect(answer.setCookies.find((c) => c.startsWith('nps_session='))).toMatch(
        /; HttpOnly; SameSite=Strict; Secure; /,
      );
    } finally {
      await secure.stop();
    }
  });
});
