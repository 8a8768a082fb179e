/**
 * Key builders of the console's items in the single table (beside `#shared/store/keys.ts`, which holds the
 * survey's):
 *
 *   Activity         ACTIVITY                     EVENT#ulid       (who did what when; newest first by ulid)
 *   Sign-in attempts SIGNIN#email#hash | SIGNIN#ip#hash   WINDOW#epochSecond   (a counter per window, TTL)
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
