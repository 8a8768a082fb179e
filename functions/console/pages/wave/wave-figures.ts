/**
 * How the wave pages show a wave's figures, in the user's language: counts, the headline score of its kind,
 * status and skip reasons, times. One place, so the list, the wave page and their live JSON agree.
 */

import { html, type SafeHtml, type Translate } from '#functions/console/ui/index.ts';
import type { Locale } from '#shared/core/locale.ts';
import { summarize } from '#shared/core/stats.ts';
import type { WaveStatus } from '#shared/waves/status.ts';
import { formatMargin, formatSigned, percent } from '#templates/format.ts';
import { formatNumber, formatTime } from '#templates/numbers.ts';

/** Reasons a recipient is skipped (import: duplicate, invalid, erased; send: consent and fatigue). */
export const SKIP_REASONS = [
  'duplicate',
  'invalid',
  'erased',
  'unsubscribed',
  'bounced',
  'complained',
  'fatigue',
] as const;

export const count = (locale: Locale, n: number): string => formatNumber(locale, n);

/** The kind's headline: NPS signed with its margin, CSAT the share satisfied, CES the mean effort. */
export const headline = (
  locale: Locale,
  t: Translate,
  s: Pick<WaveStatus, 'survey' | 'nps' | 'marginOfError' | 'histogram'>,
): string => {
  const summary = summarize(s.survey, s.histogram);
  if (summary.responses === 0) return t('waves.noScore');
  if (s.survey === 'csat' && summary.satisfied !== null) return percent(locale, summary.satisfied);
  if (s.survey === 'ces' && summary.mean !== null)
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(summary.mean);
  if (s.nps === null) return t('waves.noScore');
  return s.marginOfError === null
    ? formatSigned(s.nps)
    : `${formatSigned(s.nps)} ${formatMargin(s.marginOfError)}`;
};

export const statusLabel = (t: Translate, status: WaveStatus['status']): string =>
  t(`waves.status.${status}`);

export const kindLabel = (t: Translate, kind: WaveStatus['survey']): string => t(`waves.kind.${kind}`);

/** A skip reason in words; one this version does not know is shown as it is stored. */
export const reasonLabel = (t: Translate, reason: string): string =>
  (SKIP_REASONS as readonly string[]).includes(reason) ? t(`waves.skip.${reason}`) : reason;

/** An instant in the configured time zone, which it names. */
export const when = (locale: Locale, iso: string, zone: string): string =>
  `${formatTime(locale, iso, zone)} (${zone})`;

/** A notice at the top of a page: `status` for news, `alert` for a problem. */
export const notice = (text: string | SafeHtml, kind: 'info' | 'error' = 'info'): SafeHtml =>
  html`<div class="notice${kind === 'error' ? ' error' : ''}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;

/** The live values of one wave, keyed as its page's `data-live` attributes name them. */
export const liveValues = (
  locale: Locale,
  t: Translate,
  s: WaveStatus,
  prefix = '',
): Record<string, string> => {
  const values: Record<string, string> = {
    [`${prefix}status`]: statusLabel(t, s.status),
    [`${prefix}sent`]: count(locale, s.sent),
    [`${prefix}failed`]: count(locale, s.failed),
    [`${prefix}responses`]: count(locale, s.responses),
    [`${prefix}quarantined`]: count(locale, s.quarantined),
    [`${prefix}skipped`]: count(
      locale,
      Object.values(s.skipped).reduce((a, b) => a + b, 0),
    ),
    [`${prefix}score`]: headline(locale, t, s),
  };
  for (const reason of new Set([...SKIP_REASONS, ...Object.keys(s.skipped)]))
    values[`${prefix}skipped.${reason}`] = count(locale, s.skipped[reason] ?? 0);
  return values;
};

/** A wave stops changing once it is cancelled; a sent wave still gathers responses. */
export const isSettled = (s: Pick<WaveStatus, 'status'>): boolean => s.status === 'cancelled';
