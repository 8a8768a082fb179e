/** The writes that move a recipient between send states, and the shard key that spreads them. Pure. */
import { describe, expect, it } from 'vitest';
import {
  CLAIM_LEASE_MS,
  fail,
  handBack,
  isStaleClaim,
  sent,
  skip,
  surveyedItem,
  transitionUpdate,
} from '#shared/sending/transitions.ts';
import {
  laneShards,
  lanesFor,
  recipientKey,
  responseKey,
  shardOf,
  WAVE_SHARDS,
  waveShardPartition,
} from '#shared/store/keys.ts';
import type { Recipient } from '#shared/waves/model.ts';
import { shownStatus } from '#shared/waves/status.ts';

const recipient = (contactId: string): Recipient => ({
  pk: 'WAVE#w1',
  sk: `RCPT#${contactId}`,
  waveId: 'w1',
  contactId,
  email: `${contactId}@example.com`,
  name: contactId,
  locale: 'en',
  kind: 'nps',
  props: {},
  status: 'pending',
});
const r = recipient('c1');

describe('recipient transitions', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  it.each([
    ['skip', skip(r, 'fatigue'), 'pending', { status: 'skipped', reason: 'fatigue' }],
    ['fail', fail(r, 'rejected'), 'pending', { status: 'failed', reason: 'rejected' }],
    ['hand back', handBack(r), 'claimed', { status: 'pending' }],
  ])('%s moves from %s', (_name, t, from, set) => {
    expect(t).toEqual({ r, from, set });
  });

  it("records a send on the day it went out in the digest's time zone", () => {
    // 23:30 UTC on 22 November is 00:30 on 23 November in Amsterdam (UTC+1 in winter).
    expect(sent(r, 'm-1', new Date('2026-11-22T23:30:00Z'), 'Europe/Amsterdam')).toEqual({
      r,
      from: 'pending',
      set: { status: 'sent', sentAt: '2026-11-22T23:30:00.000Z', sentDay: '2026-11-23', messageId: 'm-1' },
    });
    // SES's Send event settles a recipient claimed one by one (before shard locks) from `claimed`.
    expect(sent(r, 'm-1', now, 'UTC', 'claimed').from).toBe('claimed');
    // The same instant is still 22 November in New York (UTC−5).
    expect(sent(r, 'm-1', new Date('2026-11-22T23:30:00Z'), 'America/New_York').set.sentDay).toBe(
      '2026-11-22',
    );
  });

  it('is one conditional update on the state it leaves, bumping the version', () => {
    expect(transitionUpdate('T', skip(r, 'fatigue'))).toEqual({
      TableName: 'T',
      Key: { pk: waveShardPartition('w1', shardOf('c1')), sk: 'RCPT#c1' },
      UpdateExpression: 'SET #f0 = :v0, #f1 = :v1 ADD version :one',
      ConditionExpression: '#s = :from',
      ExpressionAttributeNames: { '#s': 'status', '#f0': 'status', '#f1': 'reason' },
      ExpressionAttributeValues: { ':from': 'pending', ':one': 1, ':v0': 'skipped', ':v1': 'fatigue' },
    });
  });

  it("marks the contact surveyed with the send's time and the wave, as an item of its own put whole", () => {
    expect(surveyedItem(r, now)).toEqual({
      pk: 'CONTACT#c1',
      sk: 'SURVEYED',
      contactId: 'c1',
      lastSurveyedAt: '2026-11-23T10:00:00.000Z',
      waveId: 'w1',
    });
  });
});

describe('write sharding of a wave', () => {
  it('shards by 32-bit FNV-1a of the contact id modulo 128, checked against fixed vectors', () => {
    // FNV-1a's published vectors ('' 0x811c9dc5, 'a' 0xe40c292c, 'foobar' 0xbf9cf968) and two ids worked out
    // beside this test (c1 0x8829dfd9, a3f9 0x8ed63698), each modulo 128. A changed hash moves every stored
    // recipient to another partition, so it must fail here.
    const vectors: [string, number][] = [
      ['', 69],
      ['a', 44],
      ['foobar', 104],
      ['c1', 89],
      ['a3f9', 24],
      ['x'.repeat(64), 69],
    ];
    for (const [id, shard] of vectors) expect(shardOf(id), id).toBe(shard);
  });

  it('puts a contact in the same shard of every wave, its recipient and response together', () => {
    for (const [id, shard] of [
      ['c1', '089'],
      ['a3f9', '024'],
      ['x'.repeat(64), '069'],
    ] as const) {
      expect(recipientKey('w1', id)).toEqual({ pk: `WAVE#w1#${shard}`, sk: `RCPT#${id}` });
      expect(responseKey('w1', id)).toEqual({ pk: `WAVE#w1#${shard}`, sk: `RESP#${id}` });
      expect(recipientKey('w2', id).pk).toBe(`WAVE#w2#${shard}`);
    }
  });

  it('spreads 128,000 contacts evenly: no shard off its share by more than 15%', () => {
    const counts = new Array<number>(WAVE_SHARDS).fill(0);
    for (let i = 0; i < 128_000; i++)
      counts[shardOf(`contact-${i}`)] = (counts[shardOf(`contact-${i}`)] ?? 0) + 1;
    expect(Math.max(...counts)).toBeLessThan(1150);
    expect(Math.min(...counts)).toBeGreaterThan(850);
  });
});

describe('a stale claim', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const claimedAgo = (ms: number) => ({ claimedAt: new Date(now.getTime() - ms).toISOString() });

  it('has a ten-minute lease', () => {
    expect(CLAIM_LEASE_MS).toBe(600_000);
  });
  it.each([
    ['claimed just now', claimedAgo(0), false],
    ['claimed 9 min 59.999 s ago', claimedAgo(599_999), false],
    ['claimed exactly 10 minutes ago', claimedAgo(600_000), true],
    ['claimed an hour ago', claimedAgo(3_600_000), true],
    ['without a claim time', {}, true],
  ])('%s: stale is %s', (_name, claimRecord, stale) => {
    expect(isStaleClaim(claimRecord, now)).toBe(stale);
  });
});

describe('lanes of a wave', () => {
  it.each([
    [1, 1],
    [399, 1],
    [400, 2],
    [2_000, 8],
    [25_600, 128],
    [1_000_000, 128],
  ])('a wave of %i recipients is sent in %i lanes', (recipients, lanes) => {
    expect(lanesFor(recipients)).toBe(lanes);
  });

  it('divides the shards among the lanes, each once', () => {
    for (const lanes of [1, 2, 8, 128]) {
      const covered = Array.from({ length: lanes }, (_, lane) => laneShards(lane, lanes)).flatMap(([a, b]) =>
        Array.from({ length: b - a + 1 }, (_, i) => a + i),
      );
      expect(covered).toEqual(Array.from({ length: WAVE_SHARDS }, (_, i) => i));
    }
  });
});

describe('the status a wave shows', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  it.each([
    ['sending, heartbeat 10 s ago', 'sending', '2026-12-07T09:59:50Z', 'sending'],
    ['sending, heartbeat 89 s ago', 'sending', '2026-12-07T09:58:31Z', 'sending'],
    ['sending, heartbeat 90 s ago', 'sending', '2026-12-07T09:58:30Z', 'resuming'],
    ['sending, no heartbeat', 'sending', undefined, 'resuming'],
    ['sent, old heartbeat', 'sent', '2026-12-01T00:00:00Z', 'sent'],
    ['scheduled', 'scheduled', undefined, 'scheduled'],
  ] as const)('%s: %s', (_name, status, heartbeatAt, shown) => {
    expect(shownStatus({ status, ...(heartbeatAt ? { heartbeatAt } : {}) }, now)).toBe(shown);
  });
});
