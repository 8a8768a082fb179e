/**
 * The answering pages in a real headless Chromium against the real `npm start`: every page in every
 * language, with and without JavaScript, and the link-scanner simulation. One stack and one browser for
 * the whole file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { parseSigningKeys, signLink } from '#shared/core/links.ts';
import type { SurveyEvent } from '#shared/events/response-events.ts';
import { LOCALES, type Locale, t } from '#templates/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { npsJson, type RunningStack, startStackProcess } from '../support/local-process.ts';
import { inbox, linksOf, type StoredEmail } from '../support/stack.ts';

let stack: RunningStack;
let browser: Browser;
const mail = new Map<string, StoredEmail>();

const pageAddress = (locale: Locale, js: boolean) => `page-${locale}-${js ? 'js' : 'nojs'}@example.com`;
const SCANNED = 'scanned-head-get@example.com';
const CLICKED = 'scanned-browser@example.com';
/** A person in the scanned wave: their answer shows that the bus works while the scanners' stay silent. */
const PERSON = 'person-among-scanners@example.com';

const createWave = async (name: string, rows: string[]) => {
  const file = join(stack.env.NPS_STATE_DIR as string, `${name}.csv`);
  writeFileSync(file, ['email,name,locale,team', ...rows.map((r) => `${r},Sales`)].join('\n'));
  return (
    await npsJson<{ id: string }>(stack.env, 'wave', 'create', '--name', name, '--audience', file, '--now')
  ).id;
};

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStackProcess(), launchBrowser()]);
});

/** Creates a wave sent now to `rows` and keeps the email each address receives. */
const sendWave = async (name: string, rows: string[]) => {
  const wave = await createWave(name, rows);
  const addresses = rows.map((r) => r.split(',')[0] as string);
  const emails = await stack.waitFor(`the survey emails of ${name}`, async () => {
    const m = await inbox(stack.sesUrl, addresses);
    return m.length === addresses.length ? m : undefined;
  });
  for (const e of emails) mail.set(e.destination.to[0] as string, e);
  return wave;
};

afterAll(async () => {
  await browser?.close();
  expect(await stack?.stop()).toBe(0);
});

const local = (url: string) => url.replace(/^http:\/\/localhost:\d+/, stack.appUrl);
const linkTo = (address: string, tail: RegExp) => {
  const link = linksOf(mail.get(address) as StoredEmail).find((l) => tail.test(l));
  if (!link) throw new Error(`no link ${tail} in the email to ${address}`);
  return local(link);
};
const scoreUrl = (address: string, score: number) => linkTo(address, new RegExp(`/r/[^/]+/${score}$`));

const eventsFile = () => join(stack.env.NPS_STATE_DIR as string, 'events.jsonl');
/** Every event the local bus received; fails if it received none at all (no events file). */
const events = (): SurveyEvent[] =>
  readFileSync(eventsFile(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { detail: SurveyEvent }).detail);
/** The events of one wave (a contact's erasure names no wave). */
const ofWave = (wave: string) => (e: SurveyEvent) => 'waveId' in e.data && e.data.waveId === wave;
/** For polling only: nothing yet while the bus has not received its first event. */
const eventsSoFar = (): SurveyEvent[] => (existsSync(eventsFile()) ? events() : []);

type WaveCounts = { responses: number; quarantined: number };

/** `nps wave status`, polled until `done` holds (the aggregator runs a moment after the answers). */
const waveStatusOnce = (wave: string, what: string, done: (s: WaveCounts) => boolean) =>
  stack.waitFor(what, async () => {
    const s = await npsJson<WaveCounts>(stack.env, 'wave', 'status', wave);
    return done(s) ? s : undefined;
  });

/** WCAG contrast of an element's text against the card it sits on. */
const contrastOf = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        }) as [number, number, number];
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      let bgEl: Element | null = el;
      let bg = 'rgba(0, 0, 0, 0)';
      while (bgEl && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
        bg = getComputedStyle(bgEl).backgroundColor;
        bgEl = bgEl.parentElement;
      }
      const [a, b] = [lum(getComputedStyle(el).color), lum(bg)].sort((x, y) => y - x) as [number, number];
      return (a + 0.05) / (b + 0.05);
    });

/** What every page must be: its language, its title, styles loaded under the CSP, fits a phone, readable. */
const expectTrustworthyPage = async (
  page: Page,
  locale: Locale,
  titleKey: string,
  problems: string[],
  params: Record<string, string> = {},
) => {
  expect(await page.locator('html').getAttribute('lang')).toBe(locale);
  expect((await page.locator('h1').textContent())?.trim()).toBe(t(locale, titleKey, params));
  // page.css applied (a CSP without unsafe-inline still lets our own stylesheet in).
  expect(await page.locator('main').evaluate((m) => getComputedStyle(m).maxWidth)).toBe('576px');
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);
  expect(await contrastOf(page, 'h1')).toBeGreaterThanOrEqual(4.5);
  // Every visible form control has an accessible name.
  const unnamed = await page.locator('textarea, input:not([type="hidden"]), button').evaluateAll((els) =>
    els
      .filter((el) => {
        const id = el.id;
        const label = id ? document.querySelector(`label[for="${id}"]`)?.textContent?.trim() : '';
        return !label && !el.closest('label') && !el.textContent?.trim() && !el.getAttribute('aria-label');
      })
      .map((el) => el.outerHTML),
  );
  expect(unnamed).toEqual([]);
  expect(problems).toEqual([]);
};

/** Waits until the page shows the page titled `titleKey` (after a form post or a click). */
const shows = (page: Page, locale: Locale, titleKey: string) =>
  page.locator('h1', { hasText: t(locale, titleKey) }).waitFor();

const newContext = async (locale: Locale, js: boolean): Promise<[BrowserContext, Page, string[]]> => {
  const context = await browser.newContext({
    javaScriptEnabled: js,
    locale,
    viewport: { width: 360, height: 740 },
    isMobile: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // A 4xx page is meant to be one; anything else logged as an error (a CSP refusal) is a problem.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return [context, page, problems];
};

describe('every answering page in every language, with and without JavaScript', () => {
  const cases = LOCALES.flatMap((locale) => [true, false].map((js) => [locale, js] as const));

  it.each(cases)('%s, JavaScript %s', async (locale, js) => {
    const address = pageAddress(locale, js);
    // A wave of its own, so this case's counts are its own whatever order the cases run in.
    const wave = await sendWave(address.split('@')[0] as string, [`${address},P,${locale}`]);
    const [context, page, problems] = await newContext(locale, js);
    try {
      // A detractor's page: why, and what would change it; a no-JS confirm button only without JS.
      let res = await page.goto(scoreUrl(address, 3));
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).not.toContain('unsafe-inline');
      expect(res?.headers()['referrer-policy']).toBe('no-referrer');
      await expectTrustworthyPage(page, locale, 'page.score.title.detractor', problems);
      expect(await page.locator('label[for="reason"]').textContent()).toBe(
        t(locale, 'page.nps.detractor.reason'),
      );
      // The counter under the box: the server's count without JavaScript, kept current with it.
      const counter = page.locator('#reason-counter');
      expect(await counter.textContent()).toBe(
        t(locale, 'page.answer.counter', { count: '0', max: new Intl.NumberFormat(locale).format(2000) }),
      );
      if (js) {
        await page.locator('#reason').fill('Zu\nlangsam');
        expect(await counter.textContent()).toBe(
          t(locale, 'page.answer.counter', { count: '10', max: new Intl.NumberFormat(locale).format(2000) }),
        );
      }
      // A mis-tapped score is changed on the page: the score from the email chosen, another a tap away.
      expect(await page.locator('input[name="score"]:checked').getAttribute('value')).toBe('3');
      await page.locator('details.change summary').click();
      await page.locator('label[for="score-4"]').click();
      expect(await page.locator('input[name="score"]:checked').getAttribute('value')).toBe('4');
      await page.goto(scoreUrl(address, 3));
      expect(await page.locator('label[for="improve"]').textContent()).toBe(
        t(locale, 'page.nps.detractor.improve'),
      );
      const confirmOnly = page.getByRole('button', { name: t(locale, 'page.score.confirmOnly') });
      expect(await confirmOnly.isVisible()).toBe(!js);
      expect(await contrastOf(page, 'button[type="submit"]')).toBeGreaterThanOrEqual(4.5);

      // A promoter's page, answered with the keyboard only.
      res = await page.goto(scoreUrl(address, 10));
      await expectTrustworthyPage(page, locale, 'page.score.title.promoter', problems);
      expect(await page.locator('legend').last().textContent()).toBe(
        t(locale, 'page.nps.promoter.frequency'),
      );
      expect(await page.locator('label[for="referral"]').textContent()).toBe(
        t(locale, 'page.nps.promoter.referral'),
      );
      await page.keyboard.press('Tab');
      const order: string[] = [];
      for (let i = 0; i < 12; i++) {
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          return `${el.tagName}#${el.id}:${getComputedStyle(el).outlineStyle}`;
        });
        order.push(focused);
        if (focused.startsWith('TEXTAREA#referral')) await page.keyboard.type('My <b>team</b>');
        if (focused.startsWith('INPUT#referralConsent')) await page.keyboard.press('Space');
        if (focused.startsWith('BUTTON')) break;
        await page.keyboard.press('Tab');
      }
      expect(order.some((f) => f.startsWith('INPUT#recommendFrequency-0'))).toBe(true);
      expect(order.at(-1)).toMatch(/^BUTTON#:(solid|auto)$/); // reached, with a visible focus ring
      await page.keyboard.press('Enter');
      await shows(page, locale, 'page.done.title');
      await expectTrustworthyPage(page, locale, 'page.done.title', problems);

      // Without JavaScript the detractor confirms a changed score with the button alone.
      if (!js) {
        await page.goto(scoreUrl(address, 3));
        await confirmOnly.click();
        await shows(page, locale, 'page.done.title');
        await expectTrustworthyPage(page, locale, 'page.done.title', problems);
      }

      // Links that cannot be used: a friendly page in the reader's language, with a 4xx status.
      const good = scoreUrl(address, 5);
      res = await page.goto(
        good.replace(/\/r\/([^/]+)\//, (_, tok: string) => `/r/${tok.slice(0, -4)}AAAA/`),
      );
      expect(res?.status()).toBe(400);
      await expectTrustworthyPage(page, locale, 'page.error.invalid.title', problems);
      const keys = parseSigningKeys(
        readFileSync(join(stack.env.NPS_STATE_DIR as string, 'signing-keys.json'), 'utf8'),
      );
      const expired = signLink(keys, {
        purpose: 'r',
        waveId: wave,
        contactId: contactIdOf(address),
        expiresAt: Math.floor(Date.now() / 1000) - 60,
      });
      res = await page.goto(`${stack.appUrl}/r/${expired}/5`);
      expect(res?.status()).toBe(410);
      await expectTrustworthyPage(page, locale, 'page.error.expired.title', problems);
      res = await page.goto(`${stack.appUrl}/nothing-here`);
      expect(res?.status()).toBe(404);
      await expectTrustworthyPage(page, locale, 'page.error.notFound.title', problems);

      // Unsubscribe: GET asks, the button unsubscribes.
      res = await page.goto(linkTo(address, /\/u\/[^/]+$/));
      expect(res?.status()).toBe(200);
      // The page names whose surveys these are.
      await expectTrustworthyPage(page, locale, 'page.unsubscribe.titleFor', problems, { product: 'Acme' });
      await page.getByRole('button', { name: t(locale, 'page.unsubscribe.button') }).click();
      await shows(page, locale, 'page.unsubscribed.title');
      await expectTrustworthyPage(page, locale, 'page.unsubscribed.title', problems);
    } finally {
      await context.close();
    }

    // The answer counted in its wave, and its events reached the local bus through the table's stream
    // (the publisher function), a moment after the answers.
    const status = await waveStatusOnce(wave, 'one counted response', (s) => s.responses === 1);
    expect(status.quarantined).toBe(0);
    // The archived events name the contact only; ResponseDetails, beside each commit, says who and what.
    const archivedOf = (all: SurveyEvent[]) => all.filter((e) => e.metadata.type !== 'ResponseDetails');
    const detailsOf = (all: SurveyEvent[]) => all.filter((e) => e.metadata.type === 'ResponseDetails');
    const mine = await stack.waitFor('this answer’s events on the local bus', async () => {
      const all = eventsSoFar().filter(ofWave(wave));
      const complete = js
        ? archivedOf(all).some((e) => e.metadata.type === 'ReferralConsentGiven') &&
          detailsOf(all).some((e) => 'answers' in e.data && e.data.answers.referral !== undefined)
        : archivedOf(all).length >= 4 && detailsOf(all).length >= 2;
      return complete ? all : undefined;
    });
    expect(mine.every((e) => e.data.contactId === contactIdOf(address))).toBe(true);
    const archived = archivedOf(mine);
    const details = detailsOf(mine);
    for (const e of details) expect(e.data).toMatchObject({ email: address });
    if (js) {
      // (With JavaScript a slow run may also dwell before the submit: a commit without answers first.)
      expect(archived.filter((e) => e.metadata.type === 'ReferralConsentGiven')).toHaveLength(1);
      expect(archived.filter((e) => e.metadata.type === 'DetractorResponded')).toEqual([]);
      expect(details.at(-1)?.data).toMatchObject({
        score: 10,
        locale,
        answers: { referral: 'My <b>team</b>' },
      });
    } else {
      expect(archived.map((e) => e.metadata.type)).toEqual([
        'ResponseCommitted',
        'ReferralConsentGiven',
        'ResponseCommitted',
        'DetractorResponded',
      ]);
      expect(archived[2]?.data).toMatchObject({ score: 3, previous: { score: 10, category: 'promoter' } });
    }
    expect(stack.output()).toMatch(/\[local\] event ResponseCommitted/);
  });
});

describe('a link scanner', () => {
  it('counts nothing from HEAD and GET of every link, or a browser opening all eleven scores at once', async () => {
    const scannerWave = await sendWave('scanner', [`${SCANNED},S,en`, `${CLICKED},C,sv`, `${PERSON},P,en`]);
    for (const link of linksOf(mail.get(SCANNED) as StoredEmail)) {
      await fetch(local(link), { method: 'HEAD' });
      await fetch(local(link));
    }
    // A sandboxing gateway that runs JavaScript: all eleven score pages open at once, long enough to dwell.
    const context = await browser.newContext();
    const scores = Array.from({ length: 11 }, (_, s) => s);
    const tabs = await Promise.all(scores.map(() => context.newPage()));
    await Promise.all(tabs.map((tab, s) => tab.goto(scoreUrl(CLICKED, s))));
    // The tabs stay open until their dwells (5 s of the product's real time) have landed as a burst: the
    // scanned link (its trap opened) and the clicked one are both quarantined.
    await waveStatusOnce(
      scannerWave,
      'the eleven tabs dwelt and were quarantined as a burst',
      (s) => s.quarantined === 2,
    );
    await context.close();
    // A person in the same wave confirms a 6 without JavaScript: that one counts and is announced.
    const [personal, page] = await newContext('en', false);
    try {
      await page.goto(scoreUrl(PERSON, 6));
      await page.getByRole('button', { name: t('en', 'page.score.confirmOnly') }).click();
      await shows(page, 'en', 'page.done.title');
    } finally {
      await personal.close();
    }

    const status = await waveStatusOnce(
      scannerWave,
      'both scanned links quarantined and the person counted',
      (s) => s.quarantined === 2 && s.responses === 1,
    );
    expect(status).toMatchObject({ quarantined: 2, responses: 1 });
    const report = await npsJson<{ histogram: number[] }>(stack.env, 'report', '--wave', scannerWave);
    expect(report.histogram).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // The person's events prove the bus works; the scanners' links put nothing on it.
    const announced = await stack.waitFor('the person’s events on the local bus', async () => {
      const all = eventsSoFar().filter(ofWave(scannerWave));
      return all.some((e) => e.metadata.type === 'DetractorResponded') ? all : undefined;
    });
    expect(announced.map((e) => e.metadata.type)).toEqual(
      expect.arrayContaining(['ResponseCommitted', 'DetractorResponded']),
    );
    // Read again after the stack settled: still nothing from the scanned links, only the person.
    expect(announced.every((e) => e.data.contactId === contactIdOf(PERSON))).toBe(true);
    expect(
      events()
        .filter(ofWave(scannerWave))
        .every((e) => e.data.contactId === contactIdOf(PERSON)),
    ).toBe(true);
  });
});
