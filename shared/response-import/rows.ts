/**
 * One row of a response export, validated: a known address, a score on the survey's scale, the moment it
 * was answered (an ISO 8601 date or date-time; a time without an offset is UTC), and the optional comment,
 * name, locale and segment properties. An invalid row says why, in words for `line N: reason`. Pure.
 */
import { MAX_FIELD_LENGTH } from '#shared/audience/audience.ts';
import { plainParagraphs, plainText } from '#shared/audience/plain-text.ts';
import { contactIdOf, normaliseEmail } from '#shared/core/identity.ts';
import { isLocale, type Locale } from '#shared/core/locale.ts';
import { isScore, SCALES, type SurveyKind } from '#shared/core/survey.ts';
import { dayIn } from '#shared/core/time.ts';
import type { ResponseColumns } from './columns.ts';

/** As long as a typed answer may be on the survey page. */
export const MAX_COMMENT_LENGTH = 2000;
/** Nothing answered before this is taken for a real answer (a zero date, a spreadsheet's 1900). */
const EARLIEST = Date.UTC(1990, 0, 1);

export interface ImportedRow {
  line: number;
  email: string;
  contactId: string;
  score: number;
  /** The instant, ISO 8601 in UTC. */
  answeredAt: string;
  /** The calendar day it counts on: the date given, or the instant's day in the reporting time zone. */
  day: string;
  comment?: string;
  name?: string;
  locale?: Locale;
  props: Record<string, string>;
}

export type RowResult = { ok: true; row: ImportedRow } | { ok: false; line: number; reason: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const realDate = (y: string, m: string, d: string): boolean => {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === `${y}-${m}-${d}`;
};

/** An offset as `+01:00`; `+01`, `+0100` and `Z` are accepted too. */
const offsetOf = (zone: string | undefined): string => {
  if (!zone || zone.toUpperCase() === 'Z') return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
};

/** Parses an answered_at value: the instant and its reporting day, or why it is not one. */
export const parseAnsweredAt = (
  value: string,
  timeZone: string,
  now: Date,
): { answeredAt: string; day: string } | string => {
  const text = value.trim();
  const date = DATE.exec(text);
  let instant: number;
  let day: string | undefined;
  if (date) {
    const [, y, m, d] = date as unknown as [string, string, string, string];
    if (!realDate(y, m, d)) return `answered_at "${text}" is not a real date`;
    day = text;
    // A day without a time: noon UTC stands for it, the day itself is what counts.
    instant = Date.UTC(Number(y), Number(m) - 1, Number(d), 12);
  } else {
    const m = DATE_TIME.exec(text);
    if (!m)
      return `answered_at "${text.slice(0, 40)}" is not an ISO 8601 date or time (like 2026-09-01 or 2026-09-01T14:30:00Z)`;
    const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
    if (
      !realDate(y as string, mo as string, d as string) ||
      Number(h) > 23 ||
      Number(mi) > 59 ||
      Number(s ?? 0) > 59
    )
      return `answered_at "${text}" is not a real date and time`;
    instant = Date.parse(
      `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${(frac ?? '').slice(0, 4)}${offsetOf(zone)}`,
    );
    if (Number.isNaN(instant)) return `answered_at "${text}" is not a real date and time`;
  }
  if (instant < EARLIEST) return `answered_at ${text} is before 1990`;
  if (instant > now.getTime() + 86_400_000) return `answered_at ${text} is in the future`;
  const at = new Date(instant);
  return { answeredAt: at.toISOString(), day: day ?? dayIn(timeZone, at) };
};

/** Validates one record against the resolved columns. */
export const validateResponseRow = (
  line: number,
  fields: readonly string[],
  columns: ResponseColumns,
  context: { kind: SurveyKind; timeZone: string; now: Date; headerLength: number },
): RowResult => {
  const invalid = (reason: string): RowResult => ({ ok: false, line, reason });
  if (fields.length > context.headerLength)
    return invalid(`${fields.length} fields, the header has ${context.headerLength}`);
  const raw = (column: keyof ResponseColumns['at']) => {
    const index = columns.at[column];
    return index === undefined ? '' : (fields[index] ?? '');
  };
  const field = (column: keyof ResponseColumns['at']) => plainText(raw(column)).trim();
  const rawEmail = field('email');
  if (!rawEmail) return invalid('email is empty');
  const email = normaliseEmail(rawEmail);
  if (!email) return invalid(`email "${rawEmail.slice(0, 60)}" is not a valid address`);
  const rawScore = field('score');
  const score = Number(rawScore);
  const { min, max } = SCALES[context.kind];
  if (!rawScore) return invalid('score is empty');
  if (!/^\d{1,2}$/.test(rawScore) || !isScore(context.kind, score))
    return invalid(`score "${rawScore.slice(0, 20)}" is not a whole number from ${min} to ${max}`);
  const rawAt = field('answered_at');
  if (!rawAt) return invalid('answered_at is empty');
  const when = parseAnsweredAt(rawAt, context.timeZone, context.now);
  if (typeof when === 'string') return invalid(when);
  const comment = plainParagraphs(raw('comment')).trim();
  if (comment.length > MAX_COMMENT_LENGTH)
    return invalid(`comment is longer than ${MAX_COMMENT_LENGTH} characters`);
  const name = field('name');
  if (name.length > MAX_FIELD_LENGTH) return invalid(`name is longer than ${MAX_FIELD_LENGTH} characters`);
  const rawLocale = field('locale');
  const locale = rawLocale.slice(0, 2).toLowerCase();
  if (rawLocale && !isLocale(locale)) return invalid(`locale "${rawLocale.slice(0, 20)}" is not supported`);
  const props: Record<string, string> = {};
  for (const segment of columns.segments) {
    const value = plainText(fields[segment.index] ?? '').trim();
    if (value.length > MAX_FIELD_LENGTH)
      return invalid(`${segment.name} is longer than ${MAX_FIELD_LENGTH} characters`);
    if (value) props[segment.name] = value;
  }
  return {
    ok: true,
    row: {
      line,
      email,
      contactId: contactIdOf(email),
      score,
      ...when,
      ...(comment ? { comment } : {}),
      ...(name ? { name } : {}),
      ...(rawLocale ? { locale: locale as Locale } : {}),
      props,
    },
  };
};
