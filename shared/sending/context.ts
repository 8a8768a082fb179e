/** What a send run is given, and what the chunk workers of one wave share while they send it. */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailConfig, SurveyPolicy } from '#shared/core/config.ts';
import type { SigningKeys } from '#shared/core/links.ts';
import type { Locale } from '#shared/core/locale.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Wave } from '#shared/waves/model.ts';
import type { EmailContent } from '#templates/index.ts';
import type { SharedRateLimiter } from './rate-limiter.ts';

export interface SenderDeps extends TableStore {
  ses: SESv2Client;
  email: EmailConfig;
  baseUrl: string;
  keys: SigningKeys;
  policy: SurveyPolicy;
  timeZone: string;
  /** The survey's one clock: what is due, fatigue, claim leases, spread quota and every time written. */
  now: () => Date;
  /** Stop claiming new work after this instant (epoch ms), leaving the rest for the next run. */
  deadline: number;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

/**
 * The deadline is the invocation's budget, spent in real seconds whatever `now` says (a test or a replay
 * moves `now` by days), so it is the one place besides the rate limiter that reads the wall clock.
 */
export const pastDeadline = (deps: Pick<SenderDeps, 'deadline'>): boolean => Date.now() >= deps.deadline;

/** One wave's run. Shared by its chunk workers on purpose: the stop signal and the rendered templates. */
export interface WaveRun {
  wave: Wave;
  /** Written into each claim, so a claim says which sender holds it. */
  senderId: string;
  /** Rendered once per locale and reused by every chunk. */
  templates: Map<Locale, EmailContent>;
  limiter: SharedRateLimiter;
  /** Recipients per batch: one bulk call, and never more than one second's share of the rate. */
  batchSize: number;
  /** Set when SES paused or deferred sending: no worker claims more in this run. */
  signal: { stop: boolean };
}
