/**
 * Reading SES's answers for retries. Only what SES certainly did not send is retried: a claimed recipient
 * whose email may have gone out is never handed back. Pure.
 */
import { errorName } from '#shared/store/conditions.ts';

/** Bulk calls per group of recipients before the rest is handed back to the next run. */
export const MAX_ATTEMPTS = 5;

/** Refusals of a whole call, where SES sent nothing: throttled (try again soon) or paused (stop this run). */
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException']);
const PAUSED = new Set(['LimitExceededException', 'SendingPausedException', 'AccountSuspendedException']);

/** Per-entry outcomes where SES sent nothing and a retry soon may succeed. */
const RETRY_ENTRY = new Set(['ACCOUNT_THROTTLED', 'TRANSIENT_FAILURE']);
/** Per-entry outcomes where SES sent nothing and retrying in this run is pointless: hand back, stop. */
const DEFER_ENTRY = new Set([
  'ACCOUNT_DAILY_QUOTA_EXCEEDED',
  'ACCOUNT_SENDING_PAUSED',
  'CONFIGURATION_SET_SENDING_PAUSED',
  'ACCOUNT_SUSPENDED',
]);

/** What a thrown error means: `retry` or `stop` when SES refused the whole call, undefined otherwise. */
export const refusalOf = (error: unknown): 'retry' | 'stop' | undefined => {
  const name = errorName(error) ?? '';
  if (THROTTLED.has(name)) return 'retry';
  if (PAUSED.has(name)) return 'stop';
  return undefined;
};

export type EntryOutcome = 'sent' | 'retry' | 'defer' | 'fail';

/** What one entry's status means; a missing result counts as failed (SES may have sent it). */
export const entryOutcome = (status: string | undefined): EntryOutcome => {
  if (status === 'SUCCESS') return 'sent';
  if (status && RETRY_ENTRY.has(status)) return 'retry';
  if (status && DEFER_ENTRY.has(status)) return 'defer';
  return 'fail';
};

/** The reason a failed entry is closed with, bounded for the item. */
export const failureReason = (result: { Status?: string; Error?: string } | undefined): string =>
  `${result?.Status ?? 'NO_RESULT'}: ${result?.Error ?? ''}`.slice(0, 300);

/** Exponential backoff capped at 5 s, jittered by `random` in [0, 1) to between half and 1.5 times. */
export const backoffMs = (attempt: number, random: number): number =>
  Math.min(5_000, 100 * 2 ** attempt) * (0.5 + random);
