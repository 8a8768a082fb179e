/**
 * Sending one due wave, lane by lane (keys.ts), a batch per turn, a few lanes in flight: the DynamoDB work of
 * one batch overlaps the SES calls of the others, every shard partition takes an even share of the writes,
 * and several senders (Lambda runs) can share one wave's lanes. A lane another sender holds is tried again
 * shortly, until that sender lets go or shows no progress for a while. Each lane worker counts its own
 * outcomes; they are added once all are awaited.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShardCursor } from '#shared/store/wave-items.ts';
import type { Wave } from '#shared/waves/model.ts';
import { scheduleNextOccurrence } from '#shared/waves/recurrence.ts';
import { BULK_LIMIT } from './bulk-email.ts';
import { pastDeadline, type SenderDeps, type WaveRun } from './context.ts';
import { HOLDER_GRACE_MS, type LaneLock } from './lane-lock.ts';
import type { SharedRateLimiter } from './rate-limiter.ts';
import { addTallies, emptyTally, type Tally } from './report.ts';
import { sendLaneTurn } from './send-lane.ts';
import { finishWave, heartbeat } from './wave-state.ts';

/** Lanes sent at once by one sender. */
const LANES_IN_FLIGHT = 4;
/** A lane another sender holds is looked at again after this long (and some jitter)… */
const BUSY_RETRY_MS = 200;
/**
 * …until its holder has shown no progress for this long. A holder that stopped beating loses the lane after
 * `HOLDER_GRACE_MS`, sooner: this only ends the wait on one whose beats go on without progress.
 */
const BUSY_GIVE_UP_MS = HOLDER_GRACE_MS + 10_000;
/** How often a sending wave says it is alive (its `heartbeatAt`); a wave silent for long shows "resuming". */
const HEARTBEAT_MS = 20_000;

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
    batchSize: Math.max(1, Math.min(BULK_LIMIT, Math.floor(limiter.rate))),
    signal: { stop: false },
  };
  const lanes = wave.lanes ?? 1;
  // Lanes in turn, a batch each: a lane goes to the back of the queue with where it got to.
  const queue: { lane: number; cursor?: ShardCursor | undefined }[] = Array.from(
    { length: lanes },
    (_, lane) => ({
      lane,
    }),
  );
  // Per busy lane: the holder's batch last seen, and since when it has not moved.
  const waiting = new Map<number, { version: number; since: number }>();
  let complete = true;
  let failure: { error: unknown } | undefined;
  let beat = 0;
  const busyAgain = (lane: number, lock: LaneLock): boolean => {
    const seen = waiting.get(lane);
    if (!seen || seen.version !== lock.version)
      waiting.set(lane, { version: lock.version, since: Date.now() });
    else if (Date.now() - seen.since >= BUSY_GIVE_UP_MS) return false;
    return true;
  };
  const worker = async (): Promise<Tally> => {
    const own: Tally[] = [];
    for (let turn = queue.shift(); turn !== undefined; turn = queue.shift()) {
      if (failure || run.signal.stop || pastDeadline(deps)) {
        complete = false;
        continue;
      }
      if (Date.now() - beat >= HEARTBEAT_MS) {
        beat = Date.now();
        // By the wall clock, as liveness is (the survey's clock may be a test's or a replay's).
        await heartbeat(deps, wave.id, new Date());
      }
      try {
        const result = await sendLaneTurn(deps, run, turn.lane, lanes, turn.cursor);
        own.push(result.tally);
        if (result.busy) {
          if (!busyAgain(turn.lane, result.busy)) {
            complete = false; // its holder shows no progress: the lease will tell, in a later run
            continue;
          }
          // Another sender has the lane: look again once it lets go.
          await sleep(BUSY_RETRY_MS + Math.random() * BUSY_RETRY_MS);
          queue.push(turn);
        } else if (result.stopped) complete = false;
        else if (result.next) queue.push({ lane: turn.lane, cursor: result.next });
      } catch (error) {
        // Let the other lanes in flight record their outcomes before giving up.
        failure ??= { error };
      }
    }
    return addTallies(...own);
  };
  const tally = addTallies(
    emptyTally(),
    ...(await Promise.all(Array.from({ length: LANES_IN_FLIGHT }, worker))),
  );
  if (failure) throw failure.error;
  if (run.signal.stop) return { outcome: 'stop', tally };
  if (!complete || tally.open > 0) return { outcome: 'open', tally };
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
