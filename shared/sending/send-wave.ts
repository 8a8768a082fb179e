/**
 * Sending one due wave, page by page, a few chunks in flight: the DynamoDB work of one chunk overlaps the SES
 * calls of the others. Each chunk worker counts its own outcomes; they are added once all are awaited.
 */
import { randomUUID } from 'node:crypto';
import type { Recipient, Wave } from '#shared/waves/model.ts';
import { scheduleNextOccurrence } from '#shared/waves/recurrence.ts';
import { BULK_LIMIT } from './bulk-email.ts';
import { pastDeadline, type SenderDeps, type WaveRun } from './context.ts';
import type { SharedRateLimiter } from './rate-limiter.ts';
import { closeStaleClaims, openRecipients } from './recipient-states.ts';
import { addTallies, emptyTally, type Tally } from './report.ts';
import { sendChunk } from './send-chunk.ts';
import { finishWave } from './wave-state.ts';

/** Bulk calls in flight per sender. */
const CHUNKS_IN_FLIGHT = 4;

/** `done`: every recipient has an outcome; `open`: some left for a later run; `stop`: SES paused sending. */
export type WaveOutcome = 'done' | 'open' | 'stop';

export interface WaveResult {
  outcome: WaveOutcome;
  tally: Tally;
  /** The next occurrence this run scheduled, if it created one. */
  scheduled?: string;
}

export const sendWave = async (
  deps: SenderDeps,
  wave: Wave,
  limiter: SharedRateLimiter,
): Promise<WaveResult> => {
  const run: WaveRun = {
    wave,
    senderId: randomUUID(),
    templates: new Map(),
    limiter,
    signal: { stop: false },
  };
  // A chunk is one bulk call, and never more than one second's share of the rate.
  const chunkSize = Math.max(1, Math.min(BULK_LIMIT, Math.floor(limiter.rate)));
  let tally = emptyTally();
  let leased = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await openRecipients(deps, wave.id, start);
    leased += await closeStaleClaims(deps, page.claimed, deps.now());
    tally = addTallies(tally, await sendChunks(deps, run, chunksOf(page.pending, chunkSize)));
    if (run.signal.stop && tally.open > 0) break;
    start = page.next;
  } while (start);
  if (run.signal.stop) return { outcome: 'stop', tally };
  if (leased > 0 || tally.open > 0) return { outcome: 'open', tally };
  // Every recipient has an outcome: schedule the next occurrence first, so a crash in between repeats it.
  let scheduled: string | undefined;
  if (wave.every) {
    const next = await scheduleNextOccurrence(deps, wave, () => pastDeadline(deps));
    if (!next) return { outcome: 'open', tally }; // copying the audience ran out of time; the next run continues
    if (next.created) scheduled = next.id;
  }
  await finishWave(deps, wave.id, deps.now(), wave.remindAfterSeconds);
  return { outcome: 'done', tally, ...(scheduled ? { scheduled } : {}) };
};

export const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

/**
 * A few workers take chunks off one queue; each takes its share of the shared rate before it sends. After a
 * failure, a stop or the deadline, the chunks not yet started stay pending for the next run.
 */
const sendChunks = async (deps: SenderDeps, run: WaveRun, chunks: Recipient[][]): Promise<Tally> => {
  const queue = [...chunks];
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<Tally> => {
    const own: Partial<Tally>[] = [];
    for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
      if (failure || run.signal.stop || pastDeadline(deps)) {
        own.push({ open: chunk.length });
        continue;
      }
      try {
        own.push(await sendChunk(deps, run, chunk));
      } catch (error) {
        // Let the other chunks in flight record their outcomes before giving up.
        failure ??= { error };
      }
    }
    return addTallies(...own);
  };
  const tallies = await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, queue.length) }, worker));
  if (failure) throw failure.error;
  return addTallies(...tallies);
};
