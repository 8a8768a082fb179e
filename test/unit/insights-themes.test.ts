/**
 * Themes of comments in en, nl, sv and de: matched by Snowball stem, compound part and phrase after
 * normalisation; user themes extend or replace the built-in ones; a themes file with a wrong shape is named;
 * the report's shares per category and change; emerging terms beyond the themes.
 */
import { describe, expect, it } from 'vitest';
import { emergingTerms } from '#shared/insights/themes/emerging.ts';
import { buildLexicon, validateThemesConfig } from '#shared/insights/themes/lexicon.ts';
import { themesOf } from '#shared/insights/themes/match.ts';
import { themesReport } from '#shared/insights/themes/report.ts';
import { detectLanguage, fold, wordsOf } from '#shared/insights/themes/text.ts';

const lexicon = buildLexicon();
const themes = (text: string, hint?: 'en' | 'nl' | 'sv' | 'de') => themesOf(lexicon, text, hint).themes;

describe('matching', () => {
  it('puts "too expensive" in every language in price', () => {
    expect(themes('Honestly far too expensive for us')).toEqual(['price']);
    expect(themes('Eerlijk gezegd veel te duur voor ons')).toEqual(['price']);
    expect(themes('Ärligt talat alldeles för dyrt för oss')).toEqual(['price']);
    expect(themes('Ehrlich gesagt viel zu teuer für uns')).toEqual(['price']);
  });

  it('matches inflected forms through the stemmer and compounds through their parts', () => {
    expect(themes('The invoices were wrong and so were the charges')).toEqual(['billing']);
    expect(themes('De klantenservice was geweldig')).toEqual(['support']); // *service
    expect(themes('Die Preiserhöhung kam ohne Vorwarnung')).toEqual(['price']); // *preis*
    expect(themes('Inloggningsbuggen är tillbaka')).toEqual(['reliability']); // *bugg*
  });

  // Each comment's only theme word is an inflection of a plain keyword (no wildcard): unstemmed, it is none.
  it.each([
    ['en', 'Nobody answered my emails', 'answered', 'answer'],
    ['nl', 'Nooit antwoorden gekregen op mijn mails', 'antwoorden', 'antwoord'],
    ['sv', 'Ingen svarade på mina mejl', 'svarade', 'svar'],
    ['de', 'Von den Mitarbeitern kam nie etwas zurück', 'Mitarbeitern', 'mitarbeiter'],
  ] as const)(
    'stems comments in their language (%s): "%s" is about support through "%s" → "%s"',
    (language, text, word, keyword) => {
      expect(fold(word)).not.toBe(keyword);
      expect(themesOf(lexicon, text)).toEqual({ language, themes: ['support'] });
    },
  );

  it('does not take "doesn’t support SSO" for a word about the support team', () => {
    expect(themes('Your product doesn’t support SSO yet')).toEqual(['features']);
    expect(themes('The support team solved it the same day')).toEqual(['support']);
  });

  it('finds several themes in one comment and none in a plain compliment', () => {
    expect(themes('Expensive, slow and buggy.')).toEqual(['price', 'speed', 'reliability']);
    expect(themes('Thanks, keep going!')).toEqual([]);
  });

  it('tells the language from the words, the locale only breaking ties', () => {
    expect(detectLanguage(wordsOf('het is veel te duur en de app is traag'))).toBe('nl');
    expect(detectLanguage(wordsOf('det är för dyrt och appen är seg'))).toBe('sv');
    expect(detectLanguage(wordsOf('Günstiger als die Konkurrenz'))).toBe('de'); // ü is German
    expect(detectLanguage(wordsOf('Top!'), 'sv')).toBe('sv');
    expect(fold('Übersicht straße Ångström')).toBe('ubersicht strasse angstrom');
  });
});

describe('user themes', () => {
  it('adds a theme of its own and extends or replaces a built-in one', () => {
    const custom = buildLexicon({
      themes: {
        export: { label: 'Export', keywords: ['export*', 'csv'] },
        price: { label: 'Pricing', keywords: { en: ['quote'] } },
        speed: { label: 'Sync speed', keywords: ['sync*'], replace: true },
      },
    });
    expect(custom.themes.at(-1)).toBe('export');
    expect(themesOf(custom, 'The CSV export drops columns').themes).toEqual(['export']);
    expect(themesOf(custom, 'The quote was a surprise').themes).toEqual(['price']);
    expect(themesOf(custom, 'far too expensive').themes).toEqual(['price']); // built-in keywords kept
    expect(themesOf(custom, 'It is so slow').themes).toEqual([]); // replaced: "slow" no longer speed
    expect(themesOf(custom, 'Syncing takes ages').themes).toContain('speed');
    expect(custom.labels.price).toEqual({ en: 'Pricing', nl: 'Pricing', sv: 'Pricing', de: 'Pricing' });
    expect(custom.labels.support?.nl).toBe('Klantenservice');
  });

  it('names what is wrong in a themes file', () => {
    expect(() => validateThemesConfig({ themes: [] })).toThrow(/expected \{ "themes"/);
    expect(() => validateThemesConfig({ themes: { 'Bad Id': { label: 'x', keywords: ['a'] } } })).toThrow(
      /"Bad Id"/,
    );
    expect(() => validateThemesConfig({ themes: { ok: { label: 'x', keywords: [1] } } })).toThrow(/keywords/);
    expect(() => validateThemesConfig({ themes: { ok: { keywords: ['a'] } } })).toThrow(/label/);
  });
});

describe('themesReport', () => {
  const current = [
    { text: 'Way too expensive', category: 'detractor' as const },
    { text: 'Price is fine but support is slow to reply', category: 'passive' as const },
    { text: 'Too pricey for us', category: 'detractor' as const },
    { text: 'Support is great', category: 'promoter' as const },
  ];
  const previous = [
    { text: 'Too expensive', category: 'detractor' as const },
    { text: 'Crashes a lot', category: 'detractor' as const },
    { text: 'Crashed again today', category: 'detractor' as const },
    { text: 'Love it', category: 'promoter' as const },
  ];

  it('counts each theme with its share per category and its change', () => {
    const report = themesReport(lexicon, current, previous, { minComments: 30 });
    const price = report.themes.find((t) => t.id === 'price');
    // 3 of 4 comments now (both detractors, the passive), 1 of 4 before: +50 points.
    expect(price).toMatchObject({
      count: 3,
      share: 0.75,
      byCategory: {
        detractor: { count: 2, comments: 2, share: 1 },
        passive: { count: 1, comments: 1, share: 1 },
        promoter: { count: 0, comments: 1, share: 0 },
      },
      previous: { count: 1, share: 0.25 },
      change: { delta: 50, significant: false }, // 4 comments each: below the minimum, never significant
      examples: ['Way too expensive', 'Too pricey for us', 'Price is fine but support is slow to reply'],
    });
    expect(price?.labels.de).toBe('Preis');
    // Reliability only before: listed with a count of 0 now so its fall shows.
    expect(report.themes.find((t) => t.id === 'reliability')).toMatchObject({
      count: 0,
      previous: { count: 2 },
    });
    expect(report.themes[0]?.id).toBe('price'); // most comments first
    expect([report.comments, report.previousComments]).toEqual([4, 4]);
  });

  it('judges a theme’s change from exactly the minimum number of comments on, now and before', () => {
    // Every comment about price now, none before: +100 points with no variance, significant whenever judged.
    const comments = (text: string, n: number) =>
      Array.from({ length: n }, () => ({ text, category: 'detractor' as const }));
    const significant = (now: number, before: number) =>
      themesReport(lexicon, comments('Too expensive', now), comments('Love it', before), {
        minComments: 4,
      }).themes.find((t) => t.id === 'price')?.change?.significant;
    expect([significant(3, 4), significant(4, 4), significant(5, 4)]).toEqual([false, true, true]);
    expect([significant(4, 3), significant(4, 4), significant(4, 5)]).toEqual([false, true, true]);
  });
});

describe('emergingTerms', () => {
  it('lists words beyond the themes that rose most, counted once per comment', () => {
    const now = [
      'The new calendar view hides weekends',
      'calendar view calendar view!',
      'Calendar sync with Outlook drops events',
      'Too expensive',
      'Outlook invites go missing',
    ].map((text) => ({ text, language: 'en' as const }));
    const before = ['The calendar is fine', 'Too expensive', 'Nice'].map((text) => ({
      text,
      language: 'en' as const,
    }));
    const terms = emergingTerms(lexicon, now, before, { minCount: 2 });
    // calendar: 3 of 5 now (smoothed (3 + ½)/6) against 1 of 3 before ((1 + ½)/4): rise 1.6.
    // view: 2 of 5 against 0 of 3: (2.5/6)/(0.5/4) = 3.3. outlook: the same 3.3.
    expect(terms.map((t) => [t.term, t.count, t.previousCount, t.rise])).toEqual([
      ['outlook', 2, 0, 3.3],
      ['view', 2, 0, 3.3],
      ['calendar', 3, 1, 1.6],
    ]);
    // "expensive" is price's word, never an emerging term; "the" is a function word.
    expect(terms.map((t) => t.term)).not.toContain('expensive');
  });
});
