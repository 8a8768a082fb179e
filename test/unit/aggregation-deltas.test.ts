/**
 * What one item counts. Counter ids are written out by hand (`AGG#kind#scope|period`), so a change of any
 * key shape or scope fails here as well as in the integration tests.
 */
import { describe, expect, it } from 'vitest';
import { contribute, counterId, counterKeyOf, type Deltas, scopesOf } from '#shared/aggregation/deltas.ts';
import type { ResponseItem } from '#shared/answering/responses.ts';
import type { Recipient } from '#shared/store/recipient.ts';
import { aRecipient, aResponse } from '../support/builders.ts';

/** Deltas as a plain object: `pk|sk` → attribute → delta. */
const plain = (deltas: Deltas) =>
  Object.fromEntries([...deltas].map(([id, attributes]) => [id, Object.fromEntries(attributes)]));

/** What the new image adds and the old one takes away, as the aggregator applies a change. */
const change = (
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown> | undefined,
) => {
  const deltas: Deltas = new Map();
  const segments = new Set<string>();
  contribute(deltas, segments, oldImage, -1);
  contribute(deltas, segments, newImage, 1);
  return { deltas: plain(deltas), segments: [...segments].sort() };
};

const response = (over: Partial<ResponseItem>) =>
  aResponse({
    waveId: 'w1',
    contactId: 'c1',
    kind: 'nps',
    locale: 'nl',
    props: { region: 'EU', plan: 'team' },
    status: 'committed',
    day: '2026-11-23',
    ...over,
  });

const recipient = (over: Partial<Recipient>) =>
  aRecipient({ waveId: 'w1', contactId: 'c1', kind: 'nps', locale: 'nl', props: { region: 'EU' }, ...over });

/** The seven scopes of `response({})`, by hand. */
const RESPONSE_PKS = [
  'AGG#nps#all',
  'AGG#nps#wave#w1',
  'AGG#nps#locale#nl',
  'AGG#nps#seg#region#EU',
  'AGG#nps#seg#plan#team',
  'AGG#nps#waveseg#w1#region#EU',
  'AGG#nps#waveseg#w1#plan#team',
];
/** The same counters in all time and on the response's day. */
const everywhere = (counters: Record<string, number>, pks = RESPONSE_PKS, day = '2026-11-23') =>
  Object.fromEntries(
    pks.flatMap((pk) => [
      [`${pk}|ALL`, counters],
      [`${pk}|DAY#${day}`, counters],
    ]),
  );

describe('scopesOf', () => {
  const cases: { name: string; image: Parameters<typeof scopesOf>[0]; scopes: string[] }[] = [
    {
      name: 'counts a response in everything, its wave, its locale and each segment value, alone and in its wave',
      image: response({}),
      scopes: [
        'all',
        'wave#w1',
        'locale#nl',
        'seg#region#EU',
        'seg#plan#team',
        'waveseg#w1#region#EU',
        'waveseg#w1#plan#team',
      ],
    },
    {
      name: 'leaves out the locale scope when the item has none',
      image: { waveId: 'w2', props: { region: 'US' } },
      scopes: ['all', 'wave#w2', 'seg#region#US', 'waveseg#w2#region#US'],
    },
    {
      name: 'counts an item without segment properties in everything and its wave only',
      image: { waveId: 'w3' },
      scopes: ['all', 'wave#w3'],
    },
    {
      name: 'keeps a # inside a segment value',
      image: { waveId: 'w1', props: { team: 'R#D' } },
      scopes: ['all', 'wave#w1', 'seg#team#R#D', 'waveseg#w1#team#R#D'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(scopesOf(c.image)).toEqual(c.scopes));
});

describe('contribute', () => {
  const cases: {
    name: string;
    old?: Record<string, unknown>;
    new?: Record<string, unknown>;
    deltas: Record<string, Record<string, number>>;
    segments?: string[];
  }[] = [
    {
      name: 'adds a committed 9 to s9 and n in every scope, all time and on its day',
      new: response({ score: 9 }),
      deltas: everywhere({ s9: 1, n: 1 }),
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'counts an imported answer as imported too, so the response rate can leave it out',
      new: response({ score: 6, via: 'import' }),
      deltas: everywhere({ s6: 1, n: 1, imported: 1 }),
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'moves a change from 9 to 3 from s9 to s3 and leaves n as it was',
      old: response({ score: 9 }),
      new: response({ score: 3 }),
      deltas: everywhere({ s9: -1, n: 0, s3: 1 }),
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'counts a change of day on the old day out and the new day in',
      old: response({ score: 7, day: '2026-11-22' }),
      new: response({ score: 7, day: '2026-11-23' }),
      deltas: {
        ...Object.fromEntries(RESPONSE_PKS.map((pk) => [`${pk}|ALL`, { s7: 0, n: 0 }])),
        ...Object.fromEntries(RESPONSE_PKS.map((pk) => [`${pk}|DAY#2026-11-22`, { s7: -1, n: -1 }])),
        ...Object.fromEntries(RESPONSE_PKS.map((pk) => [`${pk}|DAY#2026-11-23`, { s7: 1, n: 1 }])),
      },
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'counts a quarantined response as quarantined, never in the histogram',
      old: response({ status: 'pending' }),
      new: response({ status: 'quarantined', score: 10 }),
      deltas: everywhere({ quarantined: 1 }),
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'takes a committed response out of the histogram when it is quarantined',
      old: response({ score: 10 }),
      new: response({ status: 'quarantined', score: 10 }),
      deltas: everywhere({ s10: -1, n: -1, quarantined: 1 }),
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'counts nothing for a pending response',
      new: response({ status: 'pending', score: 4 }),
      deltas: {},
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'counts a response without a day in all time only',
      new: response({ score: 8, day: undefined, props: {} }),
      deltas: Object.fromEntries(
        ['AGG#nps#all', 'AGG#nps#wave#w1', 'AGG#nps#locale#nl'].map((pk) => [`${pk}|ALL`, { s8: 1, n: 1 }]),
      ),
    },
    {
      name: 'takes an erased response out of every counter it was in',
      old: response({ score: 0 }),
      deltas: everywhere({ s0: -1, n: -1 }),
      segments: ['plan#team', 'region#EU'],
    },
    {
      name: 'keeps the survey kind apart: a CSAT 4 counts under AGG#csat',
      new: response({ kind: 'csat', score: 4, locale: undefined, props: {} }),
      deltas: everywhere({ s4: 1, n: 1 }, ['AGG#csat#all', 'AGG#csat#wave#w1']),
    },
    {
      name: 'counts a sent recipient in everything and its wave, all time and on the day sent',
      old: recipient({ status: 'pending' }),
      new: recipient({ status: 'sent', sentDay: '2026-11-20' }),
      deltas: everywhere({ sent: 1 }, ['AGG#nps#all', 'AGG#nps#wave#w1'], '2026-11-20'),
    },
    {
      name: 'counts a sent recipient without a day sent in all time only',
      new: recipient({ status: 'sent' }),
      deltas: { 'AGG#nps#all|ALL': { sent: 1 }, 'AGG#nps#wave#w1|ALL': { sent: 1 } },
    },
    {
      name: 'counts a skipped recipient per reason, in its wave only',
      old: recipient({ status: 'pending' }),
      new: recipient({ status: 'skipped', reason: 'fatigue' }),
      deltas: { 'AGG#nps#wave#w1|ALL': { skipped_fatigue: 1 } },
    },
    {
      name: 'counts a failed send in its wave only',
      new: recipient({ status: 'failed' }),
      deltas: { 'AGG#nps#wave#w1|ALL': { failed_send: 1 } },
    },
    {
      name: 'counts nothing for a recipient still pending',
      new: recipient({ status: 'pending' }),
      deltas: {},
    },
    {
      name: 'counts nothing for an item that is neither a response nor a recipient',
      new: { pk: 'WAVE#w1', sk: 'META', kind: 'nps', waveId: 'w1', status: 'sent' },
      deltas: {},
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const result = change(c.old, c.new);
      expect(result.deltas).toEqual(c.deltas);
      expect(result.segments).toEqual(c.segments ?? []);
    });
});

describe('reminders', () => {
  it('counts a reminder that went out once, per wave, when it turns sent', () => {
    const sent = recipient({ status: 'sent', sentDay: '2026-11-20', reminder: 'claimed' });
    // The first email's counters cancel out (−1 and +1); only the reminder is new.
    const nonZero = (deltas: Record<string, Record<string, number>>) =>
      Object.fromEntries(
        Object.entries(deltas)
          .map(([id, c]) => [id, Object.fromEntries(Object.entries(c).filter(([, by]) => by !== 0))] as const)
          .filter(([, c]) => Object.keys(c).length > 0),
      );
    expect(nonZero(change(sent, { ...sent, reminder: 'sent' }).deltas)).toEqual({
      'AGG#nps#wave#w1|ALL': { reminded: 1 },
    });
    expect(nonZero(change(sent, { ...sent, reminder: 'failed' }).deltas)).toEqual({});
  });
});

describe('counter ids', () => {
  it('joins pk and sk with | and splits them back at the last |', () => {
    expect(counterId('AGG#nps#all', 'ALL')).toBe('AGG#nps#all|ALL');
    expect(counterKeyOf('AGG#nps#seg#team#A|B|DAY#2026-11-23')).toEqual({
      pk: 'AGG#nps#seg#team#A|B',
      sk: 'DAY#2026-11-23',
    });
  });
});
