/**
 * The console's dashboard, Responses and Activity pages end to end: the real `npm start`, a wave created and
 * sent with the CLI, emails answered through their score links and follow-up forms, and a real Chromium. The
 * dashboard shows what `nps report --json` prints for the same days; a hostile comment is shown as text;
 * Export CSV downloads the filtered rows with formulas neutralised; a viewer reads every page; an editor's
 * change appears on the activity page. No serious or critical axe-core violation and no sideways scrolling at
 * 375 and 1280 px, in English and German.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.ts';
import { launchBrowser } from '../support/browser.ts';
import { npsJson, npsWithInput, type RunningStack, startStackProcess } from '../support/local-process.ts';
import { inbox, linksOf, type StoredEmail } from '../support/stack.ts';

let stack: RunningStack;
let browser: Browser;
const PASSWORD = 'Marketing-rocks-2026!';
const EDITOR = 'editor@example.com';
const VIEWER = 'viewer@example.com';
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/** Who answers what: the score, the follow-up field and its text. */
const ANSWERS = [
  { email: 'hostile@example.com', locale: 'de', score: 2, field: 'reason', text: HOSTILE },
  { email: 'formula@example.com', locale: 'en', score: 6, field: 'reason', text: '=1+1' },
  { email: 'promoter@example.com', locale: 'nl', score: 10, field: 'referral', text: 'Mijn zus bij Globex' },
  { email: 'passive@example.com', locale: 'sv', score: 8, field: 'reason', text: 'Helt okej, men dyrt' },
] as const;

/** The last 30 days as the dashboard counts them by default: today (in the stack's zone) and 29 before. */
const last30Days = () => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
  const shift = (days: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return { since: shift(-29), until: shift(1) };
};

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStackProcess(), launchBrowser()]);
  const file = join(stack.env.NPS_STATE_DIR as string, 'audience.csv');
  writeFileSync(
    file,
    [
      'email,name,locale,team',
      ...ANSWERS.map((a) => `${a.email},${a.email.split('@')[0]},${a.locale},Sales`),
    ].join('\n'),
  );
  // The users and the wave at once: each is its own CLI process.
  const users = [EDITOR, VIEWER].map((email) =>
    npsWithInput(
      stack.env,
      `${PASSWORD}\n`,
      'user',
      'add',
      email,
      '--role',
      email.split('@')[0] as string,
      '--password-stdin',
    ),
  );
  const wave = npsJson(stack.env, 'wave', 'create', '--name', 'Console wave', '--audience', file, '--now');
  const [added] = await Promise.all([Promise.all(users), wave]);
  for (const user of added) expect(user.code, user.stderr).toBe(0);
  const mail = await stack.waitFor('the survey emails', async () => {
    const m = await inbox(
      stack.sesUrl,
      ANSWERS.map((a) => a.email),
    );
    return m.length === ANSWERS.length ? m : undefined;
  });
  // Each person opens their score link and submits the follow-up form, as the score page's form posts it.
  for (const a of ANSWERS) {
    const email = mail.find((m) => m.destination.to[0] === a.email) as StoredEmail;
    const link = linksOf(email)
      .find((l) => new RegExp(`/r/[^/]+/${a.score}$`).test(l))
      ?.replace(/^http:\/\/localhost:\d+/, stack.appUrl) as string;
    expect((await fetch(link)).status).toBe(200);
    const posted = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ score: String(a.score), [a.field]: a.text }).toString(),
      redirect: 'manual',
    });
    expect(posted.status).toBeLessThan(400);
  }
  await stack.waitFor('four counted responses', async () => {
    const r = await npsJson<{ responses: number }>(stack.env, 'report');
    return r.responses === ANSWERS.length ? r : undefined;
  });
}, 150_000);

afterAll(async () => {
  await browser?.close();
  expect(await stack?.stop()).toBe(0);
});

const url = (path: string) => `${stack.appUrl}${path}`;

/** A signed-in page; `bypassCSP` only where axe is injected (the pages keep their own CSP otherwise). */
const signedIn = async (
  email: string,
  o: { width?: number; locale?: string; axe?: boolean } = {},
): Promise<Page> => {
  const context = await browser.newContext({
    viewport: { width: o.width ?? 1280, height: 900 },
    locale: o.locale ?? 'en-US',
    bypassCSP: o.axe ?? false,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(url('/console'));
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/console/sign-in"] button').click();
  await page.locator('.role').waitFor();
  return page;
};

let editorPage: Page | undefined;
/** The editor's page (CSP in force), signed in once and shared by the tests that need no axe. */
const asEditor = async (): Promise<Page> => {
  editorPage ??= await signedIn(EDITOR);
  await editorPage.goto(url('/console'));
  return editorPage;
};

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const signed = (nps: number) => (nps > 0 ? `+${nps}` : String(nps));

describe('the console’s content pages', () => {
  it('shows on the dashboard the NPS, margin and n that `nps report --json` prints for the same days', async () => {
    const page = await asEditor();
    const { since, until } = last30Days();
    const report = await npsJson<{
      responses: number;
      nps: number;
      marginOfError: number;
      histogram: number[];
    }>(stack.env, 'report', '--since', since, '--until', until);
    expect(report.responses).toBe(4);
    expect(report.nps).toBe(-25); // one promoter, two detractors of four
    expect(await page.locator('[data-figure="nps"]').textContent()).toBe(signed(report.nps));
    expect(await page.locator('[data-figure="margin"]').textContent()).toContain(`±${report.marginOfError}`);
    expect(await page.locator('[data-figure="responses"]').textContent()).toBe(
      `Responses: ${report.responses}`,
    );
    expect(await page.getByText(`nps report --since ${since} --until ${until}`).count()).toBe(1);
    // The distribution's table has the report's histogram.
    await page.getByText('Show the distribution as a table').click();
    const counts = await page
      .locator('table:has(caption:text("Responses per score")) tbody tr td:nth-child(2)')
      .allTextContents();
    expect(counts.map(Number)).toEqual(report.histogram);
    // Picking another period by keyboard alone: the week of today.
    await page.getByLabel('Period').selectOption('week');
    await page.getByLabel('Week', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/period=week/);
    expect(await page.locator('[data-figure="responses"]').textContent()).toBe(
      `Responses: ${report.responses}`,
    );
  });

  it('shows a hostile comment as text on Responses, with its language, and exports the filtered rows as CSV', async () => {
    const page = await asEditor();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Responses', exact: true })
      .click();
    const hostile = page.locator('.comment-text', { hasText: HOSTILE });
    await hostile.waitFor();
    expect(await hostile.textContent()).toBe(HOSTILE);
    expect(await hostile.getAttribute('lang')).toBe('de');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(await page.locator('.comment-text').count()).toBe(ANSWERS.length);

    const download = async () => {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Export CSV', exact: true }).click(),
      ]);
      return readFileSync(await file.path());
    };
    const all = await download();
    expect([...all.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = all.toString('utf8').split('\r\n');
    expect(lines).toHaveLength(ANSWERS.length + 2); // header, four rows, and the last line's end
    expect(lines.at(-1)).toBe('');

    await page.getByLabel('Language').first().selectOption('en');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/language=en/);
    expect(await page.locator('.comment-text').allTextContents()).toEqual(['=1+1']);
    const english = (await download()).toString('utf8').split('\r\n');
    expect(english).toHaveLength(3);
    expect(english[1]).toContain(",'=1+1,");
    expect(english[1]).toContain(',Console wave,');
  });

  it('lets a viewer read the dashboard, the responses and the activity an editor’s change left', async () => {
    const editor = await asEditor();
    await editor.goto(url('/console/readers'));
    await editor.getByLabel('Email address').first().fill('ceo@example.com');
    await editor.getByRole('button', { name: 'Add reader' }).click();
    await editor.waitForURL(/\/console\/readers/);

    const viewer = await signedIn(VIEWER);
    for (const [path, title] of [
      ['/console', 'Dashboard'],
      ['/console/responses', 'Responses'],
      ['/console/activity', 'Activity'],
    ] as const) {
      const answer = await viewer.goto(url(path));
      expect(answer?.status()).toBe(200);
      expect((await viewer.locator('h1').textContent())?.trim()).toBe(title);
    }
    const row = viewer.locator('tbody tr').first();
    expect(await row.locator('td').first().textContent()).toBe(EDITOR);
    expect(await row.locator('td').nth(1).textContent()).toBe('added ceo@example.com as a digest reader');
    await viewer.context().close();
  });

  it('has no serious or critical axe violation and no sideways scrolling at 375 and 1280 px, in en and de', async () => {
    const page = await signedIn(EDITOR, { axe: true });
    for (const [locale, language] of [
      ['en', 'English'],
      ['de', 'Deutsch'],
    ] as const) {
      await page.getByRole('link', { name: language, exact: true }).click();
      await page.waitForFunction((l) => document.documentElement.lang === l, locale);
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        for (const path of ['/console', '/console/responses', '/console/activity', '/console/alerts']) {
          await page.goto(url(path));
          const where = `${path} at ${width} px in ${locale}`;
          expect(await page.locator('html').getAttribute('lang'), where).toBe(locale);
          // The tables behind the charts are opened too, so axe checks them.
          for (const summary of await page.locator('summary').all()) await summary.click();
          expect(await seriousViolations(page), where).toEqual([]);
          expect(await horizontalOverflow(page), where).toBeLessThanOrEqual(0);
        }
      }
    }
    await page.context().close();
  });
});
