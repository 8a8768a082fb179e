/** Schedule arithmetic of waves: spread quota, next send time, occurrence ids. Pure. */
import { describe, expect, it } from 'vitest';
import type { Wave } from '#shared/waves/model.ts';
import { occurrenceOf } from '#shared/waves/recurrence.ts';
import { nextSendAt, occurrenceId, spreadQuota } from '#shared/waves/schedule.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-23T09:00:00Z');

describe('the quota of a spread wave', () => {
  // ceil(recipients · min(1, elapsed / (spreadDays · 24 h))), 0 before the start.
  const cases: [
    name: string,
    recipients: number,
    spreadDays: number | undefined,
    elapsed: number,
    quota: number,
  ][] = [
    ['before its send time', 40, 2, -1, 0],
    ['at its send time', 40, 2, 0, 0],
    ['one millisecond in (rounded up)', 40, 2, 1, 1], // ceil(40 · 1/172_800_000)
    ['a quarter of the window in', 40, 2, 12 * HOUR, 10], // 40 · 12/48
    ['half the window in', 40, 2, DAY, 20], // 40 · 24/48
    ['three quarters in', 40, 2, 36 * HOUR, 30], // 40 · 36/48
    ['at the end of the window', 40, 2, 2 * DAY, 40],
    ['after the window', 40, 2, 5 * DAY, 40],
    ['one day of seven, 3 recipients', 3, 7, DAY, 1], // ceil(3/7 = 0.43)
    ['three days of seven, 3 recipients', 3, 7, 3 * DAY, 2], // ceil(9/7 = 1.29)
    ['not spread: everyone at once', 40, undefined, 0, 40],
    ['not spread, before its time (the due index keeps it back)', 40, undefined, -DAY, 40],
  ];
  for (const [name, recipients, spreadDays, elapsed, quota] of cases)
    it(`is ${quota} of ${recipients} ${name}`, () => {
      const wave = { recipients, sendAt: new Date(T0).toISOString(), ...(spreadDays ? { spreadDays } : {}) };
      expect(spreadQuota(wave, new Date(T0 + elapsed))).toBe(quota);
    });
});

describe('the next send time of a recurring wave', () => {
  const cases: [
    name: string,
    sendAt: string,
    every: string | undefined,
    now: string,
    next: string | undefined,
  ][] = [
    // 15 Jan + 90 days: 16 (rest of Jan) + 28 (Feb) + 31 (Mar) = 75 → 15 more → 15 Apr.
    ['every P90D', '2026-01-15T09:00:00Z', 'P90D', '2026-01-15T09:01:00Z', '2026-04-15T09:00:00.000Z'],
    // 31 Jan + 30 days: 28 → 28 Feb, 29 → 1 Mar, 30 → 2 Mar (2026 is not a leap year).
    [
      '30 days across February',
      '2026-01-31T09:00:00Z',
      '30d',
      '2026-01-31T10:00:00Z',
      '2026-03-02T09:00:00.000Z',
    ],
    // 2028 is a leap year: 29 → 29 Feb, 30 → 1 Mar.
    [
      '30 days across a leap February',
      '2028-01-31T09:00:00Z',
      '30d',
      '2028-01-31T10:00:00Z',
      '2028-03-01T09:00:00.000Z',
    ],
    ['2 weeks', '2026-12-25T18:00:00Z', '2w', '2026-12-25T18:00:00Z', '2027-01-08T18:00:00.000Z'],
    ['12 hours', '2026-01-01T00:00:00Z', '12h', '2026-01-01T00:00:00Z', '2026-01-01T12:00:00.000Z'],
    // 1, 8, 15, 22 Jan: the first after the 20th.
    [
      'weekly, several periods late',
      '2026-01-01T00:00:00Z',
      'P1W',
      '2026-01-20T00:00:00Z',
      '2026-01-22T00:00:00.000Z',
    ],
    // Exactly at an occurrence is not in the future: the one after it.
    [
      'weekly, exactly at an occurrence',
      '2026-01-01T00:00:00Z',
      '7d',
      '2026-01-15T00:00:00Z',
      '2026-01-22T00:00:00.000Z',
    ],
    ['not recurring', '2026-01-01T00:00:00Z', undefined, '2026-01-01T00:00:00Z', undefined],
    ['an unreadable recurrence', '2026-01-01T00:00:00Z', 'quarterly', '2026-01-01T00:00:00Z', undefined],
  ];
  for (const [name, sendAt, every, now, next] of cases)
    it(`${name}: ${next ?? 'none'}`, () => {
      expect(nextSendAt({ sendAt, ...(every ? { every } : {}) }, new Date(now))?.toISOString()).toBe(next);
    });

  it('counts days as 24 hours, so across a daylight-saving change the local hour moves', () => {
    // 20 Mar 2026 08:00 UTC is 09:00 in Amsterdam (CET, UTC+1); summer time starts 29 Mar. 28 × 24 h later is
    // 17 Apr 08:00 UTC, which is 10:00 in Amsterdam (CEST, UTC+2).
    const next = nextSendAt(
      { sendAt: '2026-03-20T08:00:00Z', every: '4w' },
      new Date('2026-03-20T08:00:00Z'),
    );
    expect(next?.toISOString()).toBe('2026-04-17T08:00:00.000Z');
    const hourIn = (at: Date | undefined) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit' }).format(at);
    expect(hourIn(new Date('2026-03-20T08:00:00Z'))).toBe('09');
    expect(hourIn(next)).toBe('10');
  });
});

/** Crockford base-32 of a time, 10 characters: ULID's time part, written out independently. */
const crockfordTime = (ms: number) =>
  [...ms.toString(32).padStart(10, '0')]
    .map((digit) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[Number.parseInt(digit, 32)])
    .join('');

describe('the id of an occurrence', () => {
  const at = new Date('2027-02-21T09:00:00Z');

  it('is the same whoever works it out, so two senders create one occurrence', () => {
    expect(occurrenceId('01PARENT', at)).toBe(occurrenceId('01PARENT', new Date(at.getTime())));
  });

  it('is a ULID of its send time', () => {
    const id = occurrenceId('01PARENT', at);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id.slice(0, 10)).toBe(crockfordTime(at.getTime()));
  });

  it('differs per send time and per parent', () => {
    const ids = [
      occurrenceId('01PARENT', at),
      occurrenceId('01PARENT', new Date(at.getTime() + 1)),
      occurrenceId('01PARENT', new Date(at.getTime() + 90 * DAY)),
      occurrenceId('01OTHER', at),
    ];
    expect(new Set(ids).size).toBe(4);
    // Its random part comes from the parent alone.
    expect(ids[1]?.slice(10)).toBe(ids[0]?.slice(10));
    expect(ids[3]?.slice(10)).not.toBe(ids[0]?.slice(10));
  });
});

describe('the next occurrence of a recurring wave', () => {
  const parent: Wave = {
    id: '01PARENT',
    name: 'Quarterly',
    kind: 'csat',
    locale: 'nl',
    product: 'Acme',
    sendAt: '2026-11-23T09:00:00.000Z',
    every: 'P90D',
    spreadDays: 3,
    dispatched: 40,
    status: 'sent',
    recipients: 40,
    skipped: { invalid: 2 },
    createdAt: '2026-11-01T00:00:00.000Z',
  };
  const sendAt = new Date('2027-02-21T09:00:00Z');
  const createdAt = new Date('2026-11-26T12:00:00Z');

  it('copies the survey and its schedule, and starts empty and importing', () => {
    expect(occurrenceOf(parent, sendAt, createdAt)).toEqual({
      id: occurrenceId('01PARENT', sendAt),
      name: 'Quarterly',
      kind: 'csat',
      locale: 'nl',
      product: 'Acme',
      sendAt: '2027-02-21T09:00:00.000Z',
      every: 'P90D',
      spreadDays: 3,
      parentId: '01PARENT',
      occurrence: 2,
      status: 'importing',
      recipients: 0,
      skipped: {},
      createdAt: '2026-11-26T12:00:00.000Z',
    });
  });

  it('keeps the alert address, the sender, the Reply-To and the reminder of the parent', () => {
    const loop = {
      ...parent,
      alertTo: 'cs@example.com',
      fromName: 'Acme Success',
      replyTo: 'help@example.com',
      remindAfterSeconds: 259_200,
    };
    expect(occurrenceOf(loop, sendAt, createdAt)).toMatchObject({
      alertTo: 'cs@example.com',
      fromName: 'Acme Success',
      replyTo: 'help@example.com',
      remindAfterSeconds: 259_200,
    });
  });

  it('counts on from the parent occurrence', () => {
    expect(occurrenceOf({ ...parent, occurrence: 4 }, sendAt, createdAt).occurrence).toBe(5);
  });

  it('leaves out a spread the parent did not have', () => {
    const { spreadDays: _, ...unspread } = parent;
    expect(occurrenceOf(unspread, sendAt, createdAt)).not.toHaveProperty('spreadDays');
  });
});
