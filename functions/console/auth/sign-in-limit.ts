/**
 * Rate limit of sign-in attempts, per email and per source IP, in fixed windows counted in the table (an
 * atomic add under a condition, so parallel guesses cannot slip past) and expired by TTL. Every attempt
 * counts, right or wrong: a guesser learns nothing from which attempts were counted.
 */
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '#shared/store/conditions.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type AttemptSubject, signInAttemptKey } from '#shared/team/keys.ts';

export interface SignInLimits {
  perEmail: number;
  perIp: number;
  windowSeconds: number;
}

/** Ten tries for one address and fifty from one address on the network, per quarter of an hour. */
export const SIGN_IN_LIMITS: SignInLimits = { perEmail: 10, perIp: 50, windowSeconds: 15 * 60 };

export class SignInRateLimitedError extends Error {
  override name = 'SignInRateLimitedError';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(`Too many sign-in attempts; try again in ${retryAfterSeconds} s`, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Neither the address nor the IP is kept in the clear. */
const hashOf = (value: string): string =>
  createHash('sha256').update(`nps-sign-in:${value}`).digest('hex').slice(0, 32);

const countAttempt = async (
  store: TableStore,
  subject: AttemptSubject,
  value: string,
  max: number,
  windowStart: number,
  windowSeconds: number,
): Promise<boolean> => {
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: signInAttemptKey(subject, hashOf(value), windowStart),
        UpdateExpression: 'ADD attempts :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': max, ':expires': windowStart + windowSeconds + 60 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

/** Counts one attempt for `email` and `ip`; throws SignInRateLimitedError when either is over its limit. */
export const admitSignInAttempt = async (
  store: TableStore,
  attempt: { email: string; ip: string; now: Date },
  limits: SignInLimits = SIGN_IN_LIMITS,
): Promise<void> => {
  const nowSeconds = Math.floor(attempt.now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % limits.windowSeconds);
  const [emailOk, ipOk] = await Promise.all([
    countAttempt(store, 'email', attempt.email, limits.perEmail, windowStart, limits.windowSeconds),
    countAttempt(store, 'ip', attempt.ip, limits.perIp, windowStart, limits.windowSeconds),
  ]);
  if (!emailOk || !ipOk) throw new SignInRateLimitedError(windowStart + limits.windowSeconds - nowSeconds);
};
