/** Numbers and untrusted text as the digest shows them, in the reader's locale. Pure. */
import type { Locale } from './messages.ts';

/** Rounds half away from zero, so +7.5 and −7.5 show as +8 and -8 alike. */
const roundAway = (value: number): number => Math.sign(value) * Math.round(Math.abs(value)) || 0;

/** A whole number with its sign: `+24`, `-8`, `0`. */
export const formatSigned = (value: number): string => {
  const rounded = roundAway(value);
  return rounded > 0 ? `+${rounded}` : String(rounded);
};

/** The margin of error as `±7`. */
export const formatMargin = (value: number): string => `±${roundAway(Math.abs(value))}`;

export const percent = (locale: Locale, share: number): string =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);

/** Untrusted text cut to `max` characters (not UTF-16 halves) with an ellipsis. */
export const truncate = (value: string, max: number): string => {
  const chars = Array.from(value);
  return chars.length > max ? `${chars.slice(0, max).join('').trimEnd()}…` : value;
};

export const oneLine = (value: string, max: number): string =>
  truncate(value.replace(/\s+/g, ' ').trim(), max);
