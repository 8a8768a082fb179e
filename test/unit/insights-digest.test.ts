/**
 * The digest's insight sections in every language: the weekly trend as table cells with the signed NPS per
 * week in text and significant changes marked, weeks below the minimum n hidden, drivers one sentence each,
 * themes with one example, value at risk and the benchmark gap with its source — untrusted text escaped.
 */
import { describe, expect, it } from 'vitest';
import { type DigestView, digestEmail, escapeHtml, LOCALES, type Locale, t } from '#templates/index.ts';

const view = (locale: Locale, overrides: Partial<DigestView> = {}): DigestView => ({
  locale,
  title: 'Acme',
  periodStart: '2026-11-16',
  periodEnd: '2026-11-23',
  responses: 120,
  nps: 24,
  marginOfError: 9,
  change: { delta: 5, significant: false },
  histogram: [5, 3, 4, 6, 5, 7, 10, 12, 16, 22, 30],
  responseRate: 0.3,
  segments: [],
  minSegmentResponses: 30,
  detractorComments: [],
  promoterReferrals: [],
  quarantined: 0,
  otherSurveys: [],
  trend: [
    { week: '2026-W45', since: '2026-11-02', responses: 0, nps: null, marginOfError: null, change: null },
    { week: '2026-W46', since: '2026-11-09', responses: 12, nps: 50, marginOfError: 40, change: null },
    { week: '2026-W47', since: '2026-11-16', responses: 90, nps: 31, marginOfError: 12, change: null },
    {
      week: '2026-W48',
      since: '2026-11-23',
      responses: 80,
      nps: -12,
      marginOfError: 14,
      change: { delta: -43, significant: true },
    },
  ],
  drivers: {
    comparisons: 6,
    significant: [
      {
        column: 'plan',
        value: 'Free <b>',
        responses: 60,
        nps: -31,
        others: 42,
        othersResponses: 200,
        difference: -73,
        low: -90.2,
        high: -55.8,
      },
    ],
  },
  themes: {
    comments: 40,
    top: [
      {
        id: 'price',
        labels: { en: 'Price', nl: 'Prijs', sv: 'Pris', de: 'Preis' },
        count: 12,
        share: 0.3,
        change: { delta: 10, significant: false },
        example: 'Too expensive <script>alert(1)</script>',
      },
    ],
  },
  value: {
    promoters: 120000,
    passives: 30000,
    detractors: 45000,
    atRisk: 45000,
    weightedNps: 38,
    responses: 90,
  },
  benchmarks: [{ name: 'Industry', score: 30, source: 'Report "2026" <i>', gap: -6, overlaps: true }],
  ...overrides,
});

describe('digest insights', () => {
  for (const locale of LOCALES)
    it(`shows the trend, drivers, themes, value and benchmark gap in ${locale}`, () => {
      const { html, text } = digestEmail(view(locale));
      for (const key of [
        'digest.trend',
        'digest.drivers',
        'digest.themes',
        'digest.value',
        'digest.benchmarks',
      ])
        expect(html).toContain(escapeHtml(t(locale, key)));
      // Signed NPS per week in text; the fall marked; a week below 30 responses hidden; an empty week says so.
      expect(html).toContain('<strong>+31</strong>');
      expect(html).toMatch(/<strong>-12<\/strong> <span title="[^"]+" style="color:#b91c1c;">▼<\/span>/);
      expect(html).not.toContain('<strong>+50</strong>');
      expect(html).toContain(`title="${escapeHtml(t(locale, 'digest.trend.none'))}"`);
      expect(text).toContain(`2026-W45: ${t(locale, 'digest.trend.none')} · n = 0`);
      expect(html).toContain(escapeHtml(t(locale, 'digest.segments.hidden')));
      expect(text).toContain(`2026-W48: -12 (±14) ▼ ${t(locale, 'digest.trend.down')}`);
      // One sentence per driver; untrusted text escaped everywhere.
      expect(html).toContain('plan = Free &lt;b&gt;: -31');
      expect(html).toContain('Too expensive &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('Report &quot;2026&quot; &lt;i&gt;');
      expect(html).not.toMatch(/<script|<svg|<img|<i>|<b>/);
      expect(html).toContain(escapeHtml(t(locale, 'digest.benchmarks.overlaps', { margin: '±9' })));
      expect(text).toContain(
        t(locale, 'digest.value.atRisk', { amount: new Intl.NumberFormat(locale).format(45000) }),
      );
    });

  it('says when no driver survives the correction, and leaves out what it has nothing on', () => {
    const { html } = digestEmail(
      view('en', {
        drivers: { comparisons: 4, significant: [] },
        value: null,
        benchmarks: [],
        themes: { comments: 0, top: [] },
      }),
    );
    expect(html).toContain(t('en', 'digest.drivers.none', { count: 4 }));
    for (const key of ['digest.value', 'digest.benchmarks', 'digest.themes'])
      expect(html).not.toContain(`>${escapeHtml(t('en', key))}</h2>`);
  });

  it('draws the trend as table cells, never an image, SVG or script', () => {
    const { html } = digestEmail(view('de'));
    const trend = html.slice(
      html.indexOf(t('de', 'digest.trend')),
      html.indexOf(t('de', 'digest.trend.legend', { min: 30 })),
    );
    expect(trend).toContain('<table');
    expect(trend).toContain('background-color:#b91c1c'); // the negative week's bar
    expect(trend).not.toMatch(/<svg|<img|<script/);
  });
});
