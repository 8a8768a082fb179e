/**
 * The digest and the survey email keep their layout in a real Chromium: nothing wider than a phone at
 * 375 px in any language, the distribution drawn as table-cell bars proportional to the counts, and the
 * screenshot script producing its PNGs.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '#templates/index.ts';
import {
  digestHtml,
  overflowAt,
  renderShots,
  sampleDigestView,
  surveyHtml,
  WIDTHS,
} from '../../scripts/screenshots.ts';
import { launchBrowser } from '../support/browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('email layout in a real browser', () => {
  it.each(LOCALES)('fits a 375 px phone without horizontal scrolling (%s)', async (locale) => {
    expect(await overflowAt(browser, digestHtml(locale), WIDTHS.phone)).toBeLessThanOrEqual(0);
    expect(await overflowAt(browser, surveyHtml(locale), WIDTHS.phone)).toBeLessThanOrEqual(0);
  });

  it('draws the distribution as bars whose lengths follow the counts', async () => {
    const page = await browser.newPage({ viewport: { width: WIDTHS.phone, height: 900 } });
    await page.setContent(digestHtml('en'));
    const widths = await page.evaluate(() =>
      Array.from(document.querySelectorAll('td[style*="height:16px"][style*="background-color"]')).map(
        (td) => td.getBoundingClientRect().width,
      ),
    );
    await page.close();
    const histogram = sampleDigestView().histogram;
    expect(widths).toHaveLength(histogram.filter((c) => c > 0).length);
    const widest = Math.max(...widths);
    histogram.forEach((count, score) => {
      // Proportional to the largest count, to within a pixel or two of rounding.
      expect(Math.abs((widths[score] ?? 0) / widest - count / Math.max(...histogram))).toBeLessThan(0.03);
    });
  });

  it('renders the digest and the survey email to PNG at desktop and phone widths', async () => {
    const files = await renderShots(browser, mkdtempSync(join(tmpdir(), 'shots-')), ['en']);
    expect(files.map((f) => f.split('/').pop())).toEqual(
      expect.arrayContaining([
        'digest-desktop.png',
        'digest-phone.png',
        'survey-phone.png',
        'page-detractor-phone.png',
        'page-thanks-phone.png',
      ]),
    );
    for (const file of files) expect(statSync(file).size).toBeGreaterThan(10_000);
  });
});
