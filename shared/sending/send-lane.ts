/**
 * Sending one lane of a wave (a run of its shards, keys.ts), a batch per turn: skip those who may not be
 * surveyed, take a spread wave's quota and the rate budget, then claim the batch (one write on the lane's
 * lock), send it per language, write the outcomes and release it (one more write). A crash leaves at most one
 * batch per lane in doubt, and only for the SES call itself.
 */
import { getContacts } from '#shared/contacts/contacts.ts';
import type { Locale } from '#shared/core/locale.ts';
import { laneShards } from '#shared/store/keys.ts';
import type { ShardCursor } from '#shared/store/wave-items.ts';
import type { Recipient } from '#shared/waves/model.ts';
import type { EmailContent } from '#templates/index.ts';
import { waveEmail } from './bulk-email.ts';
import { pastDeadline, type SenderDeps, type WaveRun } from './context.ts';
import { groupByLocale, screen } from './eligibility.ts';
import { claimBatch, isHeld, keepBeating, type LaneLock, readLaneLock, releaseBatch } from './lane-lock.ts';
import { closeStaleClaims, openRecipients, transitionAll } from './recipient-states.ts';
import { addTallies, type Tally } from './report.ts';
import { sendGroup } from './send-group.ts';
import { returnSpreadQuota, takeSpreadQuota } from './spread-quota.ts';
import { skip } from './transitions.ts';

export interface LaneTurn {
  tally: Tally;
  /** Where the lane goes on from; undefined when every pending recipient of it has been read. */
  next?: ShardCursor | undefined;
  /** Another sender holds (or just claimed in) the lane: the same turn may be tried again shortly. */
  busy?: LaneLock;
  /** The run stopped (SES paused it, or its time is up) before this turn sent anything. */
  stopped?: boolean;
}

/**
 * One turn in a lane: its next batch (up to `run.batchSize` pending recipients from `cursor`), claimed with
 * one write, sent, settled and released. Senders take lanes in turn, a batch each, so every lane (and every
 * shard partition) takes an even share of the writes while the wave sends.
 */
export const sendLaneTurn = async (
  deps: SenderDeps,
  run: WaveRun,
  lane: number,
  lanes: number,
  cursor: ShardCursor | undefined,
): Promise<LaneTurn> => {
  const lock = await readLaneLock(deps, run.wave.id, lane);
  if (isHeld(lock, deps.now())) return { tally: addTallies(), next: cursor, busy: lock };
  const page = await openRecipients(deps, run.wave.id, laneShards(lane, lanes), cursor, run.batchSize);
  const tallies: Partial<Tally>[] = [{ open: await closeStaleClaims(deps, page.claimed, deps.now()) }];
  if (page.pending.length === 0) return { tally: addTallies(...tallies), next: page.next };
  if (run.signal.stop || pastDeadline(deps)) {
    tallies.push({ open: page.pending.length });
    return { tally: addTallies(...tallies), stopped: true };
  }
  const sent = await sendBatch(deps, run, lane, lock.version, page.pending);
  // Another sender claimed in this lane since we read it: what we read may be theirs now.
  if (!sent) return { tally: addTallies(...tallies), next: cursor, busy: { version: lock.version + 1 } };
  return { tally: addTallies(...tallies, sent), next: page.next };
};

/** Sends one batch under one claim; undefined when another sender claimed in the lane first. */
const sendBatch = async (
  deps: SenderDeps,
  run: WaveRun,
  lane: number,
  version: number,
  batch: Recipient[],
): Promise<Tally | undefined> => {
  const { wave } = run;
  const now = deps.now();
  const contacts = await getContacts(
    deps.ddb,
    deps.table,
    batch.map((r) => r.contactId),
  );
  const { eligible, blocked } = screen(batch, contacts, now, deps.policy.fatigueDays);
  const tallies: Partial<Tally>[] = [];
  let sendable = eligible;
  if (wave.spreadDays && sendable.length > 0) {
    const granted = await takeSpreadQuota(deps, wave, sendable.length, now);
    tallies.push({ open: sendable.length - granted });
    sendable = sendable.slice(0, granted);
  }
  // The rate limiter may wait: take the budget first, so the claim is held only for the SES call itself and
  // a sender that dies while waiting has claimed nobody.
  if (sendable.length > 0) await run.limiter.take(sendable.length);
  const members = [...blocked.map((b) => b.r), ...sendable].map((r) => r.contactId);
  if (members.length === 0) return addTallies(...tallies);
  if (!(await claimBatch(deps, wave.id, lane, version, members, deps.now(), run.senderId))) {
    if (wave.spreadDays && sendable.length > 0) await returnSpreadQuota(deps, wave.id, sendable.length);
    return undefined;
  }
  // Alive while it holds the batch: a lane whose holder stops beating is taken over within seconds.
  const stopBeating = keepBeating(deps, wave.id, lane, version + 1, deps.now);
  try {
    const skipped = await transitionAll(
      deps,
      blocked.map(({ r, reason }) => skip(r, reason)),
    );
    tallies.push({ skipped: skipped.filter(Boolean).length });
    for (const [locale, group] of groupByLocale(sendable, wave.locale)) {
      if (run.signal.stop) {
        tallies.push({ open: group.length });
        if (wave.spreadDays) await returnSpreadQuota(deps, wave.id, group.length);
        continue;
      }
      tallies.push(await sendGroup(deps, run, templateFor(deps, run, locale), group, { granted: true }));
    }
  } finally {
    stopBeating();
  }
  await releaseBatch(deps, wave.id, lane, version + 1, deps.now());
  return addTallies(...tallies);
};

/** The wave's email in one language, rendered once per run. */
const templateFor = (deps: SenderDeps, run: WaveRun, locale: Locale): EmailContent => {
  let template = run.templates.get(locale);
  if (!template) {
    template = waveEmail(deps, run.wave, locale);
    run.templates.set(locale, template);
  }
  return template;
};
