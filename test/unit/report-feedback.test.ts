import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '#shared/answering/responses.ts';
import {
  decodePosition,
  encodePosition,
  feedbackCommentOf,
  matchesFeedback,
} from '#shared/reporting/feedback.ts';
import { feedbackCsvHeader, feedbackCsvRow } from '#shared/reporting/feedback-export.ts';

const response = (over: Partial<ResponseItem> = {}): ResponseItem => ({
  pk: 'WAVE#w1',
  sk: 'RESP#c1',
  waveId: 'w1',
  contactId: 'c1',
  kind: 'nps',
  locale: 'de',
  props: { region: 'EU', plan: 'Team' },
  status: 'committed',
  score: 3,
  category: 'detractor',
  respondedAt: '2026-11-24T09:00:00.000Z',
  day: '2026-11-24',
  answers: { reason: 'Zu LANGSAM', improve: 'Schneller' },
  clicks: [],
  history: [],
  version: 2,
  ...over,
});

describe('which comments a filter lets through', () => {
  it('passes a committed response with written answers when nothing is filtered', () => {
    expect(matchesFeedback({}, response())).toBe(true);
  });

  it.each([
    ['a pending response', response({ status: 'pending' })],
    ['a quarantined response', response({ status: 'quarantined' })],
    ['a score without any written answer', response({ answers: { recommendFrequency: '2-5' } })],
  ])('leaves out %s', (_, item) => {
    expect(matchesFeedback({}, item)).toBe(false);
  });

  it.each([
    [{ kind: 'nps' as const }, { kind: 'csat' as const }],
    [{ category: 'detractor' as const }, { category: 'promoter' as const }],
    [{ waveId: 'w1' }, { waveId: 'w2' }],
    [{ locale: 'de' as const }, { locale: 'en' as const }],
    [{ segment: { column: 'region', value: 'EU' } }, { segment: { column: 'region', value: 'US' } }],
    [{ segment: { column: 'plan', value: 'Team' } }, { segment: { column: 'team', value: 'Team' } }],
    [{ text: 'langsam' }, { text: 'teuer' }],
    [{ text: '  schneller ' }, { text: 'schnellere' }],
  ])('matches %j and not %j', (yes, no) => {
    expect(matchesFeedback(yes, response())).toBe(true);
    expect(matchesFeedback(no, response())).toBe(false);
  });

  it('finds text in a referral and across Unicode forms (a composed and a decomposed ü)', () => {
    const item = response({ answers: { referral: 'Meine Kollegin in Zu\u0308rich' } });
    expect(matchesFeedback({ text: 'zürich' }, item)).toBe(true);
  });
});

describe('a listed comment', () => {
  it('carries the answers and the segment properties but no contact id', () => {
    const comment = feedbackCommentOf(response({ answers: { referral: 'Globex' } }));
    expect(comment).toEqual({
      waveId: 'w1',
      kind: 'nps',
      score: 3,
      category: 'detractor',
      locale: 'de',
      props: { region: 'EU', plan: 'Team' },
      respondedAt: '2026-11-24T09:00:00.000Z',
      referral: 'Globex',
    });
  });

  it('keeps its page position only when it is one this module wrote for the same days', () => {
    const range = { since: '2026-11-01', until: '2026-12-01' };
    const position = {
      day: '2026-11-24',
      after: { gsi1pk: 'FEEDBACK#2026-11-24', gsi1sk: 'x', pk: 'WAVE#w', sk: 'RESP#c' },
    };
    expect(decodePosition(encodePosition(position), range)).toEqual(position);
    expect(() =>
      decodePosition(encodePosition(position), { since: '2026-12-01', until: '2027-01-01' }),
    ).toThrow('Not a page of these comments');
    expect(() => decodePosition('not-base64-json', range)).toThrow('Not a page of these comments');
    const otherDay = { ...position, after: { ...position.after, gsi1pk: 'FEEDBACK#2026-11-02' } };
    expect(() => decodePosition(encodePosition(otherDay), range)).toThrow('Not a page of these comments');
    expect(() =>
      decodePosition(encodePosition({ day: '2026-11-24', after: { TableName: 'other' } } as never), range),
    ).toThrow('Not a page of these comments');
  });
});

describe('the CSV export’s columns', () => {
  it('puts the fixed columns first, then each segment column, prefixing one that would clash', () => {
    expect(feedbackCsvHeader(['region', 'score'])).toEqual([
      'answered_at',
      'wave_id',
      'wave',
      'survey',
      'score',
      'category',
      'language',
      'reason',
      'improve',
      'referral',
      'region',
      'segment_score',
    ]);
  });

  it('writes one row in the header’s order, empty where a comment has no such answer or property', () => {
    const row = feedbackCsvRow(feedbackCommentOf(response()), 'Autumn', ['plan', 'country']);
    expect(row).toEqual([
      '2026-11-24T09:00:00.000Z',
      'w1',
      'Autumn',
      'nps',
      3,
      'detractor',
      'de',
      'Zu LANGSAM',
      'Schneller',
      '',
      'Team',
      '',
    ]);
  });
});
