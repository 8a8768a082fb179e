/**
 * Emerging terms: words beyond the themes whose share of comments rose most against the previous period.
 * Counted per comment (a word said five times in one comment counts once), by stem in the comment's
 * language, shown as the form people wrote most. Pure.
 */
import type { Lexicon } from './lexicon.ts';
import { matchesAt } from './lexicon.ts';
import { STOPWORDS } from './stopwords.ts';
import { detectLanguage, type ThemeLanguage, tokensOf, wordsOf } from './text.ts';

export interface EmergingTerm {
  term: string;
  /** Comments of this period that use it, and of the previous one. */
  count: number;
  previousCount: number;
  /** Share this period ÷ share before, each smoothed by ½ so a new word has a finite rise. */
  rise: number;
}

export interface CommentText {
  text: string;
  language?: ThemeLanguage;
}

const MIN_LENGTH = 3;

/** Per stem: in how many comments it appears, and its surface forms; words a theme already covers are left out. */
const documentFrequency = (lexicon: Lexicon, comments: readonly CommentText[]) => {
  const df = new Map<string, { count: number; forms: Map<string, number> }>();
  for (const comment of comments) {
    const words = wordsOf(comment.text);
    const language = detectLanguage(words, comment.language);
    const tokens = tokensOf(language, words);
    const covered = new Set<number>();
    for (const theme of lexicon.byLanguage[language])
      for (const keyword of theme.keywords)
        for (const at of matchesAt(keyword, tokens))
          for (let k = 0; k < keyword.length; k++) covered.add(at + k);
    const seen = new Set<string>();
    tokens.forEach((token, i) => {
      const word = words[i] as string;
      if (covered.has(i) || word.length < MIN_LENGTH || /^\d+$/.test(word) || STOPWORDS[language].has(word))
        return;
      const key = `${language}:${token.stem}`;
      const entry = df.get(key) ?? { count: 0, forms: new Map<string, number>() };
      if (!seen.has(key)) entry.count++;
      seen.add(key);
      entry.forms.set(word, (entry.forms.get(word) ?? 0) + 1);
      df.set(key, entry);
    });
  }
  return df;
};

/** The terms with the largest rise, used in at least `minCount` comments this period. */
export const emergingTerms = (
  lexicon: Lexicon,
  current: readonly CommentText[],
  previous: readonly CommentText[],
  options: { limit?: number; minCount?: number } = {},
): EmergingTerm[] => {
  const now = documentFrequency(lexicon, current);
  const before = documentFrequency(lexicon, previous);
  const minCount = options.minCount ?? 3;
  const terms: EmergingTerm[] = [];
  for (const [key, entry] of now) {
    if (entry.count < minCount) continue;
    const previousCount = before.get(key)?.count ?? 0;
    const rise = (entry.count + 0.5) / (current.length + 1) / ((previousCount + 0.5) / (previous.length + 1));
    if (rise <= 1) continue;
    const term = [...entry.forms].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? key;
    terms.push({ term, count: entry.count, previousCount, rise: Math.round(rise * 10) / 10 });
  }
  return terms
    .sort((a, b) => b.rise - a.rise || b.count - a.count || a.term.localeCompare(b.term))
    .slice(0, options.limit ?? 10);
};
