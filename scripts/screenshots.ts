/**
 * `npm run shots`: renders the leadership digest and the survey email to PNG in headless Chromium, at
 * desktop (1024 px) and phone (375 px) widths, into shots/ (git-ignored), so anyone can look at them.
 * The sample digest carries the hard cases: long segment names, long and hostile comments, hidden segments.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { type DigestView, digestEmail, type Locale } from '#templates/index.ts';
import { surveyEmail } from '#templates/survey-email.ts';
import { launchBrowser } from '../test/support/browser.ts';
import { renderConsoleShots } from './console-shots.ts';
import { sampleDigestInsights } from './digest-insights-sample.ts';

export const WIDTHS = { desktop: 1024, phone: 375 } as const;
/** The console's own widths: a laptop and a phone. */
export const CONSOLE_WIDTHS = { desktop: 1280, phone: 375 } as const;

export const sampleDigestView = (locale: Locale = 'en'): DigestView => ({
  locale,
  title: 'Acme Cloud — EMEA customers',
  periodStart: '2026-11-17',
  periodEnd: '2026-11-24',
  responses: 412,
  nps: 24,
  marginOfError: 8,
  change: { delta: 11, significant: true },
  histogram: [9, 4, 6, 8, 11, 17, 25, 48, 71, 97, 116],
  responseRate: 0.273,
  segments: [
    { column: 'plan', value: 'Enterprise', responses: 188, nps: 31 },
    { column: 'plan', value: 'Team', responses: 201, nps: 19 },
    { column: 'plan', value: 'Free', responses: 23, nps: null },
    {
      column: 'region',
      value: 'Nordics and Benelux, including partner-managed accounts',
      responses: 97,
      nps: 28,
    },
    { column: 'region', value: 'DACH', responses: 12, nps: null },
  ],
  minSegmentResponses: 30,
  detractorComments: [
    { score: 2, text: 'Exports time out on anything over 50k rows. We lost a day to it.' },
    {
      score: 4,
      text: `<b>Support</b> took four days to answer. ${'Very long comment without spaces '.repeat(3)}${'x'.repeat(120)}`,
    },
  ],
  promoterReferrals: [
    { score: 10, text: 'Told our sister company in Utrecht about it; they signed up last week.' },
  ],
  quarantined: 7,
  otherSurveys: [
    { kind: 'csat', responses: 268, value: 0.86, margin: 4.2, change: { delta: 3, significant: false } },
    { kind: 'ces', responses: 143, value: 2.4, margin: 0.21, change: { delta: -0.3, significant: true } },
  ],
  ...sampleDigestInsights,
});

export const digestHtml = (locale: Locale = 'en') => digestEmail(sampleDigestView(locale)).html;
export const surveyHtml = (locale: Locale = 'en') =>
  surveyEmail({ kind: 'nps', locale, baseUrl: 'https://survey.example.com', product: 'Acme Cloud' }).html;

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

export const renderShots = async (browser: Browser, dir: string): Promise<string[]> => {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [name, html] of [
    ['digest', digestHtml('en')],
    ['digest-nl', digestHtml('nl')],
    ['survey', surveyHtml('en')],
  ] as const) {
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
