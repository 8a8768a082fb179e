import { compileTemplate } from 'aws-ses-v2-local/dist/v2/renderTemplate.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Category, SURVEY_KINDS, type SurveyKind, scalePoints } from '#shared/core/survey.ts';
import { segmentRows } from '#templates/digest-segments.ts';
import {
  type DigestView,
  DWELL_JS,
  digestEmail,
  donePage,
  ERROR_REASONS,
  errorPage,
  escapeHtml,
  formatMargin,
  formatSigned,
  LOCALES,
  type Locale,
  MissingMessageError,
  PAGE_CSS,
  resolveLocale,
  scorePage,
  surveyEmail,
  t,
  UnknownPlaceholderError,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '#templates/index.ts';
import { CATALOGS, tPlural } from '#templates/messages.ts';
import { renderCompiled } from '#templates/render.ts';

const BASE = 'https://survey.example.com';
const HOSTILE = '<script>alert(1)</script> {{token}}';
const CATEGORIES: Category[] = ['detractor', 'passive', 'promoter'];

interface Anchor {
  attrs: string;
  href: string;
  inner: string;
}

const anchors = (html: string): Anchor[] =>
  [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)].map((m) => ({
    attrs: m[1] ?? '',
    href: /href="([^"]*)"/.exec(m[1] ?? '')?.[1] ?? '',
    inner: m[2] ?? '',
  }));

/** A `{param}` the renderer should have filled; SES's `{{x}}` does not count. */
const LEFTOVER_PARAM = /(?<!\{)\{[A-Za-z][A-Za-z0-9_]*\}(?!\})/;

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

/** Renders an SES template part the way the SES v2 emulator (and SES) does: Handlebars, no escaping. */
const sesRender = (source: string, data: Record<string, string>): string =>
  compileTemplate(source, { strict: true })(data);

const expectCleanOutput = (html: string) => {
  expect(html).not.toContain('[[');
  expect(html).not.toMatch(LEFTOVER_PARAM);
};

describe('message catalogs', () => {
  const reference = Object.keys(CATALOGS.en).sort();

  it.each(LOCALES)('%s has exactly the keys every other locale has', (locale) => {
    const keys = Object.keys(CATALOGS[locale]).sort();
    expect(keys.filter((k) => !reference.includes(k))).toEqual([]);
    expect(reference.filter((k) => !keys.includes(k))).toEqual([]);
  });

  it.each(LOCALES)('%s has no empty message, no Handlebars and the same {params} as English', (locale) => {
    for (const [key, text] of Object.entries(CATALOGS[locale])) {
      expect(text.trim(), key).not.toBe('');
      expect(text, key).not.toContain('{{');
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      if (!['page.score.yourScore'].includes(key)) {
        expect(params(text), `${locale} ${key}`).toEqual(params(CATALOGS.en[key] ?? ''));
      }
    }
  });

  it('has a plural form for every category each locale uses', () => {
    for (const locale of LOCALES) {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const key of ['digest.responses', 'digest.quarantined', 'digest.comments.more']) {
        for (const category of categories) expect(CATALOGS[locale][`${key}.${category}`]).toBeDefined();
      }
    }
  });
});

describe('t', () => {
  it('fills {params}', () => {
    expect(t('en', 'survey.nps.question', { product: 'Acme' })).toBe(
      'How likely are you to recommend Acme to a friend or colleague?',
    );
  });

  it('throws a MissingMessageError naming the key and the locale', () => {
    expect(() => t('nl', 'no.such.key')).toThrow(MissingMessageError);
    expect(() => t('nl', 'no.such.key')).toThrow(/no\.such\.key.*"nl"/);
  });

  it('throws when a {param} has no value', () => {
    expect(() => t('de', 'survey.nps.question')).toThrow(/product/);
  });
});

describe('resolveLocale', () => {
  it('takes the first supported candidate, in any case or region form', () => {
    expect(resolveLocale('nl-NL')).toBe('nl');
    expect(resolveLocale('sv_SE')).toBe('sv');
    expect(resolveLocale('DE')).toBe('de');
    expect(resolveLocale(undefined, 'fr-FR', 'de-AT', 'nl')).toBe('de');
  });

  it('falls back to English', () => {
    expect(resolveLocale()).toBe('en');
    expect(resolveLocale('fr', '', undefined)).toBe('en');
  });
});

describe('renderCompiled', () => {
  it('throws on an unknown or malformed placeholder', () => {
    expect(() => renderCompiled('[[var:nope]]', { locale: 'en' })).toThrow(UnknownPlaceholderError);
    expect(() => renderCompiled('[[html:constructor]]', { locale: 'en' })).toThrow(UnknownPlaceholderError);
    expect(() => renderCompiled('[[bogus:x]]', { locale: 'en' })).toThrow(UnknownPlaceholderError);
  });

  it('leaves SES placeholders alone and never re-reads a substituted value', () => {
    expect(renderCompiled('{{token}} [[var:x]]', { locale: 'en', vars: { x: '[[var:y]] {{a}}' } })).toBe(
      '{{token}} [[var:y]] &#123;&#123;a&#125;&#125;',
    );
  });
});

describe.each(LOCALES)('survey email in %s', (locale) => {
  describe.each(SURVEY_KINDS)('%s', (kind) => {
    const email = surveyEmail({ kind, locale, baseUrl: `${BASE}/`, product: 'Acme' });
    const points = scalePoints(kind);

    it(`has one link per score (${points.length}), each with the bare number as its text`, () => {
      const scoreLinks = anchors(email.html).filter((a) => /\/r\/\{\{token\}\}\/\d+$/.test(a.href));
      expect(scoreLinks.map((a) => a.href)).toEqual(points.map((s) => `${BASE}/r/{{token}}/${s}`));
      expect(scoreLinks.map((a) => a.inner)).toEqual(points.map(String));
    });

    it('shows the scale end labels and the question', () => {
      expect(email.html).toContain(escapeHtml(t(locale, `survey.${kind}.scaleMin`)));
      expect(email.html).toContain(escapeHtml(t(locale, `survey.${kind}.scaleMax`)));
      expect(email.html).toContain(escapeHtml(t(locale, `survey.${kind}.question`, { product: 'Acme' })));
    });

    it('hides a silent, unfocusable trap link from people', () => {
      const traps = anchors(email.html).filter((a) => a.href.endsWith('/trap'));
      expect(traps).toHaveLength(1);
      const [trap] = traps;
      expect(trap?.href).toBe(`${BASE}/r/{{token}}/trap`);
      expect(trap?.inner.trim()).toBe('');
      expect(trap?.attrs).toContain('aria-hidden="true"');
      expect(trap?.attrs).toContain('tabindex="-1"');
      expect(trap?.attrs).toMatch(/style="[^"]*display:none/);
      expect(email.text).not.toContain('/trap');
    });

    it('has a visible unsubscribe link', () => {
      const unsubscribe = anchors(email.html).filter((a) => a.href === `${BASE}/u/{{unsubscribeToken}}`);
      expect(unsubscribe).toHaveLength(1);
      expect(unsubscribe[0]?.inner).toBe(escapeHtml(t(locale, 'survey.unsubscribe')));
      expect(unsubscribe[0]?.attrs).not.toContain('display:none');
    });

    it('is in the right language with every placeholder filled', () => {
      expect(email.html).toMatch(new RegExp(`<html lang="${locale}"`));
      expectCleanOutput(email.html);
      expectCleanOutput(email.text);
      expectCleanOutput(email.subject);
      expect(email.subject).toBe(t(locale, `survey.${kind}.subject`, { product: 'Acme' }));
    });

    it('lists the same links in the text part', () => {
      for (const score of points) expect(email.text).toContain(`${score}: ${BASE}/r/{{token}}/${score}\n`);
      expect(email.text).toContain(`${BASE}/u/{{unsubscribeToken}}`);
    });

    it('renders as an SES template, greeting by name only when there is one', () => {
      const data = {
        token: 'TOK123',
        unsubscribeToken: 'UNS456',
        name: 'Ann &amp; Bob',
        plainName: 'Ann & Bob',
      };
      const html = sesRender(email.html, data);
      const text = sesRender(email.text, data);
      expect(html).toContain(`${BASE}/r/TOK123/${points[0]}`);
      expect(html).toContain(`${BASE}/u/UNS456`);
      expect(html).toContain(t(locale, 'survey.greeting.named', { name: 'Ann &amp; Bob' }));
      expect(text).toContain(`${BASE}/r/TOK123/${points.at(-1)}`);
      const anonymous = sesRender(email.html, { ...data, name: '' });
      expect(anonymous).toContain(`>${escapeHtml(t(locale, 'survey.greeting.anonymous'))}</div>`);
      expect(sesRender(email.subject, data)).toBe(email.subject);
    });
  });
});

describe('survey email with a hostile product name', () => {
  const email = surveyEmail({ kind: 'nps', locale: 'en', baseUrl: BASE, product: HOSTILE });
  const data = { token: 'TOK', unsubscribeToken: 'UNS', name: '', plainName: '' };

  it('escapes it in the HTML', () => {
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('cannot inject Handlebars into any part', () => {
    // Only our own links carry {{token}}: 11 score links + the trap in HTML, 11 in the text.
    expect(count(email.html, '{{token}}')).toBe(12);
    expect(count(email.text, '{{token}}')).toBe(11);
    expect(email.subject).not.toContain('{{');
    expect(count(sesRender(email.html, data), 'TOK')).toBe(12);
    expect(count(sesRender(email.text, data), 'TOK')).toBe(11);
    expect(sesRender(email.subject, data)).not.toContain('TOK');
  });

  it('keeps it readable, unescaped, in the subject and text part', () => {
    expect(email.subject).toContain('<script>alert(1)</script>');
    expect(email.text).toContain('<script>alert(1)</script>');
  });
});

const forms = (html: string) => [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];

const expectAccessiblePage = (html: string, locale: Locale) => {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).toContain(`<html lang="${locale}">`);
  expect(count(html, '<h1')).toBe(1);
  expect(html).toContain('<link rel="stylesheet" href="/assets/page.css">');
  // The CSP allows no inline style or script.
  expect(html).not.toMatch(/\sstyle=/);
  expect(html).not.toContain('<style');
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
  for (const m of html.matchAll(/<(textarea|input|select)\b([^>]*)>/g)) {
    if (/type="hidden"/.test(m[2] ?? '')) continue;
    const id = /\bid="([^"]+)"/.exec(m[2] ?? '')?.[1];
    expect(id, m[0]).toBeDefined();
    expect(html, `label for ${id}`).toMatch(new RegExp(`<label\\b[^>]*\\sfor="${id}"`));
  }
  expectCleanOutput(html);
};

describe.each(LOCALES)('pages in %s', (locale) => {
  describe.each(SURVEY_KINDS)('%s score page', (kind: SurveyKind) => {
    it.each(CATEGORIES)('asks the %s follow-up in a form that works with and without JS', (category) => {
      const score = scalePoints(kind).at(category === 'detractor' ? 0 : -1) ?? 0;
      const html = scorePage({
        kind,
        locale,
        score,
        category,
        formAction: '/r/tok/9',
        dwellUrl: '/r/tok/9/dwell',
        dwellSeconds: 5,
      });
      expectAccessiblePage(html, locale);
      // Sorry to a detractor, thanks to a passive, glad to a promoter.
      const titleKey = category === 'passive' ? 'page.score.title' : `page.score.title.${category}`;
      expect(html).toContain(`<h1>${escapeHtml(t(locale, titleKey))}</h1>`);
      const [form, ...others] = forms(html);
      expect(others).toHaveLength(0);
      expect(form?.[1]).toBe(' method="post" action="/r/tok/9"');
      const body = form?.[2] ?? '';
      expect(body).toContain(`name="score" value="${score}" checked>`);
      expect(body).toMatch(/<textarea\b/);
      expect(body).toMatch(/<button type="submit">/);
      for (const m of body.matchAll(/<textarea\b[^>]*>/g)) expect(m[0]).toContain('maxlength="2000"');
      if (kind === 'nps' && category === 'promoter') {
        expect([...body.matchAll(/name="recommendFrequency" value="([^"]+)"/g)].map((m) => m[1])).toEqual([
          '0',
          '1',
          '2-5',
          '6+',
        ]);
        expect(body).toContain('name="referral"');
        expect(body).toMatch(/type="checkbox"[^>]*name="referralConsent" value="yes"/);
        expect(body).toContain(escapeHtml(t(locale, 'page.nps.promoter.frequency')));
      } else {
        expect(body).toContain('name="reason"');
        expect(body).toContain('name="improve"');
        expect(body).toContain(escapeHtml(t(locale, `page.${kind}.${category}.reason`)));
      }
      expect(html).toContain('<script src="/assets/dwell.js" defer></script>');
      expect(html).toContain(
        `<body data-dwell-url="/r/tok/9/dwell" data-dwell-seconds="5" data-dwell-score="${score}">`,
      );
    });
  });

  it('names the product, changes the score in one tap, counts characters, and promises a follow-up only when one comes', () => {
    const options = {
      kind: 'nps' as const,
      locale,
      score: 0,
      category: 'detractor' as const,
      formAction: '/r/tok/0',
      dwellUrl: '/r/tok/0/dwell',
      dwellSeconds: 5,
      product: 'Acme <Cloud>',
    };
    const html = scorePage({ ...options, followUp: true });
    expectAccessiblePage(html, locale);
    expect(html).toContain(
      escapeHtml(
        t(locale, 'page.score.yourScoreFor', { score: 0, min: 0, max: 10, product: 'Acme <Cloud>' }),
      ),
    );
    // The score is a choice in the form (a person changes a mis-tap; a scanner following links changes nothing).
    const choices = [
      ...html.matchAll(/<input type="radio" id="score-(\d+)" name="score" value="\d+"( checked)?>/g),
    ];
    expect(choices.map((m) => Number(m[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(choices.filter((m) => m[2]).map((m) => m[1])).toEqual(['0']);
    expect(html).not.toContain('href="/r/tok/');
    expect(html).toContain(escapeHtml(t(locale, 'page.score.followUp')));
    expect(scorePage({ ...options, followUp: false })).not.toContain(
      escapeHtml(t(locale, 'page.score.followUp')),
    );
    // A counter for every answer box, described by it, with the server's count of what was typed.
    expect(html).toMatch(/<textarea id="reason"[^>]*aria-describedby="reason-counter"/);
    const typed = scorePage({ ...options, typed: { values: { reason: 'a\r\nb' } } });
    expect(typed).toContain(`id="reason-counter"`);
    expect(typed).toContain(
      escapeHtml(
        t(locale, 'page.answer.counter', { count: '3', max: new Intl.NumberFormat(locale).format(2000) }),
      ),
    );
  });

  it('thanks with what happens next and a way to change the answer', () => {
    const html = donePage({
      locale,
      category: 'detractor',
      product: 'Acme',
      followUp: true,
      editUrl: '/r/tok/3',
    });
    expectAccessiblePage(html, locale);
    expect(html).toContain(escapeHtml(t(locale, 'page.done.body.followUp', { product: 'Acme' })));
    expect(html).toContain(`<a href="/r/tok/3">${escapeHtml(t(locale, 'page.done.edit'))}</a>`);
    const promoter = donePage({ locale, category: 'promoter', product: 'Acme', followUp: true });
    expect(promoter).toContain(escapeHtml(t(locale, 'page.done.body.product', { product: 'Acme' })));
    expect(unsubscribedPage({ locale, product: 'Acme' })).toContain(
      escapeHtml(t(locale, 'page.unsubscribed.bodyFor', { product: 'Acme' })),
    );
  });

  it('has done, unsubscribed and every error page', () => {
    expectAccessiblePage(donePage({ locale }), locale);
    expectAccessiblePage(unsubscribedPage({ locale }), locale);
    for (const reason of ERROR_REASONS) {
      const html = errorPage({ locale, reason });
      expectAccessiblePage(html, locale);
      expect(html).toContain(`<h1>${escapeHtml(t(locale, `page.error.${reason}.title`))}</h1>`);
    }
  });

  it('asks before unsubscribing, with the RFC 8058 one-click body', () => {
    const html = unsubscribeConfirmPage({ locale, formAction: '/u/tok' });
    expectAccessiblePage(html, locale);
    const [form] = forms(html);
    expect(form?.[1]).toBe(' method="post" action="/u/tok"');
    expect(form?.[2]).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(form?.[2]).toMatch(/<button type="submit">/);
  });
});

describe('page safety', () => {
  it('escapes every value it puts in a page', () => {
    const html = scorePage({
      kind: 'nps',
      locale: 'en',
      score: 3,
      category: 'detractor',
      formAction: '/r/"><script>alert(1)</script>',
      dwellUrl: '"><script>alert(2)</script>',
      dwellSeconds: 5,
    });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('action="/r/&quot;&gt;&lt;script&gt;');
  });

  it('refuses a score off the scale', () => {
    const o = { kind: 'csat' as const, locale: 'en' as const, category: 'promoter' as const };
    expect(() => scorePage({ ...o, score: 6, formAction: '/', dwellUrl: '/', dwellSeconds: 5 })).toThrow(
      RangeError,
    );
  });

  it('ships a stylesheet with visible focus and a dwell script', () => {
    expect(PAGE_CSS).toContain(':focus-visible');
    expect(DWELL_JS).toContain('visibilityState');
  });
});

describe('dwell.js', () => {
  afterEach(() => vi.useRealTimers());

  const run = (visibility: 'visible' | 'hidden') => {
    vi.useFakeTimers();
    const listeners: (() => void)[] = [];
    const doc = {
      visibilityState: visibility,
      body: { dataset: { dwellUrl: '/r/tok/7/dwell', dwellSeconds: '5', dwellScore: '7' } },
      addEventListener: (_: string, fn: () => void) => listeners.push(fn),
      removeEventListener: () => {},
      // The character counter's part of the script finds no answer boxes here.
      documentElement: { lang: 'en' },
      querySelectorAll: () => [],
    };
    const fetch = vi.fn(() => Promise.resolve());
    new Function('document', 'performance', 'fetch', DWELL_JS)(doc, { now: () => Date.now() }, fetch);
    const setVisibility = (state: 'visible' | 'hidden') => {
      doc.visibilityState = state;
      for (const fn of listeners) fn();
    };
    return { fetch, setVisibility };
  };

  it('posts the score once after five visible seconds', () => {
    const { fetch } = run('visible');
    vi.advanceTimersByTime(4900);
    expect(fetch).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    vi.advanceTimersByTime(60_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(
      '/r/tok/7/dwell',
      expect.objectContaining({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'score=7',
      }),
    );
  });

  it('counts only the time the page is visible', () => {
    const { fetch, setVisibility } = run('hidden');
    vi.advanceTimersByTime(60_000);
    expect(fetch).not.toHaveBeenCalled();
    setVisibility('visible');
    vi.advanceTimersByTime(3000);
    setVisibility('hidden');
    vi.advanceTimersByTime(60_000);
    expect(fetch).not.toHaveBeenCalled();
    setVisibility('visible');
    vi.advanceTimersByTime(2100);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('number formatting', () => {
  it('shows NPS as a signed whole number', () => {
    expect(formatSigned(24)).toBe('+24');
    expect(formatSigned(-8)).toBe('-8');
    expect(formatSigned(0)).toBe('0');
    expect(formatSigned(-0.4)).toBe('0');
    expect(formatSigned(7.5)).toBe('+8');
    expect(formatSigned(-7.5)).toBe('-8');
  });

  it('shows the margin of error as ±n', () => {
    expect(formatMargin(7.2)).toBe('±7');
  });
});

const longComment = `${'x'.repeat(600)}`;

const view = (locale: Locale, overrides: Partial<DigestView> = {}): DigestView => ({
  locale,
  title: 'Acme <b>Corp</b> {{token}}',
  periodStart: '2026-11-16',
  periodEnd: '2026-11-23',
  responses: 44,
  nps: 23.6,
  marginOfError: 7.2,
  change: { delta: -5, significant: true },
  histogram: [1, 0, 2, 3, 1, 2, 3, 5, 6, 12, 9],
  responseRate: 0.314,
  segments: [
    { column: 'plan', value: 'Pro', responses: 30, nps: 30 },
    { column: 'plan', value: '<i>Free</i>', responses: 3, nps: null },
  ],
  minSegmentResponses: 10,
  detractorComments: [
    { score: 2, text: '<script>alert(1)</script>' },
    { score: 4, text: longComment },
  ],
  promoterReferrals: [{ score: 10, text: 'My colleague Sam & <b>team</b>' }],
  quarantined: 3,
  otherSurveys: [
    { kind: 'csat', responses: 120, value: 0.875, margin: 5.9, change: { delta: 4, significant: false } },
    { kind: 'ces', responses: 80, value: 2.44, margin: 0.27, change: { delta: -0.35, significant: true } },
  ],
  ...overrides,
});

describe.each(LOCALES)('digest in %s', (locale) => {
  const digest = digestEmail(view(locale));

  it('adds CSAT and CES of the period: figure, margin, n and change, in the locale’s number style', () => {
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(
      0.875,
    );
    const decimal = (x: number, sign = false) =>
      new Intl.NumberFormat(locale, {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
        ...(sign ? { signDisplay: 'exceptZero' as const } : {}),
      }).format(x);
    const csat = t(locale, 'digest.csat.summary', { share: percent });
    const ces = t(locale, 'digest.ces.summary', { mean: decimal(2.44) });
    const cesChange = t(locale, 'digest.change', {
      delta: decimal(-0.35, true),
      significance: t(locale, 'digest.change.significant'),
    });
    for (const part of [digest.html, digest.text]) {
      const text = part === digest.html ? escapeHtml : (x: string) => x;
      expect(part).toContain(text(t(locale, 'digest.otherSurveys')));
      expect(part).toContain(text(csat));
      expect(part).toContain(text(t(locale, 'digest.marginOfError', { margin: '±6' })));
      expect(part).toContain(text(ces));
      expect(part).toContain(text(t(locale, 'digest.marginOfError', { margin: `±${decimal(0.27)}` })));
      expect(part).toContain(text(cesChange));
    }
    const without = digestEmail(view(locale, { otherSurveys: [] }));
    expect(without.html).not.toContain(escapeHtml(t(locale, 'digest.otherSurveys')));
  });

  it('shows the signed NPS, its margin, the change and whether it is significant', () => {
    expect(digest.html).toContain('>+24</p>');
    expect(digest.html).toContain('±7');
    expect(digest.html).toContain(
      escapeHtml(
        t(locale, 'digest.change', { delta: '-5', significance: t(locale, 'digest.change.significant') }),
      ),
    );
    expect(digest.subject).toContain('+24');
    expect(digest.text).toContain('+24');
  });

  it('draws the 0–10 distribution as coloured table cells with counts, no images', () => {
    expect(digest.html).toContain(escapeHtml(t(locale, 'digest.distribution')));
    for (const colour of ['#b91c1c', '#6b7280', '#15803d'])
      expect(digest.html).toContain(`background-color:${colour}`);
    // 12 is the largest count, so score 9 gets the full-width bar and shows its count.
    expect(digest.html).toMatch(/width:100%;height:16px;background-color:#15803d/);
    expect(digest.html).toMatch(/text-align:right;">12<\/td>/);
    expect(digest.html).not.toMatch(/<img|<svg/);
  });

  it('hides small segments with a note and shows the others', () => {
    expect(digest.html).toContain(`>${escapeHtml(t(locale, 'digest.segments.hidden'))}</span>`);
    expect(digest.html).toContain(escapeHtml(t(locale, 'digest.segments.note', { min: 10 })));
    expect(digest.html).toContain('&lt;i&gt;Free&lt;/i&gt;');
  });

  it('escapes and truncates comments', () => {
    expect(digest.html).not.toContain('<script>');
    expect(digest.html).not.toContain('<b>');
    expect(digest.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(digest.html).toContain(`${'x'.repeat(500)}…`);
    expect(digest.html).not.toContain('x'.repeat(501));
    expect(digest.html).toContain('Sam &amp; &lt;b&gt;team&lt;/b&gt;');
    expect(digest.html).not.toContain('{{token}}');
  });

  it('reports quarantined clicks', () => {
    expect(digest.html).toContain(escapeHtml(t(locale, 'digest.quarantined.other', { count: 3 })));
  });

  it('is in the right language with every placeholder filled', () => {
    expect(digest.html).toContain(`<html lang="${locale}"`);
    expectCleanOutput(digest.html);
    expectCleanOutput(digest.text);
  });

  it('says clearly when nobody answered instead of showing 0', () => {
    const empty = digestEmail(
      view(locale, {
        responses: 0,
        nps: null,
        marginOfError: null,
        change: null,
        histogram: Array(11).fill(0),
        segments: [],
        detractorComments: [],
        promoterReferrals: [],
        quarantined: 0,
      }),
    );
    expect(empty.html).toContain(escapeHtml(t(locale, 'digest.noResponses')));
    expect(empty.text).toContain(t(locale, 'digest.noResponses'));
    expect(empty.html).not.toContain(escapeHtml(t(locale, 'digest.npsLabel')));
    expect(empty.html).not.toContain(escapeHtml(t(locale, 'digest.distribution')));
    expect(empty.subject).toBe(
      t(locale, 'digest.subjectEmpty', {
        title: 'Acme <b>Corp</b> {\u200B{\u200Btoken}}',
        period: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(
          new Date('2026-11-16T00:00:00Z'),
          new Date('2026-11-22T00:00:00Z'),
        ),
      }),
    );
    expectCleanOutput(empty.html);
  });
});

describe('CES in the digest', () => {
  // The survey's 7 is "very easy": a higher mean is the better result, in every language.
  it.each([
    ['en', 'higher is easier'],
    ['nl', 'hoger is makkelijker'],
    ['sv', 'högre är enklare'],
    ['de', 'höher ist einfacher'],
  ] as const)('says in %s that a higher mean is easier', (locale, words) => {
    expect(t(locale, 'digest.ces.summary', { mean: '5,1' })).toContain(words);
    expect(t(locale, 'survey.ces.scaleMax')).not.toBe(t(locale, 'survey.ces.scaleMin'));
  });
});

describe('the digest’s segments', () => {
  const segments = [
    { column: 'plan', value: 'Pro', responses: 40, nps: 30 },
    { column: 'plan', value: 'Free', responses: 3, nps: null },
    { column: 'plan', value: 'Trial', responses: 2, nps: null },
    { column: 'plan', value: 'Legacy', responses: 0, nps: null },
    { column: 'region', value: 'EU', responses: 45, nps: 20 },
    { column: 'region', value: 'US', responses: 4, nps: null },
  ];

  it('shows each value with an NPS, folds those with too few into one line per column, and drops empty ones', () => {
    expect(segmentRows(segments)).toEqual([
      { column: 'plan', value: 'Pro', responses: 40, nps: 30 },
      { column: 'plan', value: '', responses: 5, nps: null, collapsed: 2 },
      { column: 'region', value: 'EU', responses: 45, nps: 20 },
      { column: 'region', value: 'US', responses: 4, nps: null },
    ]);
  });

  it.each(LOCALES)(
    'is a data table with column and group headers, and says how many were folded, in %s',
    (locale) => {
      const view = (segs: typeof segments) =>
        digestEmail({
          locale,
          title: 'Acme',
          periodStart: '2026-11-16',
          periodEnd: '2026-11-23',
          responses: 94,
          nps: 25,
          marginOfError: 9,
          change: null,
          histogram: [1, 1, 1, 1, 1, 1, 1, 20, 20, 20, 27],
          responseRate: 0.3,
          segments: segs,
          minSegmentResponses: 30,
          detractorComments: [],
          promoterReferrals: [],
          quarantined: 0,
          otherSurveys: [],
        });
      const { html, text } = view(segments);
      const table = html.slice(html.indexOf(escapeHtml(t(locale, 'digest.segments'))));
      const segmentsTable = table.slice(table.indexOf('<table'), table.indexOf('</table>'));
      expect(segmentsTable).not.toContain('role="presentation"');
      expect(segmentsTable).toContain('<th scope="col"');
      expect(segmentsTable).toContain('<th scope="rowgroup"');
      const folded = tPlural(locale, 'digest.segments.fewer', 2);
      expect(html).toContain(escapeHtml(folded));
      expect(text).toContain(folded);
      for (const gone of ['Free', 'Trial', 'Legacy']) {
        expect(html).not.toContain(`>${gone}<`);
        expect(text).not.toContain(`= ${gone}:`);
      }
      expect(text).toContain('= US:');
    },
  );
});
