/**
 * Sending due waves: every wave whose time has come, one after another, resuming where the last run stopped.
 * No double sends: a recipient is claimed before its email goes out (`transitions.ts`), so a concurrent
 * sender never sends anyone twice. Nobody lost: a crashed sender's claims are settled as sent by SES's Send
 * events (`acceptance.ts`), and a claim with no sign of acceptance after its lease goes out again.
 * Rate limits: every sender takes from one per-second budget in the table (`rate-limiter.ts`); a spread wave
 * also takes from its own linear quota (`spread-quota.ts`).
 */
import { pastDeadline, type SenderDeps } from './context.ts';
import { dueWaves } from './due-waves.ts';
import { maxSendRate, SharedRateLimiter } from './rate-limiter.ts';
import { hasDueReminders, sendDueReminders } from './reminders.ts';
import { emptyReport, type SendReport, withWave } from './report.ts';
import { sendWave } from './send-wave.ts';
import { startSending } from './wave-state.ts';

export const sendDueWaves = async (deps: SenderDeps): Promise<SendReport> => {
  let report = emptyReport();
  const due = await dueWaves(deps, deps.now());
  const reminding = await hasDueReminders(deps, deps.now());
  if (due.length === 0 && !reminding) return report;
  const limiter = new SharedRateLimiter(deps.ddb, deps.table, await maxSendRate(deps.ses));
  let stopped = false;
  for (const wave of due) {
    if (pastDeadline(deps)) break;
    if (!(await startSending(deps, wave.id, deps.now()))) continue; // cancelled meanwhile
    const { outcome, tally, scheduled } = await sendWave(deps, wave, limiter);
    report = withWave(report, wave.id, tally, scheduled);
    if (outcome === 'stop') {
      stopped = true;
      break;
    }
  }
  // First emails first: reminders take what is left of the run.
  if (reminding && !stopped && !pastDeadline(deps))
    report = { ...report, reminders: await sendDueReminders(deps, limiter) };
  return report;
};
