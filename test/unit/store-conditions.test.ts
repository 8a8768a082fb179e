/** Reading DynamoDB's refusals by the error's name and a cancelled transaction's per-item reasons. */
import { describe, expect, it } from 'vitest';
import {
  cancellationCode,
  errorName,
  isConditionFailed,
  isTransactionCanceled,
  whenConditionHolds,
} from '#shared/store/conditions.ts';

const named = (name: string, extra: object = {}) => Object.assign(new Error('refused'), { name }, extra);

describe('a DynamoDB refusal', () => {
  it('is told apart by the error’s name, and nothing without a string name has one', () => {
    expect(errorName(named('ThrottlingException'))).toBe('ThrottlingException');
    expect(errorName({ name: 'ConditionalCheckFailedException' })).toBe('ConditionalCheckFailedException');
    for (const nameless of [undefined, null, 'ConditionalCheckFailedException', 42, { name: 7 }, {}])
      expect(errorName(nameless)).toBeUndefined();
  });

  it('is a failed condition or a cancelled transaction only by those exact names', () => {
    expect(isConditionFailed(named('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionFailed(named('TransactionCanceledException'))).toBe(false);
    expect(isTransactionCanceled(named('TransactionCanceledException'))).toBe(true);
    expect(isTransactionCanceled(named('ConditionalCheckFailedException'))).toBe(false);
  });

  it('says per item why a transaction was cancelled, and nothing for any other error', () => {
    const cancelled = named('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    expect(cancellationCode(cancelled, 0)).toBe('None');
    expect(cancellationCode(cancelled, 1)).toBe('ConditionalCheckFailed');
    expect(cancellationCode(cancelled, 2)).toBeUndefined();
    expect(cancellationCode(named('TransactionCanceledException'), 0)).toBeUndefined();
    expect(
      cancellationCode(named('ValidationException', { CancellationReasons: [{ Code: 'None' }] }), 0),
    ).toBeUndefined();
  });

  it('makes a conditional write true when made, false when its condition failed, and throws anything else', async () => {
    expect(await whenConditionHolds(Promise.resolve({}))).toBe(true);
    expect(await whenConditionHolds(Promise.reject(named('ConditionalCheckFailedException')))).toBe(false);
    await expect(whenConditionHolds(Promise.reject(named('ThrottlingException')))).rejects.toThrow('refused');
  });
});
