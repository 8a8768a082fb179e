/**
 * The personal-data map and retention's pure parts: what retention leaves of an item counts exactly what the
 * item counted (so the aggregator's deltas for an anonymising change are all zero), every kind is handled,
 * and the cutoff and a wave's last possible answer are computed by hand here.
 */
import { describe, expect, it } from 'vitest';
import { UPLOADS } from '#infra/system.ts';
import { contribute, type Deltas } from '#shared/aggregation/deltas.ts';
import { ERASERS } from '#shared/privacy/erasers.ts';
import {
  ANONYMISED_AT,
  anonymised,
  type ItemKind,
  PERSONAL_DATA,
  PERSONAL_FILES,
  RECIPIENT_PERSONAL,
  RESPONSE_PERSONAL,
} from '#shared/privacy/personal-data.ts';
import {
  isPastRetention,
  lastAnswerBy,
  RETENTION_REMOVES,
  retentionCutoff,
} from '#shared/privacy/retention.ts';

const AT = '2028-12-01T03:30:00.000Z';

/** The counter deltas of one change from `before` to `after`, as the aggregator applies them. */
const deltasOf = (before: Record<string, unknown>, after: Record<string, unknown>) => {
  const deltas: Deltas = new Map();
  const segments = new Set<string>();
  contribute(deltas, segments, before, -1);
  contribute(deltas, segments, after, 1);
  const nonZero = [...deltas].flatMap(([id, counters]) =>
    [...counters].filter(([, by]) => by !== 0).map(([attribute, by]) => `${id} ${attribute} ${by}`),
  );
  return { nonZero, counted: deltas.size };
};

const response = {
  pk: 'WAVE#w1',
  sk: 'RESP#c1',
  waveId: 'w1',
  contactId: 'c1',
  kind: 'nps',
  locale: 'nl',
  props: { region: 'EU', plan: 'pro' },
  status: 'committed',
  score: 3,
  category: 'detractor',
  respondedAt: '2026-11-23T09:00:00.000Z',
  via: 'submit',
  day: '2026-11-23',
  value: 1200,
  answers: { reason: 'Too slow', improve: 'Faster support' },
  clicks: [{ score: 3, at: '2026-11-23T08:59:00.000Z' }],
  history: [{ score: 9, at: '2026-11-22T08:00:00.000Z', via: 'dwell' }],
  version: 4,
  gsi1pk: 'FEEDBACK#2026-11-23',
  gsi1sk: '2026-11-23T09:00:00.000Z#w1#c1',
};
const recipient = {
  pk: 'WAVE#w1',
  sk: 'RCPT#c1',
  waveId: 'w1',
  contactId: 'c1',
  email: 'ann@example.com',
  name: 'Ann',
  locale: 'nl',
  kind: 'nps',
  props: { region: 'EU' },
  status: 'sent',
  sentAt: '2026-11-20T09:00:00.000Z',
  sentDay: '2026-11-20',
  messageId: 'm1',
};

describe('what retention leaves of an item', () => {
  const cases: { name: string; item: Record<string, unknown>; remove: readonly string[] }[] = [
    {
      name: 'a committed response with answers, a value and a feedback entry',
      item: response,
      remove: RESPONSE_PERSONAL,
    },
    {
      name: 'a quarantined response',
      item: { ...response, status: 'quarantined', automatedAt: '2026-11-23T09:00:01.000Z' },
      remove: RESPONSE_PERSONAL,
    },
    { name: 'a sent recipient', item: recipient, remove: RECIPIENT_PERSONAL },
    {
      name: 'a skipped recipient',
      item: { ...recipient, status: 'skipped', reason: 'fatigue' },
      remove: RECIPIENT_PERSONAL,
    },
    {
      name: 'a recipient whose send failed',
      item: { ...recipient, status: 'failed', reason: 'x' },
      remove: RECIPIENT_PERSONAL,
    },
  ];
  for (const c of cases) {
    it(`moves no counter for ${c.name}`, () => {
      const { nonZero, counted } = deltasOf(c.item, anonymised(c.item, c.remove, AT));
      expect(counted).toBeGreaterThan(0); // it did count somewhere: a zero here is not an empty test
      expect(nonZero).toEqual([]);
    });
  }

  it('holds none of the response’s text, clicks or times, and leaves the feedback index', () => {
    const left = anonymised(response, RESPONSE_PERSONAL, AT);
    expect(Object.keys(left).sort()).toEqual(
      [
        'pk',
        'sk',
        'waveId',
        'contactId',
        'kind',
        'locale',
        'props',
        'status',
        'score',
        'category',
        'via',
        'day',
        'value',
        'version',
        ANONYMISED_AT,
      ].sort(),
    );
    expect(JSON.stringify(left)).not.toMatch(/Too slow|Faster|FEEDBACK|08:59/);
  });

  it('holds no address or name of the recipient', () => {
    const left = anonymised(recipient, RECIPIENT_PERSONAL, AT);
    expect(JSON.stringify(left)).not.toMatch(/ann@example.com|"Ann"|region/);
  });

  it('is counted differently once a counted attribute goes: the check above can fail', () => {
    expect(deltasOf(response, anonymised(response, [...RESPONSE_PERSONAL, 'day'], AT)).nonZero).not.toEqual(
      [],
    );
    expect(deltasOf(response, anonymised(response, [...RESPONSE_PERSONAL, 'props'], AT)).nonZero).not.toEqual(
      [],
    );
  });
});

describe('the map is walked whole', () => {
  it('has an eraser for every kind of personal data', () => {
    expect(Object.keys(ERASERS).sort()).toEqual(Object.keys(PERSONAL_DATA).sort());
  });

  it('lets retention handle exactly the kinds whose entry removes attributes', () => {
    const removing = (Object.keys(PERSONAL_DATA) as ItemKind[]).filter(
      (kind) => 'remove' in PERSONAL_DATA[kind].retention,
    );
    expect([...RETENTION_REMOVES].sort()).toEqual(removing.sort());
  });

  it('keeps (does not erase) only kinds that hold nothing but the contact id', () => {
    for (const entry of Object.values(PERSONAL_DATA))
      if (entry.erasure === 'keep') expect(entry.holds).toEqual([]);
  });
});

describe('retentionCutoff', () => {
  const cases: [string, number, string][] = [
    ['2026-11-23T10:15:00.000Z', 24, '2024-11-23T10:15:00.000Z'],
    // 31 March less a month is the last day of February; a leap day less a year is 28 February.
    ['2026-03-31T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
    ['2024-02-29T12:00:00.000Z', 12, '2023-02-28T12:00:00.000Z'],
    ['2026-01-15T23:59:59.000Z', 13, '2024-12-15T23:59:59.000Z'],
  ];
  it.each(cases)('%s less %i months is %s', (now, months, cutoff) => {
    expect(retentionCutoff(new Date(now), months).toISOString()).toBe(cutoff);
  });
});

describe('which waves are past retention', () => {
  const wave = {
    id: 'w1',
    name: 'Q1',
    kind: 'nps' as const,
    locale: 'en' as const,
    product: 'Acme',
    sendAt: '2024-01-01T00:00:00.000Z',
    status: 'sent',
    recipients: 3,
    skipped: {},
    createdAt: '2023-12-20T00:00:00.000Z',
  };
  const day = (iso: string) => Date.parse(iso);

  it('counts from the last send, spread and finish included, plus the links’ validity', () => {
    // Spread 3 days ends 4 January; it finished 2 January; + 60 days = 4 March 2024.
    expect(lastAnswerBy({ ...wave, spreadDays: 3, finishedAt: '2024-01-02T00:00:00.000Z' }, 60)).toBe(
      day('2024-03-04T00:00:00.000Z'),
    );
    // A long send finishing 10 January: + 60 days = 10 March 2024.
    expect(lastAnswerBy({ ...wave, finishedAt: '2024-01-10T00:00:00.000Z' }, 60)).toBe(
      day('2024-03-10T00:00:00.000Z'),
    );
  });

  it('counts imported answers from the end of the month they were given in', () => {
    expect(lastAnswerBy({ ...wave, status: 'imported', createdAt: '2026-11-01T00:00:00.000Z' }, 60)).toBe(
      day('2024-02-01T00:00:00.000Z'),
    );
  });

  it('applies to a settled wave past the cutoff, never to one scheduled, sending or done already', () => {
    const cutoff = new Date('2024-03-05T00:00:00.000Z');
    expect(isPastRetention(wave, cutoff, 60)).toBe(true);
    expect(isPastRetention({ ...wave, status: 'cancelled' }, cutoff, 60)).toBe(true);
    expect(isPastRetention(wave, new Date('2024-02-29T00:00:00.000Z'), 60)).toBe(false);
    expect(isPastRetention({ ...wave, status: 'scheduled' }, cutoff, 60)).toBe(false);
    expect(isPastRetention({ ...wave, status: 'sending' }, cutoff, 60)).toBe(false);
    expect(isPastRetention({ ...wave, anonymisedAt: AT }, cutoff, 60)).toBe(false);
  });
});

describe('personal data outside the table', () => {
  it("lists the console's audience uploads, which the bucket expires within the day the map promises", () => {
    const upload = PERSONAL_FILES.audienceUpload;
    expect(upload.where).toContain(UPLOADS.prefix);
    expect(upload.holds.join(' ')).toContain('addresses');
    expect(UPLOADS.expireDays).toBeLessThanOrEqual(upload.maxDays);
    expect(upload.maxDays).toBe(1);
  });
});
