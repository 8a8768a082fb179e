/**
 * Signing in to the console against the real Cognito emulator (cognito-local) and DynamoDB Local, through the
 * local runtime's HTTP glue: a good password opens a session in HttpOnly, SameSite=Strict cookies; a wrong
 * one or an unknown address gets the same words and no session; attempts are rate-limited without locking
 * the owner out (per address and IP with backoff; per address only from new places); an invited user
 * chooses a password first; Sign out ends the session at Cognito too.
 */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/console/routes.ts';
import { addUser } from '#shared/team/users.ts';
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
  // The limits the console runs with (SIGN_IN_LIMITS); the tests that need others serve their own.
  app = await serveConsole(consoleDeps(stack, cognito), ROUTES);
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

  it('after ten wrong passwords from one IP, the right password from another IP signs in', async () => {
    const { email, password } = await addConsoleUser(cognito, 'owner@example.com', 'admin');
    const guesses: number[] = [];
    for (let i = 0; i < 10; i++)
      guesses.push(
        (await new ConsoleBrowser(app.url, { from: '127.0.0.2' }).signIn(email, `Wrong-guess-${i}-xx`))
          .status,
      );
    // Five free tries from the guesser's IP, then it waits (30 s, doubling): the rest never reach Cognito.
    expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    const owner = await new ConsoleBrowser(app.url, { from: '127.0.0.3' }).signIn(email, password);
    expect(owner.status).toBe(303);
    expect(owner.setCookies.some((c) => c.startsWith('nps_session='))).toBe(true);
  });

  it('makes one address and IP wait longer after each attempt past five, and starts over after a success', async () => {
    let clock = new Date('2031-03-01T10:00:00Z');
    const timed = await serveConsole(consoleDeps(stack, cognito, { now: () => clock }), ROUTES);
    const tick = (seconds: number) => {
      clock = new Date(clock.getTime() + seconds * 1000);
    };
    try {
      const { email, password } = await addConsoleUser(cognito, 'backoff@example.com', 'viewer');
      const guess = () =>
        new ConsoleBrowser(timed.url, { from: '127.0.0.4' }).signIn(email, 'Wrong-guess-xx-1');
      for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(401);
      const held = await guess();
      expect(held.status).toBe(429);
      expect(held.headers.get('retry-after')).toBe('30');
      tick(30);
      expect((await guess()).status).toBe(401);
      expect((await guess()).headers.get('retry-after')).toBe('60');
      tick(60);
      const right = await new ConsoleBrowser(timed.url, { from: '127.0.0.4' }).signIn(email, password);
      expect(right.status).toBe(303);
      // The owner got in from there: the next mistake is free again.
      expect((await guess()).status).toBe(401);
    } finally {
      await timed.stop();
    }
  });

  it('holds back new places once guessers from many IPs fill an address’s window, but not a browser that signed in before', async () => {
    const strict = await serveConsole(
      consoleDeps(stack, cognito, {
        // Five per window: the owner's own first sign-in (from a new place then) and four guesses.
        signInLimits: { perEmail: 5, perIp: 1000, windowSeconds: 900 },
        now: () => new Date('2031-06-01T10:00:00Z'),
      }),
      ROUTES,
    );
    try {
      const { email, password } = await addConsoleUser(cognito, 'known@example.com', 'editor');
      const owner = new ConsoleBrowser(strict.url, { from: '127.0.0.5' });
      const first = await owner.signIn(email, password);
      expect(first.status).toBe(303);
      expect(owner.jar.get('nps_device')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(first.setCookies.find((c) => c.startsWith('nps_device='))).toMatch(
        /; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=7776000$/,
      );
      // The session ends (its cookies go), the device cookie stays.
      owner.jar.delete('nps_session');
      owner.jar.delete('nps_refresh');

      for (let i = 0; i < 4; i++)
        expect(
          (
            await new ConsoleBrowser(strict.url, { from: `127.0.1.${i + 1}` }).signIn(
              email,
              'Wrong-guess-xx-1',
            )
          ).status,
        ).toBe(401);
      const newPlace = await new ConsoleBrowser(strict.url, { from: '127.0.2.1' }).signIn(email, password);
      expect(newPlace.status).toBe(429);
      expect(Number(newPlace.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(newPlace.setCookies.some((c) => c.startsWith('nps_session='))).toBe(false);
      // A made-up device id is no known device.
      const forged = new ConsoleBrowser(strict.url, { from: '127.0.2.2' });
      forged.jar.set('nps_device', 'A'.repeat(43));
      expect((await forged.signIn(email, password)).status).toBe(429);

      const again = await owner.signIn(email, password);
      expect(again.status).toBe(303);
      expect(again.setCookies.some((c) => c.startsWith('nps_session='))).toBe(true);
      // Another address from the guessers' places is not held back by this one's window.
      const other = await addConsoleUser(cognito, 'unlimited@example.com', 'viewer');
      expect(
        (await new ConsoleBrowser(strict.url, { from: '127.0.1.1' }).signIn(other.email, other.password))
          .status,
      ).toBe(303);
    } finally {
      await strict.stop();
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

  it('ends the session on the server: the old cookies after Sign out are no session, page or API', async () => {
    const { email, password } = await addConsoleUser(cognito, 'copied@example.com', 'viewer');
    const browser = new ConsoleBrowser(app.url);
    await browser.signIn(email, password);
    // What a thief (or a shared machine's next user) copied while the session was open.
    const copied = new ConsoleBrowser(app.url);
    for (const [name, value] of browser.jar) copied.jar.set(name, value);
    expect((await copied.get('/console')).status).toBe(200);

    const shell = await browser.get('/console');
    expect((await browser.post('/console/sign-out', { csrf: csrfOf(shell.body) })).status).toBe(303);

    const page = await copied.get('/console');
    expect(page.status).toBe(303);
    expect(page.location).toMatch(/^\/console\/sign-in\?next=/);
    const api = await copied.get('/console/api/waves', { accept: 'application/json' });
    expect(api.status).toBe(401);
    // Signing in again opens a new session, which works.
    const again = new ConsoleBrowser(app.url);
    await again.signIn(email, password);
    expect((await again.get('/console')).status).toBe(200);
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

  it('answers 413 to an oversized sign-in form: 5 MB from the console itself, 7 MB from the server in front', async () => {
    const browser = new ConsoleBrowser(app.url);
    const page = await browser.get('/console/sign-in', { 'accept-language': 'en' });
    const form = (mb: number) => ({
      csrf: csrfOf(page.body),
      email: 'big@example.com',
      password: 'x',
      pad: 'x'.repeat(mb * 1024 * 1024),
    });
    const five = await browser.post('/console/sign-in', form(5), { 'accept-language': 'en' });
    expect(five.status).toBe(413);
    expect(five.body).toContain('<h1>');
    const seven = await browser.post('/console/sign-in', form(7));
    expect(seven.status).toBe(413);
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
