/** Numbers, days and times as the console shows them, in the user's language. Pure. */
import type { Locale } from './messages.ts';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
const cached = <T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T => {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
};

/** `1,234` / `1.234`, with up to `digits` decimals. */
export const formatNumber = (locale: Locale, value: number, digits = 0): string =>
  cached(
    `n:${locale}:${digits}`,
    () => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }),
  ).format(value);

/** A whole number with its sign, as the digest and `nps report` show NPS: `+24`, `-8`, `0`. */
export const formatSignedNumber = (locale: Locale, value: number, digits = 0): string => {
  const text = formatNumber(locale, Math.abs(value), digits);
  if (text === formatNumber(locale, 0, digits)) return text;
  return `${value > 0 ? '+' : '-'}${text}`;
};

/** A share 0…1 as a percentage with up to `digits` decimals. */
export const formatPercent = (locale: Locale, share: number, digits = 1): string =>
  cached(
    `p:${locale}:${digits}`,
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }),
  ).format(share);

/** A calendar day (yyyy-mm-dd) as `23 Nov 2026`. */
export const formatDay = (locale: Locale, day: string): string =>
  cached(
    `d:${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }),
  ).format(new Date(`${day}T00:00:00Z`));

/** An instant (ISO 8601) as a day and time in `timeZone`. */
export const formatTime = (locale: Locale, iso: string, timeZone: string): string => {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return cached(
    `t:${locale}:${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
  ).format(at);
};
