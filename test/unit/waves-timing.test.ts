import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/core/errors.ts';
import { instantIn } from '#shared/core/time.ts';
import { waveTiming } from '#shared/waves/timing.ts';

describe('instantIn: a wall-clock time in a time zone', () => {
  it.each([
    // Amsterdam in winter is UTC+1, in summer UTC+2; New York in July UTC−4; Kolkata UTC+5:30 all year.
    ['Europe/Amsterdam', '2026-12-01T09:00', '2026-12-01T08:00:00.000Z'],
    ['Europe/Amsterdam', '2026-07-01T09:00', '2026-07-01T07:00:00.000Z'],
    ['America/New_York', '2026-07-04T12:00', '2026-07-04T16:00:00.000Z'],
    ['Asia/Kolkata', '2026-01-01T00:00', '2025-12-31T18:30:00.000Z'],
    ['UTC', '2026-02-03T00:00:30', '2026-02-03T00:00:30.000Z'],
  ])('reads %s %s as %s', (zone, local, utc) => {
    expect(instantIn(zone, local)?.toISOString()).toBe(utc);
  });

  it('moves a time the clocks skip on by the jump (02:30 on the spring-forward night is 03:30 CEST)', () => {
    // Amsterdam jumps from 02:00 CET to 03:00 CEST at 01:00 UTC on 29 March 2026.
    expect(instantIn('Europe/Amsterdam', '2026-03-29T02:30')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the first of a time the clocks pass twice (02:30 on the fall-back night, still CEST)', () => {
    // Amsterdam falls back from 03:00 CEST to 02:00 CET at 01:00 UTC on 25 October 2026.
    expect(instantIn('Europe/Amsterdam', '2026-10-25T02:30')?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it.each([
    ['Europe/Amsterdam', '2026-02-30T09:00'],
    ['Europe/Amsterdam', '2026-12-01 09:00'],
    ['Europe/Amsterdam', '2026-12-01T24:00'],
    ['Not/AZone', '2026-12-01T09:00'],
  ])('knows no instant for %s %s', (zone, local) => {
    expect(instantIn(zone, local)).toBeUndefined();
  });
});

describe('waveTiming: the rules of start, recurrence and spread', () => {
  const sendAt = new Date('2026-12-01T08:00:00Z');

  it('takes a start alone, a recurrence in days and a spread in days or parts of one', () => {
    expect(waveTiming({ sendAt })).toEqual({ sendAt });
    expect(waveTiming({ sendAt, everyDays: 90, spreadDays: 0.25 })).toEqual({
      sendAt,
      every: 'P90D',
      spreadDays: 0.25,
    });
  });

  it.each([
    [{ everyDays: 0.5 }, 'every'],
    [{ everyDays: 0 }, 'every'],
    [{ spreadDays: 0 }, 'spread'],
    [{ spreadDays: 31 }, 'spread'],
    [{ everyDays: 7, spreadDays: 7 }, 'spread'],
  ])('refuses %o, naming the field %s', (input, field) => {
    const refusal = (() => {
      try {
        waveTiming({ sendAt, ...input });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).field).toBe(field);
  });

  it('refuses a start that is not a time', () => {
    expect(() => waveTiming({ sendAt: new Date('nonsense') })).toThrow(ValidationError);
  });
});
