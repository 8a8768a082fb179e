/**
 * Calendar arithmetic. Expected days are worked out from the zones' UTC offsets: Amsterdam is +1 in winter
 * and +2 from 29 March 2026 01:00 UTC to 25 October 2026 01:00 UTC; New York −5/−4 (from 8 March 2026
 * 07:00 UTC); Auckland +13 in its summer; Kolkata +5:30 all year.
 */
import { describe, expect, it } from 'vitest';
import { addDays, dayIn, daysBetween, instantIn, parseDurationDays } from '#shared/core/time.ts';

describe('dayIn: the calendar day of an instant in a time zone', () => {
  it.each([
    // The same 22:30 UTC is the same day in winter (+1 → 23:30) and the next day in summer (+2 → 00:30).
    ['Europe/Amsterdam', '2026-01-15T22:30:00Z', '2026-01-15'],
    ['Europe/Amsterdam', '2026-07-01T22:30:00Z', '2026-07-02'],
    // The night the clocks go forward: 22:30 UTC is still 23:30 CET, 23:30 UTC is 00:30 on the 29th.
    ['Europe/Amsterdam', '2026-03-28T22:30:00Z', '2026-03-28'],
    ['Europe/Amsterdam', '2026-03-28T23:30:00Z', '2026-03-29'],
    // The day the clocks go back: 22:30 UTC the night before is 00:30 CEST on the 25th;
    // 22:30 UTC on the 25th is 23:30 CET, still the 25th.
    ['Europe/Amsterdam', '2026-10-24T22:30:00Z', '2026-10-25'],
    ['Europe/Amsterdam', '2026-10-25T22:30:00Z', '2026-10-25'],
    ['Europe/Amsterdam', '2026-10-25T23:00:00Z', '2026-10-26'],
    // New York, behind UTC: 03:00 UTC is 22:00 the evening before; around its spring change (07:00 UTC).
    ['America/New_York', '2026-11-23T03:00:00Z', '2026-11-22'],
    ['America/New_York', '2026-03-08T04:30:00Z', '2026-03-07'],
    ['America/New_York', '2026-03-08T05:00:00Z', '2026-03-08'],
    // Auckland, +13: midnight falls at 11:00 UTC the day before.
    ['Pacific/Auckland', '2026-11-22T10:59:00Z', '2026-11-22'],
    ['Pacific/Auckland', '2026-11-22T11:00:00Z', '2026-11-23'],
    // Kolkata, +5:30: a half-hour offset.
    ['Asia/Kolkata', '2026-11-22T18:29:59Z', '2026-11-22'],
    ['Asia/Kolkata', '2026-11-22T18:30:00Z', '2026-11-23'],
    // A year's end: UTC itself, and a zone already in the new year.
    ['UTC', '2026-12-31T23:59:59Z', '2026-12-31'],
    ['Pacific/Kiritimati', '2026-12-31T10:00:00Z', '2027-01-01'],
  ])('%s at %s is %s', (zone, instant, day) => {
    expect(dayIn(zone, new Date(instant))).toBe(day);
  });

  it('keeps each zone apart when they are asked in turn', () => {
    const at = new Date('2026-11-22T23:30:00Z');
    expect([dayIn('UTC', at), dayIn('Europe/Amsterdam', at), dayIn('America/New_York', at)]).toEqual([
      '2026-11-22',
      '2026-11-23',
      '2026-11-22',
    ]);
    expect(dayIn('Europe/Amsterdam', at)).toBe('2026-11-23');
    expect(dayIn('UTC', at)).toBe('2026-11-22');
  });

  it('refuses a time zone that does not exist', () => {
    expect(() => dayIn('Mars/Olympus', new Date())).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-11-23', 0, '2026-11-23'],
    ['2026-11-23', 1, '2026-11-24'],
    ['2026-01-31', 1, '2026-02-01'], // month end
    ['2026-04-30', 1, '2026-05-01'], // a 30-day month
    ['2026-12-31', 1, '2027-01-01'], // year end
    ['2027-02-28', 1, '2027-03-01'], // not a leap year
    ['2028-02-28', 1, '2028-02-29'], // a leap year
    ['2026-03-28', 1, '2026-03-29'], // the night Europe's clocks go forward changes nothing
    ['2026-10-25', 1, '2026-10-26'],
    ['2026-03-01', -1, '2026-02-28'], // backwards over a month end
    ['2027-01-01', -1, '2026-12-31'], // and a year end
    ['2026-11-23', -7, '2026-11-16'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2028-01-01', 366, '2029-01-01'],
  ])('%s %i → %s', (day, days, expected) => {
    expect(addDays(day, days)).toBe(expected);
  });
});

describe('daysBetween', () => {
  it('lists the days from the start up to, not including, the end', () => {
    expect(daysBetween('2026-11-17', '2026-11-24')).toEqual([
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
    ]);
  });

  it('crosses month and year ends', () => {
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
    expect(daysBetween('2028-02-28', '2028-03-01')).toEqual(['2028-02-28', '2028-02-29']);
  });

  it('is empty when the end is not after the start', () => {
    expect(daysBetween('2026-11-17', '2026-11-17')).toEqual([]);
    expect(daysBetween('2026-11-18', '2026-11-17')).toEqual([]);
  });
});

describe('parseDurationDays', () => {
  it.each([
    ['7d', 7],
    ['90d', 90],
    ['0d', 0],
    ['2w', 14],
    ['12w', 84],
    ['P12W', 84],
    ['P120D', 120],
    ['120d', 120],
    ['720h', 30],
    ['0w', 0],
    ['12h', 0.5],
    ['36h', 1.5],
    ['0h', 0],
    ['P90D', 90],
    ['P2W', 14],
    ['p7d', 7], // letters in either case
    ['7D', 7],
    ['3W', 21],
    ['24H', 1],
    ['  7d  ', 7], // surrounding blanks
  ])('reads %j as %d days', (text, days) => {
    expect(parseDurationDays(text)).toBe(days);
  });

  it.each(['', '7', 'd', '7x', 'x7d', '7dx', '7 d', '1w2d', '-7d', '1.5d', 'P7H', 'PT12H', 'P', 'P1M'])(
    'does not read %j',
    (text) => {
      expect(parseDurationDays(text)).toBeUndefined();
    },
  );
});

describe('instantIn: the instant of a wall-clock time in a time zone', () => {
  it.each([
    ['Europe/Amsterdam', '2026-12-01T09:00', '2026-12-01T08:00:00.000Z'], // CET, +1
    ['Europe/Amsterdam', '2026-07-01T09:00', '2026-07-01T07:00:00.000Z'], // CEST, +2
    ['Europe/Amsterdam', '2026-07-01T09:00:30', '2026-07-01T07:00:30.000Z'],
    ['Europe/Amsterdam', '2026-01-01T00:30', '2025-12-31T23:30:00.000Z'], // into the year before
    // 29 March 2026 the clocks skip 02:00–03:00: 02:30 does not exist and moves on by the hour, to 03:30 CEST.
    ['Europe/Amsterdam', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z'],
    ['Europe/Amsterdam', '2026-03-29T01:59', '2026-03-29T00:59:00.000Z'],
    ['Europe/Amsterdam', '2026-03-29T03:00', '2026-03-29T01:00:00.000Z'],
    // 25 October 2026 they pass 02:00–03:00 twice: the first, still CEST, is taken.
    ['Europe/Amsterdam', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z'],
    ['Europe/Amsterdam', '2026-10-25T03:00', '2026-10-25T02:00:00.000Z'],
    ['America/New_York', '2026-11-23T09:00', '2026-11-23T14:00:00.000Z'], // EST, −5
    ['America/New_York', '2026-07-01T09:00', '2026-07-01T13:00:00.000Z'], // EDT, −4
    ['Asia/Kolkata', '2026-11-23T09:00', '2026-11-23T03:30:00.000Z'], // +5:30
    ['Pacific/Auckland', '2026-11-23T00:00', '2026-11-22T11:00:00.000Z'], // NZDT, +13
    ['UTC', '2026-12-31T23:59', '2026-12-31T23:59:00.000Z'],
    ['UTC', '2028-02-29T12:00', '2028-02-29T12:00:00.000Z'], // a leap day
  ])('%s %s is %s', (zone, local, instant) => {
    expect(instantIn(zone, local)?.toISOString()).toBe(instant);
  });

  it.each([
    '2026-02-30T09:00', // no such day
    '2027-02-29T09:00', // not a leap year
    '2026-13-01T09:00',
    '2026-00-10T09:00',
    '2026-12-01T24:00',
    '2026-12-01 09:00',
    '2026-12-01T09:00Z',
    '2026-12-01T9:00',
    '2026-12-01T09:00:5',
    'x2026-12-01T09:00',
    '2026-12-01T09:00x',
    '2026-12-01',
    '',
  ])('reads no time from %j', (local) => {
    expect(instantIn('Europe/Amsterdam', local)).toBeUndefined();
  });

  it('reads no time in a zone that does not exist', () => {
    expect(instantIn('Mars/Olympus', '2026-12-01T09:00')).toBeUndefined();
  });
});
