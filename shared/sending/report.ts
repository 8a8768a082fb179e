/** What a send run reports. Each chunk worker counts its own outcomes; the counts are added after awaiting. */

import type { ReminderTally } from './reminders.ts';

export interface SendReport {
  waves: string[];
  sent: number;
  skipped: number;
  failed: number;
  /** Claimed but handed back unsent (SES throttled or paused): the next run sends them. */
  deferred: number;
  /** Next occurrences of recurring waves scheduled by this run. */
  scheduled: string[];
  /** Reminders of waves whose reminder time had come (`--remind-after`); absent when none was due. */
  reminders?: ReminderTally;
}

/** The outcomes of some recipients. `open`: left pending for a later run (quota, deadline, deferred). */
export interface Tally {
  sent: number;
  skipped: number;
  failed: number;
  deferred: number;
  open: number;
}

export const emptyTally = (): Tally => ({ sent: 0, skipped: 0, failed: 0, deferred: 0, open: 0 });

export const addTallies = (...tallies: readonly Partial<Tally>[]): Tally =>
  tallies.reduce<Tally>(
    (sum, t) => ({
      sent: sum.sent + (t.sent ?? 0),
      skipped: sum.skipped + (t.skipped ?? 0),
      failed: sum.failed + (t.failed ?? 0),
      deferred: sum.deferred + (t.deferred ?? 0),
      open: sum.open + (t.open ?? 0),
    }),
    emptyTally(),
  );

export const emptyReport = (): SendReport => ({
  waves: [],
  sent: 0,
  skipped: 0,
  failed: 0,
  deferred: 0,
  scheduled: [],
});

/** The report with one more wave's outcome added. */
export const withWave = (
  report: SendReport,
  waveId: string,
  tally: Tally,
  scheduled: string | undefined,
): SendReport => ({
  waves: [...report.waves, waveId],
  sent: report.sent + tally.sent,
  skipped: report.skipped + tally.skipped,
  failed: report.failed + tally.failed,
  deferred: report.deferred + tally.deferred,
  scheduled: scheduled ? [...report.scheduled, scheduled] : report.scheduled,
});
