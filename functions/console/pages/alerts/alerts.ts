/**
 * Alerts (`nps alert add|list|remove`): the webhooks that get each detractor's, passive's or promoter's
 * answers, or a referral with consent, as JSON or a Slack message. Viewers see where alerts go (the
 * address's host and its end only: a Slack webhook's path is its secret); editors add and remove them. Every
 * change is logged in the activity. Owner alerts by email are set per wave (New wave: the alert address).
 */

import { csrfField, html, type SafeHtml, type Translate } from '#functions/console/ui/index.ts';
import {
  ALERT_TRIGGERS,
  addSubscription,
  listSubscriptions,
  removeSubscription,
  type Subscription,
  WEBHOOK_FORMATS,
} from '#shared/alerts/subscriptions.ts';
import { NotFoundError, ValidationError } from '#shared/core/errors.ts';
import type { Locale } from '#shared/core/locale.ts';
import { allows } from '#shared/team/roles.ts';
import { type Handler, page, type RouteContext, redirect } from '../../router.ts';
import { notice } from '../wave/wave-figures.ts';

export const ALERTS_PATH = '/console/alerts';

/** Where a webhook posts, without its secret: `hooks.slack.com/…/Xy9z`. Pure. */
export const maskedUrl = (url: string): string => {
  try {
    const u = new URL(url);
    const path = u.pathname.replace(/\/+$/, '');
    const tail = path.slice(-4);
    return path.length > 1 ? `${u.host}/…${tail}` : u.host;
  } catch {
    return '…';
  }
};

export interface AlertsView {
  t: Translate;
  locale: Locale;
  csrf: string;
  editor: boolean;
  subscriptions: readonly Subscription[];
  done?: 'added' | 'removed';
  problem?: string;
}

/** The alerts page's markup. Pure. */
export const alertsMain = (v: AlertsView): SafeHtml => {
  const { t, editor } = v;
  const list =
    v.subscriptions.length === 0
      ? html`<p class="muted">${t('alerts.empty')}</p>`
      : html`<div class="table-wrap" tabindex="0"><table aria-labelledby="alerts-heading">
<thead><tr><th scope="col">${t('alerts.url')}</th><th scope="col">${t('alerts.on')}</th><th scope="col">${t('alerts.format')}</th>${editor ? html`<th scope="col"><span class="visually-hidden">${t('alerts.actions')}</span></th>` : ''}</tr></thead>
<tbody>${v.subscriptions.map(
          (s) =>
            html`<tr><th scope="row" class="address">${maskedUrl(s.url)}</th><td>${t(`alerts.on.${s.on}`)}</td><td>${t(`alerts.format.${s.format}`)}</td>${
              editor
                ? html`<td><form method="post" action="${ALERTS_PATH}/remove">${csrfField(v.csrf)}<input type="hidden" name="id" value="${s.id}"><button type="submit" class="secondary">${t('alerts.remove')}<span class="visually-hidden"> ${maskedUrl(s.url)}</span></button></form></td>`
                : ''
            }</tr>`,
        )}</tbody></table></div>`;
  const add = editor
    ? html`<h2 id="add-heading">${t('alerts.add.title')}</h2>
<p class="hint">${t('alerts.add.hint')}</p>
${v.problem ? notice(v.problem, 'error') : ''}
<form method="post" action="${ALERTS_PATH}">
${csrfField(v.csrf)}
<div class="field"><label for="alert-url">${t('alerts.url')}</label>
<input id="alert-url" name="url" type="url" required maxlength="2000" autocomplete="off" placeholder="https://hooks.slack.com/services/…"${v.problem ? html` aria-invalid="true"` : ''}></div>
<div class="field"><label for="alert-on">${t('alerts.on')}</label>
<select id="alert-on" name="on">${ALERT_TRIGGERS.map((on) => html`<option value="${on}">${t(`alerts.on.${on}`)}</option>`)}</select></div>
<div class="field"><label for="alert-format">${t('alerts.format')}</label>
<select id="alert-format" name="format">${WEBHOOK_FORMATS.map((f) => html`<option value="${f}">${t(`alerts.format.${f}`)}</option>`)}</select></div>
<div class="actions"><button type="submit">${t('alerts.add')}</button></div>
</form>`
    : '';
  return html`${v.done ? notice(t(`alerts.${v.done}`)) : ''}
<p class="hint">${t('alerts.intro')}</p>
<h2 id="alerts-heading">${t('alerts.list.title')}</h2>
${list}
${add}`;
};

const alertsPageOf = async (ctx: RouteContext, problem?: string, status = 200) => {
  const done = ctx.query.get('done');
  return page(
    ctx.t('nav.alerts'),
    alertsMain({
      t: ctx.t,
      locale: ctx.locale,
      csrf: ctx.csrf,
      editor: allows(ctx.user.role, 'editor'),
      subscriptions: await listSubscriptions(ctx.store),
      ...(done === 'added' || done === 'removed' ? { done } : {}),
      ...(problem ? { problem } : {}),
    }),
    status,
  );
};

export const alertsPage: Handler = (ctx) => alertsPageOf(ctx);

export const addAlertAction: Handler = async (ctx) => {
  const form = ctx.form();
  try {
    const added = await addSubscription(
      ctx.store,
      { url: form.get('url') ?? '', on: form.get('on') ?? '', format: form.get('format') ?? 'json' },
      { ...ctx.settings.webhooks, now: ctx.now },
    );
    await ctx.record('alert.added', {
      id: added.id,
      to: maskedUrl(added.url),
      on: added.on,
      format: added.format,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const key = error.field === 'webhook' ? 'alerts.problem.url' : 'alerts.problem.choice';
    return alertsPageOf(ctx, ctx.t(key), 400);
  }
  return redirect(`${ALERTS_PATH}?done=added`);
};

export const removeAlertAction: Handler = async (ctx) => {
  const id = ctx.form().get('id') ?? '';
  try {
    await removeSubscription(ctx.store, id);
    await ctx.record('alert.removed', { id });
  } catch (error) {
    // Already gone (removed in another tab): the list shows the truth either way.
    if (!(error instanceof NotFoundError) && !(error instanceof ValidationError)) throw error;
  }
  return redirect(`${ALERTS_PATH}?done=removed`);
};
