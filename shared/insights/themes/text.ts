/**
 * Comment text as the theme matcher sees it: words in reading order, each with its folded form (lower case,
 * no accents, ß → ss) and its Snowball stem in the comment's language, plus a guess of that language. Pure.
 */
import snowball from 'snowball-stemmers';
import { STOPWORDS } from './stopwords.ts';

export const THEME_LANGUAGES = ['en', 'nl', 'sv', 'de'] as const;
export type ThemeLanguage = (typeof THEME_LANGUAGES)[number];

const ALGORITHM: Readonly<Record<ThemeLanguage, string>> = {
  en: 'english',
  nl: 'dutch',
  sv: 'swedish',
  de: 'german',
};

const stemmers = new Map<ThemeLanguage, { stem(word: string): string }>();
/** Stems already computed, per language; words repeat a lot across comments. Bounded. */
const stemCache = new Map<string, string>();
const MAX_CACHED = 50_000;

/** Lower case without accents; ß → ss. The stemmers see the accented word, comparisons the folded one. */
export const fold = (word: string): string =>
  word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase();

/** The folded Snowball stem of a lower-cased word. */
export const stemOf = (language: ThemeLanguage, lower: string): string => {
  const key = `${language}:${lower}`;
  const cached = stemCache.get(key);
  if (cached !== undefined) return cached;
  let stemmer = stemmers.get(language);
  if (!stemmer) {
    stemmer = snowball.newStemmer(ALGORITHM[language]);
    stemmers.set(language, stemmer);
  }
  const stem = fold(stemmer.stem(lower));
  if (stemCache.size >= MAX_CACHED) stemCache.clear();
  stemCache.set(key, stem);
  return stem;
};

/** Letters and digits, with an inner apostrophe kept (`doesn't`, `foto's`); hyphens split compounds' parts. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** The lower-cased words of a text, in order. */
export const wordsOf = (text: string): string[] =>
  [...text.normalize('NFC').toLowerCase().matchAll(WORD)].map((m) => m[0].replace(/’/g, "'"));

export interface Token {
  /** Folded surface form. */
  raw: string;
  /** Folded stem in the comment's language. */
  stem: string;
}

export const tokensOf = (language: ThemeLanguage, words: readonly string[]): Token[] =>
  words.map((word) => ({ raw: fold(word), stem: stemOf(language, word) }));

/** Letters only the language writes (å is Swedish, ß and ü German, ij mostly Dutch). */
const HINTS: Readonly<Record<ThemeLanguage, RegExp>> = {
  en: /(?!)/,
  nl: /ij/,
  sv: /å/,
  de: /[ßü]/,
};

/**
 * The language of a comment: the one whose function words it uses most (a letter only one language writes
 * counts as one more); the hint (the respondent's locale) breaks ties and decides when nothing else does.
 */
export const detectLanguage = (words: readonly string[], hint?: ThemeLanguage): ThemeLanguage => {
  let best: ThemeLanguage = hint ?? 'en';
  let bestScore = 0;
  for (const language of THEME_LANGUAGES) {
    const stop = STOPWORDS[language];
    let score = 0;
    for (const word of words) {
      if (stop.has(word)) score++;
      if (HINTS[language].test(word)) score++;
    }
    if (score > bestScore || (score === bestScore && score > 0 && language === hint)) {
      best = language;
      bestScore = score;
    }
  }
  return best;
};
