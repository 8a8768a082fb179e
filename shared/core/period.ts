/** Report periods as ranges of days: ISO weeks and the digest's last-n-days. Pure. */
import { addDays, dayIn } from '#shared/core/time.ts';

export interface DayRange {
  /** yyyy-mm-dd, inclusive. */
  since: string;
  /** yyyy-mm-dd, exclusive; open-ended when absent. */
  until?: string;
}

const DAY_MS = 86_400_000;
const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/**
 * The days of an ISO 8601 week (`2026-W47`, Monday to Sunday). Week figures are the sum of its ≤7 day
 * counters (one Query), not separate WEEK# counters: a week is always exactly its days, and the
 * aggregator writes a third fewer counters per response.
 */
export const isoWeekRange = (week: string): Required<DayRange> | undefined => {
  const m = ISO_WEEK.exec(week.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const number = Number(m[2]);
  // 4 January is always in week 1; step back to that week's Monday.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS);
  const start = new Date(monday.getTime() + (number - 1) * 7 * DAY_MS);
  if (number < 1 || number > 53 || isoWeekOf(start.toISOString().slice(0, 10)) !== week.trim())
    return undefined;
  const end = new Date(start.getTime() + 7 * DAY_MS);
  return { since: start.toISOString().slice(0, 10), until: end.toISOString().slice(0, 10) };
};

/** The ISO week (`2026-W47`) a yyyy-mm-dd day belongs to. */
export const isoWeekOf = (day: string): string => {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  // A week belongs to the year its Thursday is in.
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** Which days a digest covers: the last `days` days up to today, or the last complete week. */
export interface DigestWindow {
  days: number;
  /**
   * The last complete week, Monday to Sunday, in the digest's time zone (the schedule): consecutive
   * digests then cover consecutive weeks, and an answer given any day is in exactly one of them.
   */
  completeWeek?: boolean;
}

/** The digest's period (in the digest's time zone) and the one of equal length before it. */
export const digestPeriods = (
  now: Date,
  timeZone: string,
  window: DigestWindow,
): { current: Required<DayRange>; previous: Required<DayRange> } => {
  const today = dayIn(timeZone, now);
  const days = window.completeWeek ? 7 : window.days;
  // A complete week ends on this week's Monday (exclusive); otherwise the period ends with today.
  const until = window.completeWeek
    ? addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7))
    : addDays(today, 1);
  const since = addDays(until, -days);
  return { current: { since, until }, previous: { since: addDays(since, -days), until: since } };
};
