/**
 * Sending one chunk of a wave's pending recipients: skip those who may not be surveyed, take a spread
 * wave's quota, then per language take the rate budget and claim the group right before its bulk call, so a
 * crash leaves as few recipients as possible in doubt.
 */
import { getContacts } from '#shared/contacts/contacts.ts';
import type { Recipient } from '#shared/waves/model.ts';
import type { EmailContent, Locale } from '#templates/index.ts';
import { waveEmail } from './bulk-email.ts';
import type { SenderDeps, WaveRun } from './context.ts';
import { groupByLocale, screen } from './eligibility.ts';
import { transitionAll } from './recipient-states.ts';
import { addTallies, type Tally } from './report.ts';
import { sendGroup } from './send-group.ts';
import { returnSpreadQuota, takeSpreadQuota } from './spread-quota.ts';
import { claim, skip } from './transitions.ts';

/** Sends one chunk and returns its own counts. */
export const sendChunk = async (deps: SenderDeps, run: WaveRun, chunk: Recipient[]): Promise<Tally> => {
  const { wave } = run;
  const now = deps.now();
  const contacts = await getContacts(
    deps.ddb,
    deps.table,
    chunk.map((r) => r.contactId),
  );
  const { eligible, blocked } = screen(chunk, contacts, now, deps.policy.fatigueDays);
  const skips = blocked.map(({ r, reason }) => skip(r, reason));
  const skipped = (await transitionAll(deps, skips)).filter(Boolean).length;
  const tallies: Partial<Tally>[] = [{ skipped }];
  let sendable = eligible;
  if (wave.spreadDays && sendable.length > 0) {
    const granted = await takeSpreadQuota(deps, wave, sendable.length, now);
    tallies.push({ open: sendable.length - granted });
    sendable = sendable.slice(0, granted);
  }
  for (const [locale, candidates] of groupByLocale(sendable, wave.locale)) {
    if (run.signal.stop) {
      tallies.push({ open: candidates.length });
      if (wave.spreadDays) await returnSpreadQuota(deps, wave.id, candidates.length);
      continue;
    }
    // The rate limiter may wait: take the budget first, so a claim is held only for the SES call itself and
    // a sender that dies while waiting has claimed nobody.
    await run.limiter.take(candidates.length);
    const claimed = await transitionAll(
      deps,
      candidates.map((r) => claim(r, deps.now(), run.senderId)),
    );
    const group = candidates.filter((_, i) => claimed[i]);
    if (wave.spreadDays && group.length < candidates.length)
      await returnSpreadQuota(deps, wave.id, candidates.length - group.length);
    if (group.length === 0) continue;
    tallies.push(await sendGroup(deps, run, templateFor(deps, run, locale), group, { granted: true }));
  }
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
