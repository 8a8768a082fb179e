/**
 * ISO weeks and the digest's periods. Weekdays by hand: 1 January 2026 is a Thursday, so 2026 has 53 ISO
 * weeks and week 1 starts Monday 29 December 2025; 2020 starts on a Wednesday and is a leap year, so it
 * ends on Thursday 31 December in week 53; 2027 starts on a Friday and has 52 weeks.
 */
import { describe, expect, it } from 'vitest';
import { digestPeriods, isoWeekOf, isoWeekRange } from '#shared/core/period.ts';

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
      expect(digestPeriods(new Date(c.now), c.timeZone, { days: c.days })).toEqual({
        current: c.current,
        previous: c.previous,
      }),
    );
});

describe('the scheduled digest’s complete weeks', () => {
  const week = (now: string, timeZone = 'Europe/Amsterdam') =>
    digestPeriods(new Date(now), timeZone, { days: 7, completeWeek: true });

  it('covers last Monday to Sunday when it runs on Monday 08:00, and the week before as the comparison', () => {
    // Monday 23 November 2026, 08:00 in Amsterdam (07:00 UTC).
    expect(week('2026-11-23T07:00:00Z')).toEqual({
      current: { since: '2026-11-16', until: '2026-11-23' },
      previous: { since: '2026-11-09', until: '2026-11-16' },
    });
  });

  it('gives runs on consecutive Mondays consecutive weeks, with no day left out or counted twice', () => {
    const mondays = [
      '2026-11-02T07:00:00Z',
      '2026-11-09T07:00:00Z',
      '2026-11-16T07:00:00Z',
      '2026-11-23T07:00:00Z',
    ];
    const periods = mondays.map((m) => week(m).current);
    for (let i = 1; i < periods.length; i++) expect(periods[i]?.since).toBe(periods[i - 1]?.until);
  });

  it('keeps the weeks joined across the change to and from summer time', () => {
    // Europe/Amsterdam: summer time starts Sunday 29 March 2026 and ends Sunday 25 October 2026.
    // Monday 08:00 local is 07:00 UTC in winter and 06:00 UTC in summer.
    const spring = ['2026-03-23T07:00:00Z', '2026-03-30T06:00:00Z', '2026-04-06T06:00:00Z'].map(
      (m) => week(m).current,
    );
    expect(spring).toEqual([
      { since: '2026-03-16', until: '2026-03-23' },
      { since: '2026-03-23', until: '2026-03-30' },
      { since: '2026-03-30', until: '2026-04-06' },
    ]);
    const autumn = ['2026-10-19T06:00:00Z', '2026-10-26T07:00:00Z', '2026-11-02T07:00:00Z'].map(
      (m) => week(m).current,
    );
    expect(autumn).toEqual([
      { since: '2026-10-12', until: '2026-10-19' },
      { since: '2026-10-19', until: '2026-10-26' },
      { since: '2026-10-26', until: '2026-11-02' },
    ]);
  });

  it('reads the week in the digest’s time zone: Sunday 23:30 in Stockholm is still the week that ends then', () => {
    // Sunday 22 November 2026, 23:30 in Stockholm (22:30 UTC): the last complete week is 9–15 November.
    expect(week('2026-11-22T22:30:00Z', 'Europe/Stockholm').current).toEqual({
      since: '2026-11-09',
      until: '2026-11-16',
    });
    // Half an hour later it is Monday there: 16–22 November is complete.
    expect(week('2026-11-22T23:30:00Z', 'Europe/Stockholm').current).toEqual({
      since: '2026-11-16',
      until: '2026-11-23',
    });
  });
});
