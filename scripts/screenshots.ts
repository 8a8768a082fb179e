/**
 * `npm run shots`: renders the leadership digest and the survey email to PNG in headless Chromium, at
 * desktop (1024 px) and phone (375 px) widths, into shots/ (git-ignored), so anyone can look at them.
 * The survey email is shown as a recipient gets it (SES's template data filled in), in every language;
 * the sample digest carries the hard cases: long segment names, long and hostile comments, hidden segments;
 * the detractor's page and the thank-you page show the survey pages with their stylesheet.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { digestEmail, donePage, LOCALES, type Locale, PAGE_CSS, scorePage } from '#templates/index.ts';
import { PAGE_CSS_PATH } from '#templates/pages.ts';
import { launchBrowser } from '../test/support/browser.ts';
import { renderConsoleShots } from './console-shots.ts';
import { alertHtml, SAMPLE_PRODUCT, sampleDigestView, surveyHtml } from './email-samples.ts';

export { sampleDigestView, surveyHtml } from './email-samples.ts';

export const WIDTHS = { desktop: 1024, phone: 375 } as const;
/** The console's own widths: a laptop and a phone. */
export const CONSOLE_WIDTHS = { desktop: 1280, phone: 375 } as const;

export const digestHtml = (locale: Locale = 'en') => digestEmail(sampleDigestView(locale)).html;

/** `survey-phone.png` for English, `survey-de-phone.png` for German, and so on. */
const shotName = (what: string, locale: Locale) => (locale === 'en' ? what : `${what}-${locale}`);

/** Horizontal overflow of an HTML document at a width, in CSS pixels (≤ 0 means it fits). */
export const overflowAt = async (browser: Browser, html: string, width: number): Promise<number> => {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  try {
    await page.setContent(html);
    return await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  } finally {
    await page.close();
  }
};

/** A survey page as a browser shows it: its stylesheet inlined (the shot has no server to fetch it from). */
const styled = (html: string): string =>
  html.replace(`<link rel="stylesheet" href="${PAGE_CSS_PATH}">`, () => `<style>${PAGE_CSS}</style>`);

/** The detractor's page after a score of 3, and the thank-you page, as a recipient sees them. */
export const detractorPageHtml = (locale: Locale = 'en'): string =>
  styled(
    scorePage({
      kind: 'nps',
      locale,
      score: 3,
      category: 'detractor',
      formAction: '/r/sample/3',
      dwellUrl: '/r/sample/3/dwell',
      dwellSeconds: 5,
      product: SAMPLE_PRODUCT,
      followUp: true,
    }),
  );
export const thanksPageHtml = (locale: Locale = 'en'): string =>
  styled(
    donePage({
      locale,
      category: 'detractor',
      product: SAMPLE_PRODUCT,
      followUp: true,
      editUrl: '/r/sample/3',
    }),
  );

export const renderShots = async (
  browser: Browser,
  dir: string,
  locales: readonly Locale[] = LOCALES,
): Promise<string[]> => {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const emails = [
    ...locales.map((locale) => [shotName('survey', locale), surveyHtml(locale)] as const),
    ...locales.map((locale) => [shotName('digest', locale), digestHtml(locale)] as const),
    ...locales.map((locale) => [shotName('page-detractor', locale), detractorPageHtml(locale)] as const),
    ...locales.map((locale) => [shotName('page-thanks', locale), thanksPageHtml(locale)] as const),
    ...locales.map((locale) => [shotName('alert', locale), alertHtml(locale)] as const),
  ];
  for (const [name, html] of emails) {
    for (const [device, width] of Object.entries(WIDTHS)) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html);
      const path = join(dir, `${name}-${device}.png`);
      await page.screenshot({ path, fullPage: true });
      await page.close();
      files.push(path);
    }
  }
  return files;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await launchBrowser();
  try {
    const dir = join(process.cwd(), 'shots');
    const files = [
      ...(await renderShots(browser, dir)),
      ...(await renderConsoleShots(browser, dir, CONSOLE_WIDTHS)),
    ];
    process.stdout.write(`${files.join('\n')}\n`);
  } finally {
    await browser.close();
  }
}
