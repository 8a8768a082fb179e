/**
 * The report period a person picks (the console's dashboard): the last 7, 30 or 90 days as the digest counts
 * them, an ISO week as `nps report --week` does, or their own first and last day (both included). Each comes
 * with the period of equal length just before it, for the change. Pure.
 */
import { addDays, dayIn } from '#shared/core/time.ts';
import { previousRange } from '#shared/insights/read.ts';
import { type DayRange, digestPeriods, isoWeekOf, isoWeekRange } from '../core/period.ts';

export const PERIOD_CHOICES = ['7d', '30d', '90d', 'week', 'custom'] as const;
export type PeriodChoice = (typeof PERIOD_CHOICES)[number];
export const DEFAULT_PERIOD_CHOICE: PeriodChoice = '30d';
/** The longest custom period: two years of day counters per scope is still a handful of reads. */
export const MAX_CUSTOM_DAYS = 731;

export interface PeriodInput {
  period?: string | null;
  week?: string | null;
  /** yyyy-mm-dd, included. */
  from?: string | null;
  /** yyyy-mm-dd, included. */
  to?: string | null;
}

export interface ChosenPeriod {
  choice: PeriodChoice;
  current: Required<DayRange>;
  previous: Required<DayRange>;
  /** What the form shows: the week and the first and last day (included) of the period. */
  week: string;
  from: string;
  to: string;
}

/** What was wrong with the input: the choice itself, the week, a day, their order, or the length. */
export type PeriodProblem = 'period' | 'week' | 'from' | 'to' | 'order' | 'length';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string | null | undefined): value is string =>
  typeof value === 'string' && DAY.test(value) && addDays(value, 0) === value;

const daysOf = (range: Required<DayRange>): number =>
  Math.round((Date.parse(range.until) - Date.parse(range.since)) / 86_400_000);

const isChoice = (value: string): value is PeriodChoice =>
  (PERIOD_CHOICES as readonly string[]).includes(value);

const chosen = (choice: PeriodChoice, current: Required<DayRange>, previous: Required<DayRange>) => ({
  choice,
  current,
  previous,
  week: isoWeekOf(addDays(current.until, -1)),
  from: current.since,
  to: addDays(current.until, -1),
});

/** The period of the input at `now` in `timeZone`, or what is wrong with it. */
export const choosePeriod = (
  input: PeriodInput,
  now: Date,
  timeZone: string,
): { period: ChosenPeriod } | { problem: PeriodProblem } => {
  const choice = input.period || DEFAULT_PERIOD_CHOICE;
  if (!isChoice(choice)) return { problem: 'period' };
  if (choice === 'week') {
    const week = input.week?.trim() || isoWeekOf(dayIn(timeZone, now));
    const current = isoWeekRange(week);
    if (!current) return { problem: 'week' };
    return { period: chosen(choice, current, previousRange(current)) };
  }
  if (choice === 'custom') {
    if (!isDay(input.from)) return { problem: 'from' };
    if (!isDay(input.to)) return { problem: 'to' };
    if (input.to < input.from) return { problem: 'order' };
    const current = { since: input.from, until: addDays(input.to, 1) };
    if (daysOf(current) > MAX_CUSTOM_DAYS) return { problem: 'length' };
    return { period: chosen(choice, current, previousRange(current)) };
  }
  const { current, previous } = digestPeriods(now, timeZone, { days: Number.parseInt(choice, 10) });
  return { period: chosen(choice, current, previous) };
};
