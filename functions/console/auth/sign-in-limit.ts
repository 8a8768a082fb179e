/**
 * Rate limits of sign-in attempts that stop a guesser without locking out the owner of the address:
 * - per (address, IP) pair, always: a few free attempts, then each one waits twice as long as the last, up to
 *   a cap; a successful sign-in resets the pair. Claimed with a conditional write, so parallel guesses cannot
 *   slip past.
 * - per address and per IP, in fixed windows, only for attempts from places that have not signed in to that
 *   address before (no known-device cookie for it, see known-devices.ts): a guesser who fills them blocks
 *   new places for the window, never a browser the owner already signed in with.
 * Every admitted attempt counts, right or wrong: a guesser learns nothing from which attempts were counted.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '#shared/store/conditions.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type AttemptSubject, signInAttemptKey, signInBackoffKey } from '#shared/team/keys.ts';

export interface SignInLimits {
  /** Attempts of one address from one IP before the backoff starts. */
  perPairFree: number;
  /** The first wait after the free attempts; each further attempt doubles it. */
  perPairBaseSeconds: number;
  perPairMaxSeconds: number;
  /** Attempts for one address from places it has not signed in from, per window. */
  perEmail: number;
  /** Attempts from one IP from places that have not signed in, per window, across addresses. */
  perIp: number;
  windowSeconds: number;
}

/**
 * Five free tries per address and IP, then 30 s, 60 s, … up to 15 minutes between tries; from unknown
 * places twenty tries per address and fifty per IP per quarter of an hour.
 */
export const SIGN_IN_LIMITS: SignInLimits = {
  perPairFree: 5,
  perPairBaseSeconds: 30,
  perPairMaxSeconds: 15 * 60,
  perEmail: 20,
  perIp: 50,
  windowSeconds: 15 * 60,
};

/** A backoff record lives a day after its last attempt. */
const PAIR_KEEP_SECONDS = 86_400;
/** Parallel claims of one pair re-read this often before giving up with a one-second wait. */
const CLAIM_TRIES = 3;

export class SignInRateLimitedError extends Error {
  override name = 'SignInRateLimitedError';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(`Too many sign-in attempts; try again in ${retryAfterSeconds} s`, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Neither the address nor the IP is kept in the clear. */
export const hashOf = (value: string): string =>
  createHash('sha256').update(`nps-sign-in:${value}`).digest('hex').slice(0, 32);

const pairHashOf = (email: string, ip: string): string => hashOf(`${email}\n${ip}`);

/** Seconds to wait after `attempts` attempts of a pair (0 while they are free). */
export const backoffSeconds = (attempts: number, limits: SignInLimits): number =>
  attempts < limits.perPairFree
    ? 0
    : Math.min(limits.perPairMaxSeconds, limits.perPairBaseSeconds * 2 ** (attempts - limits.perPairFree));

/** Claims one attempt of the pair, or throws with how long the pair must still wait. */
const claimPairAttempt = async (
  store: TableStore,
  pairHash: string,
  nowSeconds: number,
  limits: SignInLimits,
): Promise<void> => {
  const Key = signInBackoffKey(pairHash);
  for (let tries = 0; tries < CLAIM_TRIES; tries++) {
    const { Item } = await store.ddb.send(
      new GetCommand({ TableName: store.table, Key, ConsistentRead: true }),
    );
    const attempts = typeof Item?.attempts === 'number' ? Item.attempts : 0;
    const lastAt = typeof Item?.lastAt === 'number' ? Item.lastAt : 0;
    const openAt = lastAt + backoffSeconds(attempts, limits);
    if (openAt > nowSeconds) throw new SignInRateLimitedError(openAt - nowSeconds);
    try {
      await store.ddb.send(
        new UpdateCommand({
          TableName: store.table,
          Key,
          UpdateExpression: 'SET attempts = :next, lastAt = :now, expiresAt = :expires',
          ConditionExpression: Item ? 'attempts = :seen' : 'attribute_not_exists(pk)',
          ExpressionAttributeValues: {
            ':next': attempts + 1,
            ':now': nowSeconds,
            ':expires': nowSeconds + PAIR_KEEP_SECONDS,
            ...(Item ? { ':seen': attempts } : {}),
          },
        }),
      );
      return;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  throw new SignInRateLimitedError(1);
};

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

export interface SignInAttempt {
  email: string;
  ip: string;
  now: Date;
  /** The browser has signed in to this address before (a known-device cookie for it). */
  knownPlace: boolean;
}

/**
 * Counts one attempt: the pair's backoff always, the address's and IP's windows only from an unknown place.
 * Throws SignInRateLimitedError when any of them is over its limit.
 */
export const admitSignInAttempt = async (
  store: TableStore,
  attempt: SignInAttempt,
  limits: SignInLimits = SIGN_IN_LIMITS,
): Promise<void> => {
  const nowSeconds = Math.floor(attempt.now.getTime() / 1000);
  await claimPairAttempt(store, pairHashOf(attempt.email, attempt.ip), nowSeconds, limits);
  if (attempt.knownPlace) return;
  const windowStart = nowSeconds - (nowSeconds % limits.windowSeconds);
  const [emailOk, ipOk] = await Promise.all([
    countAttempt(store, 'email', attempt.email, limits.perEmail, windowStart, limits.windowSeconds),
    countAttempt(store, 'ip', attempt.ip, limits.perIp, windowStart, limits.windowSeconds),
  ]);
  if (!emailOk || !ipOk) throw new SignInRateLimitedError(windowStart + limits.windowSeconds - nowSeconds);
};

/** The owner got in from this IP: their next mistakes there start free again. */
export const resetSignInBackoff = async (store: TableStore, attempt: { email: string; ip: string }) => {
  await store.ddb.send(
    new DeleteCommand({
      TableName: store.table,
      Key: signInBackoffKey(pairHashOf(attempt.email, attempt.ip)),
    }),
  );
};
