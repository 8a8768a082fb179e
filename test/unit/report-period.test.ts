/**
 * ISO weeks and the digest's periods. Weekdays by hand: 1 January 2026 is a Thursday, so 2026 has 53 ISO
 * weeks and week 1 starts Monday 29 December 2025; 2020 starts on a Wednesday and is a leap year, so it
 * ends on Thursday 31 December in week 53; 2027 starts on a Friday and has 52 weeks.
 */
import { describe, expect, it } from 'vitest';
import { digestPeriods, isoWeekOf, isoWeekRange } from '#shared/reporting/period.ts';

describe('isoWeekOf', () => {
  const cases: [day: string, week: string][] = [
    ['2026-11-16', '2026-W47'], // a Monday
    ['2026-11-22', '2026-W47'], // its Sunday
    ['2026-11-23', '2026-W48'],
    ['2025-12-29', '2026-W01'], // Monday of the week that holds Thursday 1 January 2026
    ['2026-01-01', '2026-W01'],
    ['2026-12-31', '2026-W53'], // a Thursday
    ['2027-01-01', '2026-W53'], // a Friday: its Thursday is in 2026
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2020-12-31', '2020-W53'],
    ['2021-01-03', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    ['2024-12-30', '2025-W01'], // a Monday whose Thursday is 2 January 2025
    ['2027-12-31', '2027-W52'],
  ];
  for (const [day, week] of cases) it(`puts ${day} in ${week}`, () => expect(isoWeekOf(day)).toBe(week));
});

describe('isoWeekRange', () => {
  const cases: [week: string, range: { since: string; until: string } | undefined][] = [
    ['2026-W47', { since: '2026-11-16', until: '2026-11-23' }],
    ['2026-W01', { since: '2025-12-29', until: '2026-01-05' }],
    ['2026-W53', { since: '2026-12-28', until: '2027-01-04' }],
    ['2027-W01', { since: '2027-01-04', until: '2027-01-11' }],
    ['2020-W53', { since: '2020-12-28', until: '2021-01-04' }],
    ['2025-W01', { since: '2024-12-30', until: '2025-01-06' }],
    [' 2026-W47 ', { since: '2026-11-16', until: '2026-11-23' }],
    ['2027-W53', undefined], // 2027 has 52 weeks
    ['2026-W00', undefined],
    ['2026-W54', undefined],
    ['2026-47', undefined],
    ['2026-W7', undefined],
    ['last week', undefined],
  ];
  for (const [week, range] of cases)
    it(`reads "${week}" as ${range ? `${range.since}..${range.until}` : 'no week'}`, () =>
      expect(isoWeekRange(week)).toEqual(range));
});

describe('digestPeriods', () => {
  const cases: {
    name: string;
    now: string;
    timeZone: string;
    days: number;
    current: { since: string; until: string };
    previous: { since: string; until: string };
  }[] = [
    {
      name: 'takes the 7 days ending today and the 7 before them',
      now: '2026-11-23T07:00:00Z', // 08:00 in Amsterdam
      timeZone: 'Europe/Amsterdam',
      days: 7,
      current: { since: '2026-11-17', until: '2026-11-24' },
      previous: { since: '2026-11-10', until: '2026-11-17' },
    },
    {
      name: 'counts today in the digest’s time zone: 00:30 in Amsterdam is already the 23rd',
      now: '2026-11-22T23:30:00Z',
      timeZone: 'Europe/Amsterdam',
      days: 7,
      current: { since: '2026-11-17', until: '2026-11-24' },
      previous: { since: '2026-11-10', until: '2026-11-17' },
    },
    {
      name: 'and 18:30 in New York is still the 22nd',
      now: '2026-11-22T23:30:00Z',
      timeZone: 'America/New_York',
      days: 7,
      current: { since: '2026-11-16', until: '2026-11-23' },
      previous: { since: '2026-11-09', until: '2026-11-16' },
    },
    {
      name: 'runs across the turn of the year',
      now: '2027-01-02T12:00:00Z',
      timeZone: 'UTC',
      days: 7,
      current: { since: '2026-12-27', until: '2027-01-03' },
      previous: { since: '2026-12-20', until: '2026-12-27' },
    },
    {
      name: 'takes a one-day period as today, against yesterday',
      now: '2026-03-01T12:00:00Z',
      timeZone: 'UTC',
      days: 1,
      current: { since: '2026-03-01', until: '2026-03-02' },
      previous: { since: '2026-02-28', until: '2026-03-01' },
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      expect(digestPeriods(new Date(c.now), c.timeZone, c.days)).toEqual({
        current: c.current,
        previous: c.previous,
      }),
    );
});
