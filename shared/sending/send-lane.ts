/**
 * Sending one lane of a wave (a run of its shards, keys.ts), batch after batch: skip those who may not be
 * surveyed, take a spread wave's quota and the rate budget, then claim the batch (one write on the lane's
 * lock), send it per language, write the outcomes and release it (one more write). A crash leaves at most one
 * batch per lane in doubt, and only for the SES call itself.
 */
import { getContacts } from '#shared/contacts/contacts.ts';
import { laneShards } from '#shared/store/keys.ts';
import type { ShardCursor } from '#shared/store/wave-items.ts';
import type { Recipient } from '#shared/waves/model.ts';
import type { EmailContent, Locale } from '#templates/index.ts';
import { waveEmail } from './bulk-email.ts';
import { pastDeadline, type SenderDeps, type WaveRun } from './context.ts';
import { groupByLocale, screen } from './eligibility.ts';
import { claimBatch, isHeld, type LaneLock, readLaneLock, releaseBatch } from './lane-lock.ts';
import { closeStaleClaims, openRecipients, transitionAll } from './recipient-states.ts';
import { addTallies, type Tally } from './report.ts';
import { sendGroup } from './send-group.ts';
import { returnSpreadQuota, takeSpreadQuota } from './spread-quota.ts';
import { skip } from './transitions.ts';

export interface LaneResult {
  tally: Tally;
  /** Every pending recipient of the lane was read and given an outcome or counted open. */
  complete: boolean;
  /** Another sender holds (or just claimed in) the lane: it may be tried again shortly. */
  busy?: LaneLock;
}

export const sendLane = async (
  deps: SenderDeps,
  run: WaveRun,
  lane: number,
  lanes: number,
): Promise<LaneResult> => {
  const lock = await readLaneLock(deps, run.wave.id, lane);
  if (isHeld(lock, deps.now())) return { tally: addTallies(), complete: false, busy: lock };
  let version = lock.version;
  const shards = laneShards(lane, lanes);
  const tallies: Partial<Tally>[] = [];
  let cursor: ShardCursor | undefined;
  do {
    const page = await openRecipients(deps, run.wave.id, shards, cursor);
    tallies.push({ open: await closeStaleClaims(deps, page.claimed, deps.now()) });
    const batches = chunksOf(page.pending, run.batchSize);
    for (const [i, batch] of batches.entries()) {
      const rest = () => batches.slice(i).reduce((n, b) => n + b.length, 0);
      if (run.signal.stop || pastDeadline(deps)) {
        tallies.push({ open: rest() });
        return { tally: addTallies(...tallies), complete: false };
      }
      const sent = await sendBatch(deps, run, lane, version, batch);
      if (!sent) {
        // Another sender claimed in this lane since we read it: what we read may be theirs now.
        tallies.push({ open: rest() });
        return { tally: addTallies(...tallies), complete: false, busy: { version: version + 1 } };
      }
      version++;
      tallies.push(sent);
    }
    cursor = page.next;
  } while (cursor);
  return { tally: addTallies(...tallies), complete: true };
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
  await releaseBatch(deps, wave.id, lane, version + 1, deps.now());
  return addTallies(...tallies);
};

export const chunksOf = <T>(items: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
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
