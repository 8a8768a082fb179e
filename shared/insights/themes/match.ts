/**
 * Which themes a comment is about: its words are stemmed in its language (guessed from the words, the
 * respondent's locale breaking ties) and matched against that language's lexicon. Pure.
 */
import type { Lexicon } from './lexicon.ts';
import { matchesAt } from './lexicon.ts';
import { detectLanguage, type ThemeLanguage, type Token, tokensOf, wordsOf } from './text.ts';

export interface CommentThemes {
  language: ThemeLanguage;
  /** Theme ids in the lexicon's order. */
  themes: string[];
}

export const themesOf = (lexicon: Lexicon, text: string, hint?: ThemeLanguage): CommentThemes => {
  const words = wordsOf(text);
  const language = detectLanguage(words, hint);
  const tokens: Token[] = tokensOf(language, words);
  const themes: string[] = [];
  for (const theme of lexicon.byLanguage[language]) {
    const excluded = new Set<number>();
    for (const keyword of theme.exclude)
      for (const at of matchesAt(keyword, tokens))
        for (let k = 0; k < keyword.length; k++) excluded.add(at + k);
    const found = theme.keywords.some((keyword) =>
      matchesAt(keyword, tokens).some((at) => !keyword.some((_, k) => excluded.has(at + k))),
    );
    if (found) themes.push(theme.id);
  }
  return { language, themes };
};
