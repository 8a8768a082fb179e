/**
 * `nps report --themes`: per theme, how many of the period's comments are about it, its share among
 * detractors, passives and promoters, the change of its share against the previous period (two-sample
 * z-test, judged only with the minimum number of comments in both), example comments, and the emerging terms
 * beyond the themes. Pure; `comments.ts` reads the comments.
 */
import type { Category } from '#shared/core/survey.ts';
import { type EmergingTerm, emergingTerms } from './emerging.ts';
import type { Lexicon } from './lexicon.ts';
import { themesOf } from './match.ts';
import type { ThemeLanguage } from './text.ts';

const Z95 = 1.959964;
const MAX_EXAMPLES = 3;
const CATEGORIES: readonly Category[] = ['detractor', 'passive', 'promoter'];

export interface ThemedComment {
  text: string;
  category: Category;
  language?: ThemeLanguage;
}

export interface ThemeFigures {
  id: string;
  /** The theme's label in each language. */
  labels: Readonly<Record<ThemeLanguage, string>>;
  count: number;
  /** Of this period's comments, 0…1. */
  share: number;
  byCategory: Record<Category, { count: number; comments: number; share: number | null }>;
  previous: { count: number; share: number | null };
  /** The change of the share in percentage points, and whether it is significant. */
  change: { delta: number; significant: boolean } | null;
  /** Detractors' comments first, then passives', then promoters'; newest first within each. */
  examples: string[];
}

export interface ThemesReport {
  comments: number;
  previousComments: number;
  themes: ThemeFigures[];
  emerging: EmergingTerm[];
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The change of a share between periods in points; null without comments in either. */
const shareChange = (
  count: number,
  n: number,
  previousCount: number,
  previousN: number,
  minComments: number,
): { delta: number; significant: boolean } | null => {
  if (n === 0 || previousN === 0) return null;
  const p = count / n;
  const q = previousCount / previousN;
  const delta = 100 * (p - q);
  const se = 100 * Math.sqrt((p * (1 - p)) / n + (q * (1 - q)) / previousN);
  const z = se === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(delta / se);
  return { delta: round1(delta), significant: n >= minComments && previousN >= minComments && z > Z95 };
};

/** Comments are taken newest first; the report keeps that order for the examples. */
export const themesReport = (
  lexicon: Lexicon,
  current: readonly ThemedComment[],
  previous: readonly ThemedComment[],
  options: { minComments: number; emerging?: number },
): ThemesReport => {
  const tag = (comments: readonly ThemedComment[]) =>
    comments.map((c) => ({ ...c, themes: new Set(themesOf(lexicon, c.text, c.language).themes) }));
  const now = tag(current);
  const before = tag(previous);
  const perCategory = Object.fromEntries(
    CATEGORIES.map((c) => [c, now.filter((x) => x.category === c).length]),
  ) as Record<Category, number>;
  const themes = lexicon.themes
    .map((id): ThemeFigures => {
      const mine = now.filter((c) => c.themes.has(id));
      const earlier = before.filter((c) => c.themes.has(id)).length;
      const byCategory = Object.fromEntries(
        CATEGORIES.map((category) => {
          const count = mine.filter((c) => c.category === category).length;
          const comments = perCategory[category];
          return [category, { count, comments, share: comments ? round4(count / comments) : null }];
        }),
      ) as ThemeFigures['byCategory'];
      return {
        id,
        labels: lexicon.labels[id] as Readonly<Record<ThemeLanguage, string>>,
        count: mine.length,
        share: now.length ? round4(mine.length / now.length) : 0,
        byCategory,
        previous: { count: earlier, share: before.length ? round4(earlier / before.length) : null },
        change: shareChange(mine.length, now.length, earlier, before.length, options.minComments),
        examples: CATEGORIES.flatMap((category) => mine.filter((c) => c.category === category))
          .slice(0, MAX_EXAMPLES)
          .map((c) => c.text),
      };
    })
    .filter((t) => t.count > 0 || t.previous.count > 0)
    .sort((a, b) => b.count - a.count || b.previous.count - a.previous.count);
  return {
    comments: now.length,
    previousComments: before.length,
    themes,
    emerging: emergingTerms(lexicon, current, previous, { limit: options.emerging ?? 10 }),
  };
};
