/** The languages everything a contact, reader or console user sees is written in, and how a hint picks one. Pure. */
export const LOCALES = ['en', 'nl', 'sv', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);

/** The first candidate that names a supported language ('nl-NL', 'sv_SE', 'DE' all count), else 'en'. */
export const resolveLocale = (...candidates: (string | undefined)[]): Locale => {
  for (const candidate of candidates) {
    const language = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (language && isLocale(language)) return language;
  }
  return 'en';
};
