/**
 * When a new wave sends: its start, an optional recurrence and an optional spread, checked against the rules
 * every door (the CLI's flags, the console's form) shares. Pure.
 */
import { ValidationError } from '#shared/core/errors.ts';

/** A recurring wave repeats at most once a day. */
export const MIN_EVERY_DAYS = 1;
/** A spread wave sends evenly over more than nothing and at most this many days (an hour is 1/24). */
export const MAX_SPREAD_DAYS = 30;

export interface WaveTiming {
  sendAt: Date;
  /** ISO-8601 duration of the recurrence, e.g. P90D. */
  every?: string;
  spreadDays?: number;
}

/** Checks a start, recurrence and spread; a ValidationError names the field (`sendAt`, `every`, `spread`). */
export const waveTiming = (input: { sendAt: Date; everyDays?: number; spreadDays?: number }): WaveTiming => {
  const { sendAt, everyDays, spreadDays } = input;
  if (Number.isNaN(sendAt.getTime()))
    throw new ValidationError('the send time is not a valid time', { field: 'sendAt' });
  if (everyDays !== undefined && !(everyDays >= MIN_EVERY_DAYS))
    throw new ValidationError(`a wave repeats at most once a day: every ${MIN_EVERY_DAYS} day or more`, {
      field: 'every',
    });
  if (spreadDays !== undefined && !(spreadDays > 0 && spreadDays <= MAX_SPREAD_DAYS))
    throw new ValidationError(
      `a wave spreads its sends over more than 0 and at most ${MAX_SPREAD_DAYS} days`,
      {
        field: 'spread',
      },
    );
  if (everyDays !== undefined && spreadDays !== undefined && spreadDays >= everyDays)
    throw new ValidationError('the spread must be shorter than the recurrence', { field: 'spread' });
  return {
    sendAt,
    ...(everyDays !== undefined ? { every: `P${everyDays}D` } : {}),
    ...(spreadDays !== undefined ? { spreadDays } : {}),
  };
};
