/**
 * The console's message catalogs (en, nl, sv, de), apart from the survey's, and the translator each request
 * gets as `ctx.t`. Throws on a missing key or parameter, as the survey's catalogs do; a unit test holds the
 * four catalogs to the same keys.
 */
import type { Locale, Params } from '#templates/messages.ts';
import de from './de.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import nl from './nl.json' with { type: 'json' };
import sv from './sv.json' with { type: 'json' };

export const CONSOLE_CATALOGS: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en,
  nl,
  sv,
  de,
};

/** A message of the console's catalog in the request's language, with `{param}`s filled in. */
export type Translate = (key: string, params?: Params) => string;

export class MissingConsoleMessageError extends Error {
  override name = 'MissingConsoleMessageError';
}

export const consoleMessage = (locale: Locale, key: string, params: Params = {}): string => {
  const source = CONSOLE_CATALOGS[locale][key];
  if (source === undefined)
    throw new MissingConsoleMessageError(`Console message "${key}" is missing in locale "${locale}"`);
  return source.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    if (!Object.hasOwn(params, name))
      throw new MissingConsoleMessageError(`Console message "${key}" needs a value for {${name}}`);
    return String(params[name]);
  });
};

export const translator =
  (locale: Locale): Translate =>
  (key, params) =>
    consoleMessage(locale, key, params);

/** Each language's own name, for the language switch (never translated). */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  nl: 'Nederlands',
  sv: 'Svenska',
  de: 'Deutsch',
};
