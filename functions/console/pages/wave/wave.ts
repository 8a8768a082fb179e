/**
 * One wave (`nps wave status ID`): its schedule, live counts (sent, skipped by reason, failed, responses,
 * quarantined, score) refreshed through its JSON twin, the figures of its segment values, cancelling it
 * (`nps wave cancel ID`) behind a confirmation page, and cancelling its pending reminder. The live update
 * also withdraws a cancel button once the wave or its reminder can no longer be cancelled.
 */

import {
  csrfField,
  html,
  LANGUAGE_NAMES,
  type SafeHtml,
  type Translate,
} from '#functions/console/ui/index.ts';
import { ConflictError } from '#shared/core/errors.ts';
import type { Locale } from '#shared/core/locale.ts';
import { parseDurationDays } from '#shared/core/time.ts';
import { allows } from '#shared/team/roles.ts';
import type { Wave } from '#shared/waves/model.ts';
import { cancelReminder, cancelWave, getWave, reminderPending } from '#shared/waves/repository.ts';
import {
  shownStatus,
  type WaveSegments,
  type WaveStatus,
  waveSegments,
  waveStatus,
} from '#shared/waves/status.ts';
import { formatMargin, formatSigned } from '#templates/format.ts';
import { formatNumber } from '#templates/numbers.ts';
import { type Handler, json, page, type RouteContext, redirect } from '../../router.ts';
import { wavePath } from '../waves/waves.ts';
import {
  count,
  headline,
  isSettled,
  kindLabel,
  liveValues,
  notice,
  reasonLabel,
  SKIP_REASONS,
  statusLabel,
  when,
} from './wave-figures.ts';

const cancellable = (wave: Pick<Wave, 'status'>): boolean =>
  wave.status === 'scheduled' || wave.status === 'sending';

/** What the live update may withdraw (`data-live-offer`): false once the wave or its reminder is past it. */
const offers = (wave: Wave) => ({ cancellable: cancellable(wave), reminder: reminderPending(wave) });

const waveOf = (ctx: RouteContext): Promise<Wave> =>
  getWave(ctx.store.ddb, ctx.store.table, ctx.params.id ?? '');

const spread = (t: Translate, locale: Locale, days: number): string =>
  Number.isInteger(days)
    ? t('wave.spreadDays', { days: count(locale, days) })
    : t('wave.spreadHours', { hours: formatNumber(locale, days * 24, 1) });

const facts = ({ t, locale, wave, zone }: WaveView): SafeHtml => {
  const fact = (label: string, value: string | SafeHtml, live?: string) =>
    html`<div><dt>${label}</dt><dd${live ? html` data-live="${wave.id}.${live}"` : ''}>${value}</dd></div>`;
  const everyDays = wave.every ? parseDurationDays(wave.every) : undefined;
  return html`<dl class="facts">
${fact(t('wave.kind'), kindLabel(t, wave.kind))}
${fact(t('wave.status'), statusLabel(t, shownStatus(wave)), 'status')}
${fact(t('wave.sendAt'), when(locale, wave.sendAt, zone))}
${everyDays ? fact(t('wave.every'), t('wave.everyDays', { days: formatNumber(locale, everyDays, 1) })) : ''}
${wave.spreadDays ? fact(t('wave.spread'), spread(t, locale, wave.spreadDays)) : ''}
${fact(t('wave.product'), wave.product)}
${fact(t('wave.language'), LANGUAGE_NAMES[wave.locale])}
${wave.remindAfterSeconds === undefined ? '' : fact(t('wave.reminder'), reminderState(t, locale, wave, zone))}
</dl>`;
};

const reminderState = (t: Translate, locale: Locale, wave: Wave, zone: string): string => {
  if (wave.reminderCancelledAt) return t('wave.reminder.cancelled');
  if (wave.remindedAt) return t('wave.reminder.sent', { at: when(locale, wave.remindedAt, zone) });
  if (wave.remindAt) return t('wave.reminder.due', { at: when(locale, wave.remindAt, zone) });
  return t('wave.reminder.after', { hours: formatNumber(locale, (wave.remindAfterSeconds ?? 0) / 3600, 1) });
};

const countsTable = (t: Translate, locale: Locale, s: WaveStatus): SafeHtml => {
  const live = (field: string) => html` data-live="${s.id}.${field}"`;
  const skippedTotal = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const row = (label: string, field: string | undefined, value: string) =>
    html`<tr><th scope="row">${label}</th><td class="num"${field ? live(field) : ''}>${value}</td></tr>`;
  const reasons = [...new Set([...SKIP_REASONS, ...Object.keys(s.skipped)])];
  return html`<h2 id="counts-heading">${t('wave.counts')}</h2>
<div class="table-wrap" tabindex="0"><table aria-labelledby="counts-heading"><tbody>
${row(t('wave.recipients'), undefined, count(locale, s.recipients))}
${row(t('waves.col.sent'), 'sent', count(locale, s.sent))}
${row(t('wave.skipped'), 'skipped', count(locale, skippedTotal))}
${row(t('wave.failed'), 'failed', count(locale, s.failed))}
${row(t('waves.col.responses'), 'responses', count(locale, s.responses))}
${row(t('waves.col.quarantined'), 'quarantined', count(locale, s.quarantined))}
${row(t(`wave.score.${s.survey}`), 'score', headline(locale, t, s))}
</tbody></table></div>
<h2 id="skipped-heading">${t('wave.skippedByReason')}</h2>
<div class="table-wrap" tabindex="0"><table aria-labelledby="skipped-heading">
<thead><tr><th scope="col">${t('wave.reason')}</th><th scope="col" class="num">${t('wave.recipients')}</th></tr></thead>
<tbody>${reasons.map(
    (reason) =>
      html`<tr><th scope="row">${reasonLabel(t, reason)}</th><td class="num"${live(`skipped.${reason}`)}>${count(locale, s.skipped[reason] ?? 0)}</td></tr>`,
  )}</tbody>
</table></div>`;
};

const segmentsTable = (
  t: Translate,
  locale: Locale,
  kind: Wave['kind'],
  found: WaveSegments,
  min: number,
): SafeHtml => {
  const intro = html`<h2 id="segments-heading">${t('wave.segments')}</h2>
<p class="hint">${t('wave.segments.hint', { min: count(locale, min) })}${found.complete ? '' : html` ${t('wave.segments.partial', { n: count(locale, found.read) })}`}</p>`;
  if (found.segments.length === 0) return html`${intro}<p class="muted">${t('wave.segments.none')}</p>`;
  const score = (s: WaveSegments['segments'][number]) => {
    if (!s.shown) return t('wave.segments.hidden');
    if (kind !== 'nps' || s.nps === null) return headline(locale, t, { survey: kind, ...s });
    return s.marginOfError === null
      ? formatSigned(s.nps)
      : `${formatSigned(s.nps)} ${formatMargin(s.marginOfError)}`;
  };
  return html`${intro}
<div class="table-wrap" tabindex="0"><table aria-labelledby="segments-heading">
<thead><tr><th scope="col">${t('wave.segments.column')}</th><th scope="col">${t('wave.segments.value')}</th><th scope="col" class="num">${t('waves.col.responses')}</th><th scope="col" class="num">${t(`wave.score.${kind}`)}</th></tr></thead>
<tbody>${found.segments.map(
    (s) =>
      html`<tr><td>${s.column}</td><th scope="row">${s.value}</th><td class="num">${count(locale, s.responses)}</td><td class="num">${score(s)}</td></tr>`,
  )}</tbody>
</table></div>`;
};

export interface WaveView {
  t: Translate;
  locale: Locale;
  wave: Wave;
  /** The time zone times are shown in. */
  zone: string;
  status: WaveStatus;
  segments: WaveSegments;
  minResponses: number;
  /** Offer cancelling (an editor, and a wave not yet sent); the confirmation page checks again. */
  canCancel: boolean;
  /** Offer cancelling its pending reminder (an editor, and a reminder not yet sent). */
  canCancelReminder?: boolean;
  csrf?: string;
  news?: 'created' | 'cancelled' | 'reminderCancelled';
}

/** The wave page's markup. Pure: the shots render it with a sample wave. */
export const waveMain = (v: WaveView): SafeHtml => {
  const { t, locale, wave } = v;
  const news =
    v.news === 'created'
      ? notice(t('wave.created'))
      : v.news === 'cancelled'
        ? notice(t('wave.cancelledNotice'))
        : v.news === 'reminderCancelled'
          ? notice(t('wave.reminder.cancelledNotice'))
          : '';
  const cancel = v.canCancel
    ? html`<form method="get" action="${wavePath(wave.id)}/cancel" data-live-offer="cancellable"><button type="submit" class="secondary">${t('wave.cancel')}</button></form>`
    : '';
  const cancelReminderForm = v.canCancelReminder
    ? html`<form method="post" action="${wavePath(wave.id)}/reminder/cancel" data-live-offer="reminder" data-confirm="${t('wave.reminder.cancel.question')}">${csrfField(v.csrf ?? '')}<button type="submit" class="secondary">${t('wave.reminder.cancel')}</button></form>`
    : '';
  return html`${news}<p><a href="/console/waves">${t('wave.back')}</a></p>
<div data-live-src="/console/api/waves/${encodeURIComponent(wave.id)}">
${facts(v)}
${cancel}${cancelReminderForm}
${countsTable(t, locale, v.status)}
</div>
${segmentsTable(t, locale, wave.kind, v.segments, v.minResponses)}`;
};

export const wavePage: Handler = async (ctx) => {
  const wave = await waveOf(ctx);
  const minResponses = ctx.settings.survey.minSegmentResponses;
  const [status, segments] = await Promise.all([
    waveStatus(ctx.store, wave),
    waveSegments(ctx.store, wave, { minResponses }),
  ]);
  const news = (['created', 'cancelled', 'reminderCancelled'] as const).find((n) => ctx.query.has(n));
  const editor = allows(ctx.user.role, 'editor');
  return page(
    wave.name,
    waveMain({
      t: ctx.t,
      locale: ctx.locale,
      wave,
      zone: ctx.settings.timeZone,
      status,
      segments,
      minResponses,
      canCancel: cancellable(wave) && editor,
      canCancelReminder: reminderPending(wave) && editor,
      csrf: ctx.csrf,
      ...(news ? { news } : {}),
    }),
  );
};

/** The wave's counts as text, for console.js to refresh its page in place. */
export const waveLive: Handler = async (ctx) => {
  const wave = await waveOf(ctx);
  const status = await waveStatus(ctx.store, wave);
  return json({
    values: liveValues(ctx.locale, ctx.t, status, `${status.id}.`),
    done: isSettled(status),
    offers: offers(wave),
  });
};

/** The confirmation step: what cancelling does, and the one button that does it. */
export const cancelWavePage: Handler = async (ctx) => {
  const { t } = ctx;
  const wave = await waveOf(ctx);
  const back = html`<a href="${wavePath(wave.id)}">${t('wave.cancel.keep')}</a>`;
  if (!cancellable(wave))
    return page(
      t('wave.cancel.title'),
      html`${notice(t('wave.cancel.notPossible', { status: statusLabel(t, wave.status) }), 'error')}<p>${back}</p>`,
      409,
    );
  return page(
    t('wave.cancel.title'),
    html`<p>${t('wave.cancel.question', { name: wave.name })}</p>
<form method="post" action="${wavePath(wave.id)}/cancel" class="actions">
${csrfField(ctx.csrf)}
<button type="submit" class="danger">${t('wave.cancel.confirm')}</button>
${back}
</form>`,
  );
};

export const cancelWaveAction: Handler = async (ctx) => {
  const wave = await cancelWave(ctx.store.ddb, ctx.store.table, ctx.params.id ?? '');
  await ctx.record('wave.cancelled', { wave: wave.id, name: wave.name });
  return redirect(`${wavePath(wave.id)}?cancelled`);
};

/** Cancels the wave's pending reminder (no confirmation page: the form asks in the browser). */
export const cancelReminderAction: Handler = async (ctx) => {
  let wave: Wave;
  try {
    wave = await cancelReminder(ctx.store, ctx.params.id ?? '', ctx.now);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const back = html`<p><a href="${wavePath(ctx.params.id ?? '')}">${ctx.t('wave.reminder.back')}</a></p>`;
    return page(
      ctx.t('wave.reminder.cancel'),
      html`${notice(ctx.t('wave.reminder.notPending'), 'error')}${back}`,
      409,
    );
  }
  await ctx.record('wave.reminderCancelled', { wave: wave.id, name: wave.name });
  return redirect(`${wavePath(wave.id)}?reminderCancelled`);
};
