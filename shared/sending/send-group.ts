/**
 * Sending one group of a claimed batch (one wave, one language, at most one bulk call's worth), retrying
 * with backoff only the entries SES did not send. What is still unsent after the last attempt stays pending
 * for the next run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BulkEmailEntryResult, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { errorName } from '#shared/store/conditions.ts';
import type { Recipient } from '#shared/waves/model.ts';
import type { EmailContent } from '#templates/index.ts';
import { bulkEmailInput } from './bulk-email.ts';
import type { SenderDeps, WaveRun } from './context.ts';
import { transitionAll } from './recipient-states.ts';
import { emptyTally, type Tally } from './report.ts';
import { backoffMs, entryOutcome, failureReason, MAX_ATTEMPTS, refusalOf } from './ses-errors.ts';
import { fail, sent } from './transitions.ts';

export const sendGroup = async (
  deps: SenderDeps,
  run: WaveRun,
  template: EmailContent,
  group: Recipient[],
  /** The caller took the first attempt's rate budget before claiming the group. */
  options: { granted?: boolean } = {},
): Promise<Tally> => {
  const tally = emptyTally();
  let remaining = group;
  for (let attempt = 0; remaining.length > 0 && attempt < MAX_ATTEMPTS && !run.signal.stop; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt, Math.random()));
    if (attempt > 0 || !options.granted) await run.limiter.take(remaining.length);
    let results: BulkEmailEntryResult[];
    try {
      const out = await deps.ses.send(
        new SendBulkEmailCommand(
          bulkEmailInput(deps, run.wave.id, template, remaining, deps.now(), {
            ...(run.wave.fromName ? { fromName: run.wave.fromName } : {}),
            ...(run.wave.replyTo ? { replyTo: run.wave.replyTo } : {}),
            product: run.wave.product,
          }),
        ),
      );
      results = out.BulkEmailEntryResults ?? [];
    } catch (error) {
      // SES refused the whole call before sending (throttled, paused): nothing went out, try again.
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      deps.log?.('SES refused a bulk send; retrying', { error: errorName(error), attempt });
      if (refusal === 'stop') run.signal.stop = true;
      continue;
    }
    const sentAt = deps.now();
    const entries = remaining.map((r, i) => ({ r, result: results[i] }));
    const outcomeOf = (e: (typeof entries)[number]) => entryOutcome(e.result?.Status);
    const delivered = entries
      .filter((e) => outcomeOf(e) === 'sent')
      .map((e) => sent(e.r, e.result?.MessageId ?? '', sentAt, deps.timeZone));
    // Counted as SES answered: a recipient its Send event settled first was sent all the same.
    await transitionAll(deps, delivered, sentAt);
    tally.sent += delivered.length;
    const failed = entries.filter((e) => outcomeOf(e) === 'fail');
    await transitionAll(
      deps,
      failed.map((e) => fail(e.r, failureReason(e.result))),
    );
    tally.failed += failed.length;
    if (entries.some((e) => outcomeOf(e) === 'defer')) run.signal.stop = true;
    const retry = entries.filter((e) => ['retry', 'defer'].includes(outcomeOf(e))).map((e) => e.r);
    if (retry.length > 0) deps.log?.('SES did not send some entries', { count: retry.length, attempt });
    remaining = retry;
  }
  if (remaining.length > 0) {
    // SES sent none of these: they stay pending for the next run.
    tally.deferred += remaining.length;
    tally.open += remaining.length;
  }
  return tally;
};
