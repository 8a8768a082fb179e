/** Locales, their message catalogs and the one function that reads them. Pure. */

import type { Locale } from '../shared/core/locale.ts';
import de from './locales/de.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import nl from './locales/nl.json' with { type: 'json' };
import sv from './locales/sv.json' with { type: 'json' };

export { isLocale, LOCALES, type Locale, resolveLocale } from '../shared/core/locale.ts';

export type Catalog = Readonly<Record<string, string>>;

/** Every catalog, by locale; the unit test holds them to the same set of keys. */
export const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, nl, sv, de };

export class MissingMessageError extends Error {
  override name = 'MissingMessageError';
  readonly key: string;
  readonly locale: string;
  constructor(locale: string, key: string, detail?: string) {
    super(`Message "${key}" is missing in locale "${locale}"${detail ? `: ${detail}` : ''}`);
    this.key = key;
    this.locale = locale;
  }
}

export type Params = Readonly<Record<string, string | number>>;

/** A message split into literal text and `{param}` names, so callers can escape the two differently. */
export type MessagePart = { text: string } | { param: string };

const PARAM = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export const messageParts = (locale: Locale, key: string): MessagePart[] => {
  const source = CATALOGS[locale][key];
  if (source === undefined) throw new MissingMessageError(locale, key);
  const parts: MessagePart[] = [];
  let last = 0;
  for (const match of source.matchAll(PARAM)) {
    if (match.index > last) parts.push({ text: source.slice(last, match.index) });
    parts.push({ param: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return parts;
};

/** Joins a message's parts, mapping literal text and parameter values through `literal` and `value`. */
export const formatMessage = (
  locale: Locale,
  key: string,
  value: (param: string) => string | undefined,
  literal: (text: string) => string = (text) => text,
): string =>
  messageParts(locale, key)
    .map((part) => {
      if ('text' in part) return literal(part.text);
      const replacement = value(part.param);
      if (replacement === undefined) {
        throw new MissingMessageError(locale, key, `no value for parameter {${part.param}}`);
      }
      return replacement;
    })
    .join('');

/** The plain-text message `key` in `locale` with `{param}`s filled in. Throws on a missing key or value. */
export const t = (locale: Locale, key: string, params: Params = {}): string =>
  formatMessage(locale, key, (param) => (Object.hasOwn(params, param) ? String(params[param]) : undefined));

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The `key.one` / `key.other` form for `count`, chosen by the locale's plural rules; `{count}` is filled. */
export const pluralKey = (locale: Locale, key: string, count: number): string => {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return `${key}.${rules.select(count)}`;
};

export const tPlural = (locale: Locale, key: string, count: number, params: Params = {}): string =>
  t(locale, pluralKey(locale, key, count), { ...params, count: formatInteger(locale, count) });

export const formatInteger = (locale: Locale, value: number): string =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);

/** A number with one decimal in the locale's style (`3.4`, `3,4`); `sign` shows + for a positive change. */
export const formatDecimal = (locale: Locale, value: number, sign = false): string =>
  new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    ...(sign ? { signDisplay: 'exceptZero' as const } : {}),
  }).format(value);
