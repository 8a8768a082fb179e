/**
 * The pure transitions of a response: clicks, commits, the trap link, bursts, and parsing the follow-up
 * form. Every expected state is written out by hand; no DynamoDB.
 */
import { describe, expect, it } from 'vitest';
import {
  type Answers,
  applyClick,
  applyCommit,
  applyTrap,
  type Click,
  isAutomatedNow,
  isBurst,
  newResponse,
  parseAnswers,
  type ResponseItem,
} from '#shared/answering/responses.ts';
import type { SurveyPolicy } from '#shared/core/config.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { MAX_ANSWER_LENGTH } from '#shared/core/survey.ts';
import { recipientKey } from '#shared/store/keys.ts';

const policy: SurveyPolicy = {
  fatigueDays: 90,
  linkValidityDays: 60,
  dwellSeconds: 5,
  burstDistinctScores: 3,
  burstWindowSeconds: 30,
  automatedWindowSeconds: 60,
  linkRequestsPerMinute: 60,
  minSegmentResponses: 30,
};

const NOW = new Date('2026-11-23T10:00:00.000Z');
/** The instant `seconds` before NOW, as an ISO string. */
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
const click = (score: number, secondsAgo: number): Click => ({ score, at: ago(secondsAgo) });

const recipient: Parameters<typeof newResponse>[0] = {
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
};

const pending = (over: Partial<ResponseItem> = {}): ResponseItem => ({
  pk: 'WAVE#w1',
  sk: 'RESP#c1',
  waveId: 'w1',
  contactId: 'c1',
  kind: 'nps',
  locale: 'nl',
  props: { region: 'EU' },
  status: 'pending',
  clicks: [],
  history: [],
  version: 0,
  ...over,
});

/** A response someone committed `secondsAgo` with `score` by submitting. */
const committed = (score: number, secondsAgo: number, over: Partial<ResponseItem> = {}): ResponseItem =>
  pending({
    status: 'committed',
    score,
    category: score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor',
    respondedAt: ago(secondsAgo),
    via: 'submit',
    day: '2026-11-23',
    clicks: [click(score, secondsAgo)],
    version: 2,
    ...over,
  });

const commit = (
  score: number,
  via: 'submit' | 'dwell' = 'submit',
  answers?: Answers,
  day = '2026-11-23',
) => ({
  score,
  answers,
  via,
  day,
});

describe('a new response', () => {
  it('starts pending, with no clicks, at version 0, keyed and labelled from its recipient', () => {
    expect(newResponse(recipient)).toEqual({
      pk: recipientKey('w1', 'c1').pk, // the recipient's shard of the wave
      sk: 'RESP#c1',
      waveId: 'w1',
      contactId: 'c1',
      kind: 'nps',
      locale: 'nl',
      props: { region: 'EU' },
      status: 'pending',
      clicks: [],
      history: [],
      version: 0,
    });
  });
});

describe('isBurst: several different scores from one link within the window (3 in 30 s)', () => {
  it.each([
    ['no clicks', [], false],
    ['one click', [click(7, 0)], false],
    ['one score, then a correction to another', [click(3, 5), click(8, 0)], false],
    [
      'the same two scores clicked back and forth',
      [click(3, 9), click(8, 6), click(3, 3), click(8, 0)],
      false,
    ],
    ['three different scores', [click(0, 2), click(5, 1), click(10, 0)], true],
    ['four different scores', [click(0, 3), click(5, 2), click(10, 1), click(7, 0)], true],
    ['three different scores, the first exactly 30 s ago', [click(0, 30), click(5, 1), click(10, 0)], true],
    ['three different scores, the first 30.001 s ago', [click(0, 30.001), click(5, 1), click(10, 0)], false],
    ['three different scores, spread over minutes', [click(0, 120), click(5, 60), click(10, 0)], false],
  ])('%s → %s', (_, clicks, expected) => {
    expect(isBurst(clicks, NOW, policy)).toBe(expected);
  });

  it('follows the policy’s count and window', () => {
    const two = [click(1, 50), click(2, 0)];
    expect(isBurst(two, NOW, { ...policy, burstDistinctScores: 2, burstWindowSeconds: 60 })).toBe(true);
    expect(isBurst(two, NOW, { ...policy, burstDistinctScores: 2, burstWindowSeconds: 49 })).toBe(false);
  });
});

describe('applyClick: opening a score link never counts', () => {
  it('records the click and bumps the version, leaving the response pending', () => {
    const before = pending();
    expect(applyClick(before, 7, NOW, policy)).toEqual(
      pending({ clicks: [{ score: 7, at: '2026-11-23T10:00:00.000Z' }], version: 1 }),
    );
    expect(before).toEqual(pending()); // the old state is not changed
  });

  it('lets a person correct their click without becoming a burst', () => {
    const after = applyClick(pending({ clicks: [click(3, 4)], version: 1 }), 8, NOW, policy);
    expect(after).toMatchObject({ status: 'pending', version: 2, clicks: [{ score: 3 }, { score: 8 }] });
    expect(after.score).toBeUndefined();
  });

  it('quarantines a pending response on the third different score within the window, with that score', () => {
    const state = pending({ clicks: [click(0, 2), click(5, 1)], version: 2 });
    expect(applyClick(state, 10, NOW, policy)).toEqual({
      ...state,
      status: 'quarantined',
      score: 10,
      version: 3,
      clicks: [...state.clicks, { score: 10, at: NOW.toISOString() }],
    });
  });

  it('does not quarantine on a third different score outside the window', () => {
    const state = pending({ clicks: [click(0, 31), click(5, 1)], version: 2 });
    expect(applyClick(state, 10, NOW, policy).status).toBe('pending');
  });

  it('keeps a committed score through a burst of clicks', () => {
    const state = committed(9, 600, { clicks: [click(0, 2), click(5, 1)] });
    const after = applyClick(state, 10, NOW, policy);
    expect(after).toMatchObject({ status: 'committed', score: 9, version: 3 });
    expect(after.clicks).toHaveLength(3);
  });

  it('keeps a quarantined response quarantined with the score it had', () => {
    const state = pending({ status: 'quarantined', score: 4, clicks: [click(4, 600)], version: 5 });
    expect(applyClick(state, 9, NOW, policy)).toMatchObject({ status: 'quarantined', score: 4, version: 6 });
  });

  it('keeps only the last 30 clicks', () => {
    const old = Array.from({ length: 30 }, (_, i) => click(6, 3600 - i));
    const after = applyClick(pending({ clicks: old, version: 30 }), 7, NOW, policy);
    expect(after.clicks).toHaveLength(30);
    expect(after.clicks[0]).toEqual(old[1]);
    expect(after.clicks.at(-1)).toEqual({ score: 7, at: NOW.toISOString() });
  });
});

describe('isAutomatedNow: within the window after the trap link was opened (60 s)', () => {
  it.each([
    ['the trap was never opened', undefined, false],
    ['the trap was opened just now', 0, true],
    ['the trap was opened 59.999 s ago', 59.999, true],
    ['the trap was opened exactly 60 s ago', 60, false],
    ['the trap was opened an hour ago', 3600, false],
  ])('%s → %s', (_, secondsAgo, expected) => {
    const state = pending(secondsAgo === undefined ? {} : { automatedAt: ago(secondsAgo) });
    expect(isAutomatedNow(state, NOW, policy)).toBe(expected);
  });
});

describe('applyTrap: the hidden link only an automated client opens', () => {
  it('quarantines a pending response and notes when', () => {
    expect(applyTrap(pending({ version: 1 }), NOW)).toEqual(
      pending({ status: 'quarantined', automatedAt: NOW.toISOString(), version: 2 }),
    );
  });

  it('keeps a person’s committed score, only noting the moment', () => {
    const state = committed(9, 600);
    expect(applyTrap(state, NOW)).toEqual({ ...state, automatedAt: NOW.toISOString(), version: 3 });
  });

  it('keeps a quarantined response quarantined', () => {
    const state = pending({ status: 'quarantined', score: 2, version: 4 });
    expect(applyTrap(state, NOW)).toEqual({ ...state, automatedAt: NOW.toISOString(), version: 5 });
  });
});

describe('applyCommit: a person submits or dwells', () => {
  it('counts a submitted score with its category, time, way and day, without a feedback index when no text', () => {
    const state = pending({ clicks: [click(8, 10)], version: 1 });
    expect(applyCommit(state, commit(8, 'submit'), NOW, policy)).toEqual({
      ...state,
      status: 'committed',
      score: 8,
      category: 'passive',
      respondedAt: '2026-11-23T10:00:00.000Z',
      via: 'submit',
      day: '2026-11-23',
      version: 2,
    });
  });

  it('does not record the click again when the same score was clicked within the hour', () => {
    const state = pending({ clicks: [click(8, 3599.999)], version: 1 });
    expect(applyCommit(state, commit(8), NOW, policy).clicks).toBe(state.clicks);
  });

  it.each([
    ['the same score clicked an hour ago or more', [click(8, 3600)]],
    ['only another score clicked', [click(7, 10)]],
    ['no click at all (a dwell beacon first)', []],
  ])('records the committed score as a click when there was %s', (_, clicks) => {
    const after = applyCommit(pending({ clicks }), commit(8), NOW, policy);
    expect(after.clicks).toEqual([...clicks, { score: 8, at: NOW.toISOString() }]);
    expect(after.status).toBe('committed');
  });

  it('keeps the answers and indexes written feedback by the day, for the digest', () => {
    const after = applyCommit(pending(), commit(3, 'submit', { reason: 'Slow' }, '2026-11-22'), NOW, policy);
    expect(after).toMatchObject({
      status: 'committed',
      score: 3,
      category: 'detractor',
      day: '2026-11-22',
      answers: { reason: 'Slow' },
      gsi1pk: 'FEEDBACK#2026-11-22',
      gsi1sk: '2026-11-23T10:00:00.000Z#w1#c1',
    });
  });

  it.each([
    ['a reason', { reason: 'x' }, true],
    ['an improvement', { improve: 'x' }, true],
    ['a referral', { referral: 'x' }, true],
    ['only a frequency and a consent', { recommendFrequency: '2-5', referralConsent: true }, false],
  ] as const)('indexes the response as feedback given %s: %s', (_, answers, indexed) => {
    const after = applyCommit(pending(), commit(9, 'submit', { ...answers }), NOW, policy);
    expect(after.answers).toEqual(answers);
    expect(after.gsi1pk).toBe(indexed ? 'FEEDBACK#2026-11-23' : undefined);
    expect(after.gsi1sk).toBe(indexed ? '2026-11-23T10:00:00.000Z#w1#c1' : undefined);
    expect('gsi1pk' in after).toBe(indexed);
  });

  it('merges later answers into earlier ones, the later winning', () => {
    const state = committed(3, 600, { answers: { reason: 'Slow', improve: 'Faster' } });
    const after = applyCommit(state, commit(3, 'submit', { reason: 'Very slow' }), NOW, policy);
    expect(after.answers).toEqual({ reason: 'Very slow', improve: 'Faster' });
  });

  it('moves the feedback index to the day of the latest commit', () => {
    const state = committed(3, 86_400, {
      answers: { reason: 'Slow' },
      gsi1pk: 'FEEDBACK#2026-11-22',
      gsi1sk: '2026-11-22T10:00:00.000Z#w1#c1',
    });
    const after = applyCommit(state, commit(4, 'dwell', undefined, '2026-11-23'), NOW, policy);
    expect(after).toMatchObject({ gsi1pk: 'FEEDBACK#2026-11-23', gsi1sk: '2026-11-23T10:00:00.000Z#w1#c1' });
  });

  it('drops a stale feedback index when no answer text remains', () => {
    const state = committed(9, 600, { gsi1pk: 'FEEDBACK#2026-11-22', gsi1sk: 'old' });
    const after = applyCommit(state, commit(10), NOW, policy);
    expect('gsi1pk' in after).toBe(false);
    expect('gsi1sk' in after).toBe(false);
  });

  it('replaces an earlier score and keeps it in the history, with when and how it was given', () => {
    const state = committed(6, 600, { via: 'dwell' });
    const after = applyCommit(state, commit(10), NOW, policy);
    expect(after).toMatchObject({ status: 'committed', score: 10, category: 'promoter', via: 'submit' });
    expect(after.history).toEqual([{ score: 6, at: ago(600), via: 'dwell' }]);
  });

  it('records a submit in the history when the earlier commit did not say how', () => {
    const state = committed(6, 600, { via: undefined });
    expect(applyCommit(state, commit(7), NOW, policy).history).toEqual([
      { score: 6, at: ago(600), via: 'submit' },
    ]);
  });

  it('keeps only the last 30 clicks when the commit adds one', () => {
    const old = Array.from({ length: 30 }, (_, i) => click(6, 7200 - i));
    const after = applyCommit(pending({ clicks: old }), commit(7), NOW, policy);
    expect(after.clicks).toHaveLength(30);
    expect(after.clicks[0]).toEqual(old[1]);
    expect(after.clicks.at(-1)).toEqual({ score: 7, at: NOW.toISOString() });
  });

  it('counts a dwell on the score a quarantined response already shows, once the automated window is over', () => {
    const state = pending({ status: 'quarantined', score: 7, automatedAt: ago(120), version: 1 });
    expect(applyCommit(state, commit(7, 'dwell'), NOW, policy)).toMatchObject({
      status: 'committed',
      score: 7,
      via: 'dwell',
      version: 2,
    });
  });

  it('keeps only the last 30 earlier scores', () => {
    const history = Array.from({ length: 30 }, (_, i) => ({
      score: 5,
      at: ago(10_000 - i),
      via: 'submit' as const,
    }));
    const after = applyCommit(committed(6, 600, { history }), commit(7), NOW, policy);
    expect(after.history).toHaveLength(30);
    expect(after.history[0]).toEqual(history[1]);
    expect(after.history.at(-1)).toEqual({ score: 6, at: ago(600), via: 'submit' });
  });

  it('has no history to keep for a response that was never counted', () => {
    const state = pending({ status: 'quarantined', score: 4, respondedAt: ago(600) });
    const after = applyCommit({ ...state, automatedAt: ago(3600) }, commit(7), NOW, policy);
    expect(after).toMatchObject({ status: 'committed', score: 7, history: [] });
  });

  it('keeps the history unchanged when a committed response lacks the time it was given', () => {
    const state = committed(6, 600, { respondedAt: undefined });
    expect(applyCommit(state, commit(7), NOW, policy).history).toEqual([]);
  });

  it('adds nothing for a dwell after the person already submitted that score', () => {
    const state = committed(9, 3);
    expect(applyCommit(state, commit(9, 'dwell'), NOW, policy)).toBe(state);
  });

  it('counts a second submit of the same score again (new answers), keeping the first in the history', () => {
    const state = committed(9, 30);
    const after = applyCommit(state, commit(9, 'submit', { referral: 'My team' }), NOW, policy);
    expect(after).toMatchObject({ score: 9, version: 3, respondedAt: NOW.toISOString() });
    expect(after.history).toEqual([{ score: 9, at: ago(30), via: 'submit' }]);
  });

  it('counts a dwell on a score other than the one submitted', () => {
    const after = applyCommit(committed(9, 30), commit(10, 'dwell'), NOW, policy);
    expect(after).toMatchObject({ score: 10, via: 'dwell' });
  });

  it('uses the scale of the response’s survey kind for the category', () => {
    expect(applyCommit(pending({ kind: 'csat' }), commit(4), NOW, policy).category).toBe('promoter');
    expect(applyCommit(pending({ kind: 'ces' }), commit(4), NOW, policy).category).toBe('passive');
  });

  it('quarantines a commit that completes a burst, with the committed score', () => {
    const state = pending({ clicks: [click(0, 3), click(5, 2)], version: 2 });
    expect(applyCommit(state, commit(10, 'dwell'), NOW, policy)).toEqual({
      ...state,
      status: 'quarantined',
      score: 10,
      version: 3,
      clicks: [...state.clicks, { score: 10, at: NOW.toISOString() }],
    });
  });

  it('keeps a person’s earlier committed score when a burst follows', () => {
    const state = committed(8, 600, { clicks: [click(0, 3), click(5, 2)] });
    const after = applyCommit(state, commit(10, 'dwell'), NOW, policy);
    expect(after).toEqual({
      ...state,
      version: 3,
      clicks: [...state.clicks, { score: 10, at: NOW.toISOString() }],
    });
  });

  it('quarantines a commit within the automated window after the trap, and counts one after it', () => {
    const trapped = pending({ status: 'quarantined', automatedAt: ago(10), version: 1 });
    expect(applyCommit(trapped, commit(10, 'dwell'), NOW, policy)).toMatchObject({
      status: 'quarantined',
      score: 10,
      version: 2,
    });
    const later = pending({ status: 'quarantined', automatedAt: ago(60), version: 1 });
    expect(applyCommit(later, commit(10), NOW, policy)).toMatchObject({ status: 'committed', score: 10 });
  });

  it('keeps a committed score when the trap client commits another one', () => {
    const state = committed(9, 600, { automatedAt: ago(5) });
    expect(applyCommit(state, commit(0, 'dwell'), NOW, policy)).toMatchObject({
      status: 'committed',
      score: 9,
      version: 3,
    });
  });
});

describe('parseAnswers: the posted follow-up form', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);

  it('takes the three texts, trimmed, and ignores fields it does not know', () => {
    expect(
      parseAnswers(
        form({ reason: '  Too slow ', improve: 'Faster\tsupport', referral: 'My team', score: '4' }),
      ),
    ).toEqual({ reason: 'Too slow', improve: 'Faster support', referral: 'My team' });
  });

  it('leaves out empty and blank answers', () => {
    expect(parseAnswers(form({ reason: '', improve: '   ', referral: '\n' }))).toEqual({});
    expect(parseAnswers(new URLSearchParams())).toEqual({});
  });

  it('removes control characters, spaces tabs, and keeps line breaks as one \\n each (browsers post CRLF)', () => {
    const body = 'reason=a%00b%07c%1Fd%7Fe%0Bf%0Cg&improve=line+one%0D%0Aline+two%0Athree%0Dfour';
    expect(parseAnswers(new URLSearchParams(body))).toEqual({
      reason: 'abcde f g',
      improve: 'line one\nline two\nthree\nfour',
    });
  });

  it('counts a CRLF line break as one character, as the textarea did', () => {
    const typed = `${'a'.repeat(999)}\r\n${'b'.repeat(1000)}`; // 2,000 characters in the textarea
    expect(parseAnswers(form({ reason: typed })).reason).toBe(`${'a'.repeat(999)}\n${'b'.repeat(1000)}`);
  });

  it('removes bidi overrides, C1 controls and zero-width characters, as audience files do', () => {
    const typed = 'Fine\u202E tool\u2067\u009b2J\u200B\u2060\uFEFF\u00AD \u200Dok\u061C \u2066x\u2069 👩‍💻';
    expect(parseAnswers(form({ reason: typed, referral: 'Ann\u200E\u0085Bo' }))).toEqual({
      reason: 'Fine tool2J ok x 👩‍💻',
      referral: 'Ann\nBo',
    });
  });

  it('drops an answer made only of control characters', () => {
    expect(parseAnswers(form({ reason: '\u0000\u0001\u0002' }))).toEqual({});
  });

  it(`accepts ${MAX_ANSWER_LENGTH} characters and refuses one more, without cutting it`, () => {
    expect(MAX_ANSWER_LENGTH).toBe(2000);
    expect(parseAnswers(form({ improve: 'x'.repeat(2000) })).improve).toHaveLength(2000);
    expect(() => parseAnswers(form({ improve: 'x'.repeat(2001) }))).toThrow(
      expect.objectContaining({
        name: 'ValidationError',
        field: 'improve',
        message: 'improve is longer than 2000 characters',
      }),
    );
  });

  it.each(['reason', 'improve', 'referral'])('refuses an over-long %s, naming the field', (field) => {
    expect(() => parseAnswers(form({ [field]: 'y'.repeat(2001) }))).toThrow(
      expect.objectContaining({ name: 'ValidationError', field }),
    );
  });

  it('counts a CRLF as one character, and measures after trimming and removing control characters', () => {
    // 1998 + line break + 1 = 2000 characters in the textarea: accepted; 1999 + line break + 1 = 2001: refused.
    expect(parseAnswers(form({ reason: `${'x'.repeat(1998)}\r\ny` })).reason).toHaveLength(2000);
    expect(() => parseAnswers(form({ reason: `${'x'.repeat(1999)}\r\ny` }))).toThrow(ValidationError);
    expect(parseAnswers(form({ reason: `  ${'x'.repeat(2000)}\u0000\u0007  ` })).reason).toHaveLength(2000);
  });

  it.each(['0', '1', '2-5', '6+'])('takes the recommendation frequency %j', (frequency) => {
    expect(parseAnswers(form({ recommendFrequency: frequency }))).toEqual({ recommendFrequency: frequency });
  });

  it.each(['3', '2–5', '6', 'often'])('refuses the recommendation frequency %j', (frequency) => {
    expect(() => parseAnswers(form({ recommendFrequency: frequency }))).toThrow(
      expect.objectContaining({
        name: 'ValidationError',
        field: 'recommendFrequency',
        message: 'recommendFrequency is not one of the choices',
      }),
    );
  });

  it('ignores an empty recommendation frequency', () => {
    expect(parseAnswers(form({ recommendFrequency: '' }))).toEqual({});
  });

  it('takes the referral consent only from "yes"', () => {
    expect(parseAnswers(form({ referralConsent: 'yes' }))).toEqual({ referralConsent: true });
    for (const value of ['no', 'true', 'on', 'YES', ''])
      expect(parseAnswers(form({ referralConsent: value }))).toEqual({});
  });
});
