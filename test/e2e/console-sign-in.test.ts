/**
 * The console end to end, as a marketer meets it: the real `npm start` (with the Cognito emulator), a user
 * added with `npx nps user add … --password-stdin`, and a real headless Chromium signing in with the labelled
 * fields, seeing the shell, switching to German and signing out; an invited user choosing a password; no
 * serious or critical axe-core violation and no sideways scrolling at 375 and 1280 px; keyboard alone enough.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.ts';
import { launchBrowser } from '../support/browser.ts';
import { npsJson, npsWithInput, type RunningStack, startStackProcess } from '../support/local-process.ts';

let stack: RunningStack;
let browser: Browser;
const EMAIL = 'me@example.com';
const PASSWORD = 'Marketing-rocks-2026!';
const WIDTHS = [375, 1280] as const;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStackProcess(), launchBrowser()]);
  const added = await npsWithInput(
    stack.env,
    `${PASSWORD}\n`,
    'user',
    'add',
    EMAIL,
    '--role',
    'admin',
    '--password-stdin',
    '--json',
  );
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({
    email: EMAIL,
    role: 'admin',
    status: 'CONFIRMED',
    created: true,
  });
});

afterAll(async () => {
  await browser?.close();
  expect(await stack?.stop()).toBe(0);
});

const consoleUrl = () => `${stack.appUrl}/console`;

/** A page in its own context; `forAxe` lifts the CSP only so axe can be injected into it. */
const newPage = async (width: number, locale = 'en-US', forAxe = false): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale, bypassCSP: forAxe });
  return context.newPage();
};

const signIn = async (page: Page, email: string, password: string) => {
  await page.goto(consoleUrl());
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the console in a browser', () => {
  it('is announced by npm start', () => {
    expect(stack.output()).toMatch(/Console:\s+http:\/\/localhost:\d+\/console/);
  });

  it('signs in with Email, Password and Sign in, shows the shell, switches to German and signs out', async () => {
    const page = await newPage(1280);
    // Under the pages' own CSP: anything it blocks (an inline script or style) shows as a console error.
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(consoleUrl());
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await signIn(page, EMAIL, PASSWORD);
    await page.getByText(`Signed in as ${EMAIL}`).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.locator('.role').textContent()).resolves.toBe('Admin');
    for (const name of ['Dashboard', 'Waves', 'Responses', 'Digest readers', 'Contacts', 'Activity']) {
      expect(
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).count(),
      ).toBe(1);
    }

    await page.getByRole('link', { name: 'Deutsch' }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(
      await page
        .getByRole('navigation', { name: 'Hauptmenü' })
        .getByRole('link', { name: 'Übersicht' })
        .count(),
    ).toBe(1);

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByText('Sie sind abgemeldet.').waitFor();
    await page.goto(consoleUrl());
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(blocked).toEqual([]);
    // The stylesheet applied: the bar has the console's dark background, not the browser's default.
    expect(await page.locator('header.bar').evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe(
      'rgba(0, 0, 0, 0)',
    );
    await page.context().close();
  });

  it('keeps the session cookies HttpOnly and SameSite=Strict, out of reach of page scripts', async () => {
    const page = await newPage(1280);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByText(`Signed in as ${EMAIL}`).waitFor();
    const cookies = await page.context().cookies();
    for (const name of ['nps_session', 'nps_refresh', 'nps_csrf']) {
      expect(cookies.find((c) => c.name === name)).toMatchObject({
        httpOnly: true,
        sameSite: 'Strict',
        path: '/console',
      });
    }
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.context().close();
  });

  it('says a wrong password is wrong without saying which part', async () => {
    const page = await newPage(1280);
    await signIn(page, EMAIL, 'Not-my-password-1');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('The email or password is not right. Check both and try again.');
    await page.context().close();
  });

  it('can be used by keyboard alone: sign in and sign out without a pointer', async () => {
    const page = await newPage(375);
    await page.goto(consoleUrl());
    // The email field has focus on arrival.
    await page.keyboard.type(EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByText(`Signed in as ${EMAIL}`).waitFor();
    // Tab from the top: the skip link first, then on to Sign out, which Enter presses.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === 'Sign out';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByText('You are signed out.').waitFor();
    await page.context().close();
  });

  it.each(WIDTHS)(
    'has no serious or critical axe violation and no sideways scrolling at %i px (en and de)',
    async (width) => {
      for (const locale of ['en-US', 'de-DE']) {
        const page = await newPage(width, locale, true);
        await page.goto(consoleUrl());
        expect(await seriousViolations(page), `sign-in ${locale} ${width}px`).toEqual([]);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await page.locator('#email').fill(EMAIL);
        await page.locator('#password').fill(PASSWORD);
        await page.locator('form[action="/console/sign-in"] button').click();
        await page.locator('.role').waitFor();
        expect(await seriousViolations(page), `shell ${locale} ${width}px`).toEqual([]);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await page.context().close();
      }
    },
  );

  it('lets an invited user choose a password, and manages users with nps user list and remove', async () => {
    const invited = await npsJson<{ email: string; temporaryPassword: string; status: string }>(
      stack.env,
      'user',
      'add',
      'new.colleague@example.com',
      '--role',
      'viewer',
    );
    expect(invited.status).toBe('FORCE_CHANGE_PASSWORD');
    const page = await newPage(1280);
    await signIn(page, invited.email, invited.temporaryPassword);
    await page.getByLabel('New password', { exact: true }).fill('My-own-choice-77');
    await page.getByLabel('Repeat the new password').fill('My-own-choice-77');
    await page.getByRole('button', { name: 'Save password and continue' }).click();
    await page.getByText('Signed in as new.colleague@example.com').waitFor();
    await expect(page.locator('.role').textContent()).resolves.toBe('Viewer');
    await page.context().close();

    const users = await npsJson<{ email: string; role: string; status: string }[]>(stack.env, 'user', 'list');
    expect(users).toEqual([
      { email: EMAIL, role: 'admin', status: 'CONFIRMED', enabled: true },
      { email: 'new.colleague@example.com', role: 'viewer', status: 'CONFIRMED', enabled: true },
    ]);
    expect(await npsJson(stack.env, 'user', 'remove', 'new.colleague@example.com')).toEqual({
      email: 'new.colleague@example.com',
      removed: true,
    });
    expect((await npsJson<unknown[]>(stack.env, 'user', 'list')).length).toBe(1);
  });
});
