/** The writes that move a recipient between send states, and how many fit in one transaction. Pure. */
import { describe, expect, it } from 'vitest';
import {
  CLAIM_LEASE_MS,
  claim,
  fail,
  handBack,
  isStaleClaim,
  sent,
  skip,
  surveyedUpdate,
  type Transition,
  transactionPlan,
  transitionUpdate,
} from '#shared/sending/transitions.ts';
import type { Recipient } from '#shared/waves/model.ts';

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
    [
      'claim',
      claim(r, now, 'sender-1'),
      'pending',
      { status: 'claimed', claimedAt: '2026-11-23T10:00:00.000Z', claimedBy: 'sender-1' },
    ],
    ['fail', fail(r, 'interrupted'), 'claimed', { status: 'failed', reason: 'interrupted' }],
    ['hand back', handBack(r), 'claimed', { status: 'pending' }],
  ])('%s moves from %s', (_name, t, from, set) => {
    expect(t).toEqual({ r, from, set });
  });

  it("records a send on the day it went out in the digest's time zone", () => {
    // 23:30 UTC on 22 November is 00:30 on 23 November in Amsterdam (UTC+1 in winter).
    expect(sent(r, 'm-1', new Date('2026-11-22T23:30:00Z'), 'Europe/Amsterdam')).toEqual({
      r,
      from: 'claimed',
      set: { status: 'sent', sentAt: '2026-11-22T23:30:00.000Z', sentDay: '2026-11-23', messageId: 'm-1' },
    });
    // The same instant is still 22 November in New York (UTC−5).
    expect(sent(r, 'm-1', new Date('2026-11-22T23:30:00Z'), 'America/New_York').set.sentDay).toBe(
      '2026-11-22',
    );
  });

  it('is one conditional update on the state it leaves, bumping the version', () => {
    expect(transitionUpdate('T', claim(r, now, 's1'))).toEqual({
      TableName: 'T',
      Key: { pk: 'WAVE#w1', sk: 'RCPT#c1' },
      UpdateExpression: 'SET #f0 = :v0, #f1 = :v1, #f2 = :v2 ADD version :one',
      ConditionExpression: '#s = :from',
      ExpressionAttributeNames: { '#s': 'status', '#f0': 'status', '#f1': 'claimedAt', '#f2': 'claimedBy' },
      ExpressionAttributeValues: {
        ':from': 'pending',
        ':one': 1,
        ':v0': 'claimed',
        ':v1': '2026-11-23T10:00:00.000Z',
        ':v2': 's1',
      },
    });
  });

  it("marks the contact surveyed with the send's time and the wave", () => {
    expect(surveyedUpdate('T', r, now)).toEqual({
      TableName: 'T',
      Key: { pk: 'CONTACT#c1', sk: 'META' },
      UpdateExpression: 'SET contactId = :id, email = :email, lastSurveyedAt = :now ADD waves :wave',
      ExpressionAttributeValues: {
        ':id': 'c1',
        ':email': 'c1@example.com',
        ':now': '2026-11-23T10:00:00.000Z',
        ':wave': new Set(['w1']),
      },
    });
  });
});

describe('planning one transaction', () => {
  const many = (n: number): Transition[] => Array.from({ length: n }, (_, i) => handBack(recipient(`c${i}`)));
  const at = new Date('2026-11-23T10:00:00Z');

  it('puts the transitions first, then their contacts surveyed marks in the same order', () => {
    const plan = transactionPlan('T', many(2), at);
    expect(plan?.map((item) => item.Update?.Key)).toEqual([
      { pk: 'WAVE#w1', sk: 'RCPT#c0' },
      { pk: 'WAVE#w1', sk: 'RCPT#c1' },
      { pk: 'CONTACT#c0', sk: 'META' },
      { pk: 'CONTACT#c1', sk: 'META' },
    ]);
  });

  it.each([
    // DynamoDB takes at most 100 items in one transaction.
    [100, undefined, 100],
    [101, undefined, undefined],
    [50, at, 100], // 50 transitions + 50 marks
    [51, at, undefined], // 51 + 51 = 102
  ])('plans %i transitions (surveyed marks: %s) as %s items', (n, surveyedAt, items) => {
    expect(transactionPlan('T', many(n), surveyedAt)?.length).toBe(items);
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
