/**
 * Theme lexicons: the built-in ones per language (./lexicons/<lang>.json) and the user's own
 * (config/themes.json, docs/insights.md), compiled once into per-language matchers.
 *
 * A keyword is one or more words, matched against consecutive words of a comment:
 *   word    the word's Snowball stem in that language (`expensive` also finds "expensively")
 *   word*   a folded word that starts with it (`prijs*` finds "prijsverhoging")
 *   *word   one that ends with it (compounds: `*service` finds "klantenservice")
 *   *word*  one that contains it;  =word  exactly that folded word
 * `exclude` keywords mark words that must not count for that theme ("doesn't support SSO" is no support).
 */

import { ConfigError } from '#shared/core/errors.ts';
import userConfig from '../../../config/themes.json' with { type: 'json' };
import de from './lexicons/de.json' with { type: 'json' };
import en from './lexicons/en.json' with { type: 'json' };
import nl from './lexicons/nl.json' with { type: 'json' };
import sv from './lexicons/sv.json' with { type: 'json' };
import { fold, stemOf, THEME_LANGUAGES, type ThemeLanguage, type Token, wordsOf } from './text.ts';

/** The built-in themes, in the order reports list them. */
export const BUILT_IN_THEMES = [
  'price',
  'billing',
  'support',
  'speed',
  'reliability',
  'ease_of_use',
  'features',
  'onboarding',
] as const;

interface LexiconEntry {
  label: string;
  keywords: readonly string[];
  exclude?: readonly string[];
}
type LanguageLexicon = Readonly<Record<string, LexiconEntry>>;

const BUILT_IN: Readonly<Record<ThemeLanguage, LanguageLexicon>> = { en, nl, sv, de };

/** A user theme: keywords for every language, or per language; `replace` drops a built-in's own keywords. */
export interface UserTheme {
  label: string;
  keywords: readonly string[] | Partial<Record<ThemeLanguage, readonly string[]>>;
  exclude?: readonly string[];
  replace?: boolean;
}
export interface ThemesConfig {
  themes: Readonly<Record<string, UserTheme>>;
}

type Part =
  | { kind: 'stem'; value: string }
  | { kind: 'prefix' | 'suffix' | 'contains' | 'exact'; value: string };

export interface CompiledTheme {
  id: string;
  keywords: Part[][];
  exclude: Part[][];
}

export interface Lexicon {
  /** Theme ids, built-in ones first. */
  themes: string[];
  /** The label of each theme in each language (user themes have one label for all). */
  labels: Readonly<Record<string, Readonly<Record<ThemeLanguage, string>>>>;
  byLanguage: Readonly<Record<ThemeLanguage, CompiledTheme[]>>;
}

const THEME_ID = /^[a-z][a-z0-9_]{0,39}$/;

/** Compiles one keyword into the parts a comment's consecutive words must match. */
export const compileKeyword = (language: ThemeLanguage, keyword: string): Part[] =>
  keyword
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((piece): Part[] => {
      const exact = piece.startsWith('=');
      const body = exact ? piece.slice(1) : piece;
      const head = body.startsWith('*');
      const tail = body.endsWith('*') && body.length > 1;
      const words = wordsOf(body.replace(/^\*|\*$/g, ''));
      return words.map((word, i): Part => {
        const value = fold(word);
        const first = i === 0;
        const last = i === words.length - 1;
        if (exact) return { kind: 'exact', value };
        if (head && first && tail && last) return { kind: 'contains', value };
        if (head && first) return { kind: 'suffix', value };
        if (tail && last) return { kind: 'prefix', value };
        return { kind: 'stem', value: stemOf(language, word) };
      });
    });

const partMatches = (part: Part, token: Token): boolean => {
  switch (part.kind) {
    case 'stem':
      return token.stem === part.value;
    case 'prefix':
      return token.raw.startsWith(part.value);
    case 'suffix':
      return token.raw.endsWith(part.value);
    case 'contains':
      return token.raw.includes(part.value);
    case 'exact':
      return token.raw === part.value;
  }
};

/** Where a keyword matches in the tokens: the index of each match's first word. */
export const matchesAt = (keyword: readonly Part[], tokens: readonly Token[]): number[] => {
  const found: number[] = [];
  for (let i = 0; i + keyword.length <= tokens.length; i++) {
    if (keyword.every((part, k) => partMatches(part, tokens[i + k] as Token))) found.push(i);
  }
  return found;
};

const keywordsFor = (theme: UserTheme, language: ThemeLanguage): readonly string[] =>
  Array.isArray(theme.keywords)
    ? (theme.keywords as readonly string[])
    : ((theme.keywords as Partial<Record<ThemeLanguage, readonly string[]>>)[language] ?? []);

/** Checks a themes file's shape, naming what is wrong. */
export const validateThemesConfig = (config: unknown, source = 'config/themes.json'): ThemesConfig => {
  const themes = (config as { themes?: unknown } | null)?.themes;
  if (typeof themes !== 'object' || themes === null || Array.isArray(themes))
    throw new ConfigError(`${source}: expected { "themes": { "<id>": { "label", "keywords" } } }`);
  for (const [id, theme] of Object.entries(themes as Record<string, unknown>)) {
    const t = theme as Partial<UserTheme> | null;
    if (!THEME_ID.test(id))
      throw new ConfigError(`${source}: theme id "${id}" must be lower-case letters, digits or _`);
    if (typeof t?.label !== 'string' || !t.label.trim())
      throw new ConfigError(`${source}: theme "${id}" needs a label`);
    const lists = Array.isArray(t.keywords) ? [t.keywords] : Object.values(t.keywords ?? {});
    if (lists.length === 0 || !lists.every((l) => Array.isArray(l) && l.every((k) => typeof k === 'string')))
      throw new ConfigError(`${source}: theme "${id}" needs keywords: a list, or lists per language`);
  }
  return config as ThemesConfig;
};

/** The built-in lexicons merged with the user's themes, compiled for matching. */
export const buildLexicon = (config: ThemesConfig = { themes: {} }): Lexicon => {
  const user = validateThemesConfig(config).themes;
  const themes = [...BUILT_IN_THEMES, ...Object.keys(user).filter((id) => !BUILT_IN.en[id])];
  const labels: Record<string, Record<ThemeLanguage, string>> = {};
  const byLanguage = Object.fromEntries(THEME_LANGUAGES.map((l) => [l, [] as CompiledTheme[]])) as Record<
    ThemeLanguage,
    CompiledTheme[]
  >;
  for (const id of themes) {
    const own = user[id];
    labels[id] = Object.fromEntries(
      THEME_LANGUAGES.map((l) => [l, own?.label ?? BUILT_IN[l][id]?.label ?? id]),
    ) as Record<ThemeLanguage, string>;
    for (const language of THEME_LANGUAGES) {
      const builtIn = BUILT_IN[language][id];
      const keywords = [
        ...(own?.replace ? [] : (builtIn?.keywords ?? [])),
        ...(own ? keywordsFor(own, language) : []),
      ];
      const exclude = [...(own?.replace ? [] : (builtIn?.exclude ?? [])), ...(own?.exclude ?? [])];
      byLanguage[language].push({
        id,
        keywords: keywords.map((k) => compileKeyword(language, k)).filter((k) => k.length > 0),
        exclude: exclude.map((k) => compileKeyword(language, k)).filter((k) => k.length > 0),
      });
    }
  }
  return { themes, labels, byLanguage };
};

let configured: Lexicon | undefined;

/** The lexicon of this deployment: built-in themes plus config/themes.json (bundled with the code). */
export const configuredLexicon = (): Lexicon => {
  configured ??= buildLexicon(validateThemesConfig(userConfig));
  return configured;
};
