/**
 * axe-core in Debian's headless Chromium, on every state of the survey pages and on the emails as their
 * readers get them (the survey email of each kind, filled for one recipient, the digest and an owner alert): no serious or
 * critical violation, in English and German, at 375 and 1280 px. The pages are served with their own CSS
 * and script from a routed origin, so what axe sees (contrast, focus, names) is what a browser shows.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SURVEY_KINDS } from '#shared/core/survey.ts';
import {
  DWELL_JS,
  digestUnsubscribeConfirmPage,
  digestUnsubscribedPage,
  donePage,
  ERROR_REASONS,
  errorPage,
  type Locale,
  PAGE_CSS,
  scorePage,
  t,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '#templates/index.ts';
import { alertHtml } from '../../scripts/email-samples.ts';
import { digestHtml, surveyHtml } from '../../scripts/screenshots.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchBrowser } from '../support/browser.ts';

const ORIGIN = 'https://survey.test';
const LOCALES_CHECKED: readonly Locale[] = ['en', 'de'];
const WIDTHS = [375, 1280] as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Every state a recipient can see, by name. */
const pageStates = (locale: Locale): [string, string][] => {
  const score = (
    kind: 'nps' | 'csat' | 'ces',
    value: number,
    category: 'detractor' | 'passive' | 'promoter',
  ) =>
    scorePage({
      kind,
      locale,
      score: value,
      category,
      formAction: `/r/tok/${value}`,
      dwellUrl: `/r/tok/${value}/dwell`,
      dwellSeconds: 600,
      product: 'Acme Cloud',
      followUp: true,
    });
  return [
    ['nps detractor', score('nps', 0, 'detractor')],
    ['nps passive', score('nps', 7, 'passive')],
    ['nps promoter', score('nps', 10, 'promoter')],
    ['csat detractor', score('csat', 1, 'detractor')],
    ['ces promoter', score('ces', 7, 'promoter')],
    [
      'answer too long',
      scorePage({
        kind: 'nps',
        locale,
        score: 3,
        category: 'detractor',
        formAction: '/r/tok/3',
        dwellUrl: '/r/tok/3/dwell',
        dwellSeconds: 600,
        product: 'Acme Cloud',
        typed: {
          values: { reason: 'x'.repeat(2001) },
          problem: {
            field: 'reason',
            message: t(locale, 'page.answer.tooLong', { length: 2001, max: 2000 }),
          },
        },
      }),
    ],
    [
      'done',
      donePage({ locale, category: 'detractor', product: 'Acme Cloud', followUp: true, editUrl: '/r/tok/3' }),
    ],
    ['unsubscribe', unsubscribeConfirmPage({ locale, formAction: '/u/tok', product: 'Acme Cloud' })],
    ['unsubscribed', unsubscribedPage({ locale, product: 'Acme Cloud' })],
    ['digest unsubscribe', digestUnsubscribeConfirmPage({ locale, formAction: '/d/tok' })],
    ['digest unsubscribed', digestUnsubscribedPage({ locale })],
    ...ERROR_REASONS.map((reason): [string, string] => [`error ${reason}`, errorPage({ locale, reason })]),
  ];
};

/** One page in one context for all states at a width: each state served at its own path. */
const servedStates = async (width: number, states: [string, string][]): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
  await context.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/assets/page.css') return route.fulfill({ contentType: 'text/css', body: PAGE_CSS });
    if (path === '/assets/dwell.js') return route.fulfill({ contentType: 'text/javascript', body: DWELL_JS });
    const html = states[Number(path.split('/').pop())]?.[1] ?? '';
    return route.fulfill({ contentType: 'text/html; charset=utf-8', body: html });
  });
  return context.newPage();
};

describe.each(LOCALES_CHECKED)('the survey pages in %s', (locale) => {
  it.each(WIDTHS)('have no serious or critical axe violation at %i px, in every state', async (width) => {
    const states = pageStates(locale);
    const page = await servedStates(width, states);
    const found: string[] = [];
    for (const [i, [state]] of states.entries()) {
      await page.goto(`${ORIGIN}/state/${i}`);
      // The score changer open, so its links are checked too.
      const changer = page.locator('details.change summary');
      if (await changer.count()) await changer.click();
      found.push(...(await seriousViolations(page)).map((v) => `${state}: ${v}`));
    }
    await page.context().close();
    expect(found).toEqual([]);
  });
});

describe.each(LOCALES_CHECKED)('the emails in %s', (locale) => {
  const emails = (): [string, string][] => [
    ...SURVEY_KINDS.map((kind): [string, string] => [`survey ${kind}`, surveyHtml(locale, kind)]),
    ['digest', digestHtml(locale)],
    ['owner alert', alertHtml(locale)],
  ];
  it.each(WIDTHS)('have no serious or critical axe violation at %i px', async (width) => {
    const found: string[] = [];
    for (const [name, html] of emails()) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html);
      found.push(...(await seriousViolations(page)).map((v) => `${name}: ${v}`));
      await page.close();
    }
    expect(found).toEqual([]);
  });
});
