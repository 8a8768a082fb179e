/**
 * Key builders of the console's items in the single table (beside `#shared/store/keys.ts`, which holds the
 * survey's):
 *
 *   Activity         ACTIVITY                     EVENT#ulid       (who did what when; newest first by ulid)
 *   Sign-in attempts SIGNIN#email#hash | SIGNIN#ip#hash   WINDOW#epochSecond   (a counter per window, TTL)
 *   Sign-in backoff  SIGNIN#pair#hash(address, IP)        BACKOFF        (attempts since the last success, TTL)
 *   Known device     SIGNIN#device#hash(device id)        EMAIL#hash     (signed in here before, TTL)
 *   Ended session    SESSION#hash(token)                  REVOKED        (signed out; TTL at the token's expiry)
 *   Request budget   USERRATE#sub                          WINDOW#epochSecond   (reads and exports, TTL)
 *
 * Activity is written at the pace of people clicking in the console, so one partition is far below
 * DynamoDB's per-key limits and lists without a scan. Attempt counters hold hashes, never the address or IP.
 */

export const ACTIVITY_PARTITION = 'ACTIVITY';
export const ACTIVITY_PREFIX = 'EVENT#';
export const activityKey = (eventId: string) => ({
  pk: ACTIVITY_PARTITION,
  sk: `${ACTIVITY_PREFIX}${eventId}`,
});

export type AttemptSubject = 'email' | 'ip';
export const signInAttemptKey = (subject: AttemptSubject, hash: string, windowStart: number) => ({
  pk: `SIGNIN#${subject}#${hash}`,
  sk: `WINDOW#${windowStart}`,
});

export const signInBackoffKey = (pairHash: string) => ({ pk: `SIGNIN#pair#${pairHash}`, sk: 'BACKOFF' });

export const knownDeviceKey = (deviceHash: string, emailHash: string) => ({
  pk: `SIGNIN#device#${deviceHash}`,
  sk: `EMAIL#${emailHash}`,
});

export const revokedSessionKey = (tokenHash: string) => ({ pk: `SESSION#${tokenHash}`, sk: 'REVOKED' });

export const userRequestBudgetKey = (sub: string, windowStart: number) => ({
  pk: `USERRATE#${sub}`,
  sk: `WINDOW#${windowStart}`,
});
