/** Reading SES's answers: only what SES certainly did not send is retried. Pure. */
import { describe, expect, it } from 'vitest';
import { backoffMs, entryOutcome, failureReason, refusalOf } from '#shared/sending/ses-errors.ts';

const named = (name: string) => Object.assign(new Error('refused'), { name });

describe('a refused bulk call', () => {
  const cases: [name: string, refusal: 'retry' | 'stop' | undefined][] = [
    ['TooManyRequestsException', 'retry'],
    ['ThrottlingException', 'retry'],
    ['LimitExceededException', 'stop'],
    ['SendingPausedException', 'stop'],
    ['AccountSuspendedException', 'stop'],
    // Not a refusal: SES may have sent, so the claims stay and the run fails.
    ['MessageRejected', undefined],
    ['InternalFailure', undefined],
    ['TimeoutError', undefined],
    ['Error', undefined],
  ];
  for (const [name, refusal] of cases)
    it(`reads ${name} as ${refusal ?? 'not a refusal'}`, () => {
      expect(refusalOf(named(name))).toBe(refusal);
    });

  it('reads a thrown value without a name as not a refusal', () => {
    expect(refusalOf('TooManyRequestsException')).toBeUndefined();
    expect(refusalOf(undefined)).toBeUndefined();
  });
});

describe('the outcome of one bulk entry', () => {
  const cases: [status: string | undefined, outcome: string][] = [
    ['SUCCESS', 'sent'],
    ['ACCOUNT_THROTTLED', 'retry'],
    ['TRANSIENT_FAILURE', 'retry'],
    ['ACCOUNT_DAILY_QUOTA_EXCEEDED', 'defer'],
    ['ACCOUNT_SENDING_PAUSED', 'defer'],
    ['CONFIGURATION_SET_SENDING_PAUSED', 'defer'],
    ['ACCOUNT_SUSPENDED', 'defer'],
    ['MESSAGE_REJECTED', 'fail'],
    ['MAIL_FROM_DOMAIN_NOT_VERIFIED', 'fail'],
    ['FAILED', 'fail'],
    // No result for an entry: SES may have sent it, so it is never retried.
    [undefined, 'fail'],
  ];
  for (const [status, outcome] of cases)
    it(`reads ${status ?? 'a missing result'} as ${outcome}`, () => {
      expect(entryOutcome(status)).toBe(outcome);
    });

  it('closes a failed entry with its status and error, at most 300 characters', () => {
    expect(failureReason({ Status: 'MESSAGE_REJECTED', Error: 'Email address is not verified.' })).toBe(
      'MESSAGE_REJECTED: Email address is not verified.',
    );
    expect(failureReason(undefined)).toBe('NO_RESULT: ');
    // 'FAILED: ' is 8 characters, so 292 of the 400 x's fit.
    expect(failureReason({ Status: 'FAILED', Error: 'x'.repeat(400) })).toBe(`FAILED: ${'x'.repeat(292)}`);
  });
});

describe('backoff between attempts', () => {
  // min(5000, 100 · 2^attempt) · (0.5 + random)
  const cases: [attempt: number, random: number, ms: number][] = [
    [1, 0, 100], // 200 · 0.5
    [1, 0.5, 200], // 200 · 1
    [2, 0.5, 400], // 400 · 1
    [4, 0, 800], // 1600 · 0.5
    [5, 0.5, 3200], // 3200 · 1
    [6, 0.5, 5000], // 6400 capped at 5000
    [10, 0.99, 7450], // 5000 · 1.49
  ];
  for (const [attempt, random, ms] of cases)
    it(`waits ${ms} ms before attempt ${attempt} with random ${random}`, () => {
      expect(backoffMs(attempt, random)).toBeCloseTo(ms, 6);
    });
});
