import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '#templates/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { nps, npsJson, type RunningStack, startStackProcess } from '../support/local-process.ts';
import { inbox, linksOf, type StoredEmail } from '../support/stack.ts';

let stack: RunningStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStackProcess(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  const code = await stack?.stop();
  expect(code).toBe(0);
});

const scoreLink = (email: StoredEmail, score: number) => {
  const link = linksOf(email).find((l) => new RegExp(`/r/[^/]+/${score}$`).test(l));
  if (!link) throw new Error(`no link for score ${score}`);
  return link;
};

describe('the whole pipeline, locally, as a user drives it', () => {
  it('goes from a CSV to survey emails, scores given in a browser, and a digest with the right NPS', async () => {
    const dir = stack.env.NPS_STATE_DIR as string;
    const audience = join(dir, 'audience.csv');
    writeFileSync(
      audience,
      'email;name;locale;team\npromoter@example.com;Pia;en;Sales\ndweller@example.com;Dirk;nl;Sales\n' +
        'detractor@example.com;Dee <b>;de;Support\nscanned@example.com;Scan;sv;Support\n',
    );
    const created = await npsJson<{ id: string; recipients: number }>(
      stack.env,
      'wave',
      'create',
      '--name',
      'E2E',
      '--audience',
      audience,
      '--now',
    );
    expect(created.recipients).toBe(4);

    const addresses = [
      'promoter@example.com',
      'dweller@example.com',
      'detractor@example.com',
      'scanned@example.com',
    ];
    const mail = await stack.waitFor('four survey emails', async () => {
      const m = await inbox(stack.sesUrl, addresses);
      return m.length === 4 ? m : undefined;
    });
    const to = (a: string) => mail.find((m) => m.destination.to[0] === a) as StoredEmail;
    const rewrite = (url: string) => url.replace(/^http:\/\/localhost:\d+/, stack.appUrl);

    // A link scanner opens every link with HEAD and GET: nothing may count.
    for (const link of linksOf(to('scanned@example.com'))) {
      await fetch(rewrite(link), { method: 'HEAD' });
      await fetch(rewrite(link));
    }

    const page = await browser.newPage();
    // A promoter answers the follow-up and submits.
    await page.goto(rewrite(scoreLink(to('promoter@example.com'), 10)));
    await page.locator('textarea').first().fill('My colleagues at the <script>office</script>');
    await page.locator('form button[type="submit"], form input[type="submit"]').first().click();
    await page.locator('h1', { hasText: t('en', 'page.done.title') }).waitFor();
    expect((await page.locator('h1').textContent())?.trim()).toBe(t('en', 'page.done.title'));
    // A detractor explains why, in German.
    await page.goto(rewrite(scoreLink(to('detractor@example.com'), 3)));
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.locator('textarea').first().fill('Zu langsam <b>wirklich</b>');
    await page.locator('form button[type="submit"], form input[type="submit"]').first().click();
    await page.waitForLoadState('load');
    // Someone opens a score and stays: the dwell counts it.
    const dwellPage = await browser.newPage();
    await dwellPage.goto(rewrite(scoreLink(to('dweller@example.com'), 9)));
    await dwellPage.waitForTimeout(6_500);
    await dwellPage.close();

    const report = await stack.waitFor('three counted responses', async () => {
      const r = await npsJson<{ responses: number; nps: number; histogram: number[] }>(stack.env, 'report');
      return r.responses === 3 ? r : undefined;
    });
    expect(report.nps).toBe(33); // 2 promoters, 1 detractor of 3
    expect(report.histogram[3]).toBe(1);
    expect(report.histogram[9]).toBe(1);
    expect(report.histogram[10]).toBe(1);

    const status = await stack.waitFor('the wave to be sent and counted', async () => {
      const s = await npsJson<{ status: string; sent: number; responses: number; quarantined: number }>(
        stack.env,
        'wave',
        'status',
        created.id,
      );
      return s.status === 'sent' && s.sent === 4 && s.quarantined === 1 ? s : undefined;
    });
    expect(status).toMatchObject({ responses: 3, quarantined: 1 });

    const digest = await npsJson<{ sent: number; nps: number }>(
      stack.env,
      'digest',
      'send',
      '--to',
      'ceo@example.com',
    );
    expect(digest).toMatchObject({ sent: 1, nps: 33 });
    const [email] = await inbox(stack.sesUrl, ['ceo@example.com']);
    const html = email?.body.html ?? '';
    expect(html).toContain('+33');
    expect(html).toContain('Zu langsam &lt;b&gt;wirklich&lt;/b&gt;');
    expect(html).not.toContain('<b>wirklich');
    expect(html).not.toContain('<script>office');
    // The digest renders in a real browser without breaking out of a phone's width.
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await phone.setContent(html);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('rejects a bad audience file with one line naming the file and line, and creates nothing', async () => {
    const file = join(stack.env.NPS_STATE_DIR as string, 'bad.csv');
    writeFileSync(file, 'email,name\nok@example.com,Ok\nnot-an-email,Bad\n');
    const before = await npsJson<unknown[]>(stack.env, 'wave', 'list');
    const result = await nps(
      stack.env,
      'wave',
      'create',
      '--name',
      'Bad',
      '--audience',
      file,
      '--now',
      '--json',
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${file}, line 3: email is not a valid address`);
    expect(await npsJson<unknown[]>(stack.env, 'wave', 'list')).toEqual(before);
  });
});
