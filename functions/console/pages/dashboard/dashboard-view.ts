/**
 * The dashboard page: the period form, the NPS tile (signed, ± margin, n), the change and whether it is
 * significant, the response rate, the CSAT and CES tiles, the weekly trend and the 0–10 distribution (SVG,
 * each with its table), and the segments, hidden below the minimum n.
 */

import { addDays } from '#shared/core/time.ts';
import type { Dashboard } from '#shared/reporting/dashboard.ts';
import type { PeriodChoice, PeriodProblem } from '#shared/reporting/period-choice.ts';
import type { Locale } from '#templates/messages.ts';
import { formatDay, formatNumber, formatPercent, formatSignedNumber } from '#templates/numbers.ts';
import type { Translate } from '../../locales/messages.ts';
import { distributionChart, trendChart } from '../../ui/charts.ts';
import { html, type SafeHtml } from '../../ui/html.ts';

export interface PeriodForm {
  action: string;
  choice: PeriodChoice | string;
  week: string;
  from: string;
  to: string;
  problem?: PeriodProblem;
  maxDays: number;
}

export interface DashboardPage {
  locale: Locale;
  t: Translate;
  form: PeriodForm;
  /** Absent when the period could not be read (the form says why). */
  dashboard?: Dashboard;
}

const CHOICES = ['7d', '30d', '90d', 'week', 'custom'] as const;
const PROBLEM_FIELD: Record<PeriodProblem, string> = {
  period: 'period',
  week: 'week',
  from: 'from',
  to: 'to',
  order: 'to',
  length: 'from',
};

const field = (name: string, label: string, control: SafeHtml, when?: string): SafeHtml =>
  html`<div class="field"${when ? html` data-when="${when}"` : ''}><label for="${name}">${label}</label>${control}</div>`;

const invalid = (form: PeriodForm, name: string) =>
  form.problem && PROBLEM_FIELD[form.problem] === name
    ? html` aria-invalid="true" aria-describedby="period-problem"`
    : '';

/** The period form (GET): a choice, and the week or the days it needs (console.js shows only those). */
export const periodForm = (t: Translate, form: PeriodForm): SafeHtml => html`${
  form.problem
    ? html`<p class="notice error" id="period-problem" role="alert">${t(`period.problem.${form.problem}`, form.problem === 'length' ? { days: form.maxDays } : {})}</p>`
    : ''
}<form class="filters" method="get" action="${form.action}" data-period-form>
${field(
  'period',
  t('period.label'),
  html`<select id="period" name="period"${invalid(form, 'period')}>${CHOICES.map(
    (c) => html`<option value="${c}"${c === form.choice ? ' selected' : ''}>${t(`period.${c}`)}</option>`,
  )}</select>`,
)}
${field('week', t('period.weekField'), html`<input type="week" id="week" name="week" value="${form.week}"${invalid(form, 'week')}>`, 'week')}
${field('from', t('period.from'), html`<input type="date" id="from" name="from" value="${form.from}"${invalid(form, 'from')}>`, 'custom')}
${field('to', t('period.to'), html`<input type="date" id="to" name="to" value="${form.to}"${invalid(form, 'to')}>`, 'custom')}
<div class="field actions"><button type="submit">${t('period.show')}</button></div>
</form>`;

const signedOrDash = (locale: Locale, value: number | null) =>
  value === null ? '–' : formatSignedNumber(locale, value);

const tile = (id: string, title: string, body: SafeHtml): SafeHtml =>
  html`<section class="tile" aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${body}</section>`;

const changeSentence = (t: Translate, change: { significant: boolean }) =>
  t(change.significant ? 'dashboard.change.significant' : 'dashboard.change.notSignificant');

const tiles = (p: DashboardPage, d: Dashboard): SafeHtml => {
  const { t, locale } = p;
  const r = d.report;
  const previous = {
    from: formatDay(locale, d.previous.since),
    to: formatDay(locale, addDays(d.previous.until, -1)),
  };
  const counts = html`<p data-figure="responses">${t('dashboard.tile.responses', { count: formatNumber(locale, r.responses) })}</p>${
    r.quarantined > 0
      ? html`<p class="muted">${t('dashboard.tile.quarantined', { count: formatNumber(locale, r.quarantined) })}</p>`
      : ''
  }`;
  const nps = tile(
    'tile-nps',
    t('dashboard.tile.nps'),
    r.nps === null
      ? html`<p class="figure">–</p><p>${t('dashboard.nps.none')}</p>${counts}`
      : html`<p class="figure" data-figure="nps">${formatSignedNumber(locale, r.nps)}</p>
<p data-figure="margin">${t('dashboard.tile.margin', { margin: `±${formatNumber(locale, r.marginOfError ?? 0, 1)}` })}</p>${counts}`,
  );
  const change = tile(
    'tile-change',
    t('dashboard.tile.change'),
    d.change
      ? html`<p class="figure" data-figure="change">${formatSignedNumber(locale, d.change.delta)}</p>
<p>${t('dashboard.change.against', previous)}</p><p class="${d.change.significant ? 'significant' : 'muted'}">${changeSentence(t, d.change)}</p>`
      : html`<p class="figure">–</p><p>${t('dashboard.change.none', previous)}</p>`,
  );
  const rate = tile(
    'tile-rate',
    t('dashboard.tile.rate'),
    r.responseRate === null
      ? html`<p class="figure">–</p><p>${t('dashboard.rate.none')}</p>`
      : html`<p class="figure" data-figure="rate">${formatPercent(locale, r.responseRate)}</p><p>${t('dashboard.rate.detail', { responses: formatNumber(locale, r.responses), sent: formatNumber(locale, r.sent) })}</p>`,
  );
  const other = (kind: 'csat' | 'ces') => {
    const o = d.otherSurveys.find((s) => s.kind === kind);
    const body = o
      ? html`<p class="figure">${kind === 'csat' ? formatPercent(locale, o.value, 0) : formatNumber(locale, o.value, 2)}</p>
<p>${t(`dashboard.${kind}.value`)}</p>
<p>${t(`dashboard.${kind}.margin`, { margin: formatNumber(locale, o.margin ?? 0, kind === 'csat' ? 1 : 2) })}</p>
<p>${t('dashboard.tile.responses', { count: formatNumber(locale, o.responses) })}</p>${
          o.change
            ? html`<p>${t('dashboard.other.change', { delta: formatSignedNumber(locale, o.change.delta, kind === 'csat' ? 1 : 2) })} ${changeSentence(t, o.change)}</p>`
            : ''
        }`
      : html`<p class="figure">–</p><p>${t('dashboard.other.none')}</p>`;
    return tile(`tile-${kind}`, t(`dashboard.tile.${kind}`), body);
  };
  return html`<div class="tiles">${nps}${change}${rate}${other('csat')}${other('ces')}</div>`;
};

const trendSection = (p: DashboardPage, d: Dashboard): SafeHtml => {
  const { t, locale } = p;
  const first = d.trend[0]?.label ?? '';
  const last = d.trend[d.trend.length - 1]?.label ?? '';
  return html`<section aria-labelledby="trend-heading"><h2 id="trend-heading">${t('dashboard.trend.title')}</h2>
${trendChart({ id: 'trend-chart', title: t('dashboard.trend.chart', { first, last }), points: d.trend, locale })}
<p class="muted">${t('dashboard.trend.hollow', { min: d.minSegmentResponses })}</p>
<details><summary>${t('dashboard.trend.table')}</summary><div class="table-wrap" tabindex="0"><table>
<caption>${t('dashboard.trend.chart', { first, last })}</caption>
<thead><tr><th scope="col">${t('dashboard.col.week')}</th><th scope="col" class="num">${t('dashboard.col.responses')}</th><th scope="col" class="num">${t('dashboard.col.nps')}</th><th scope="col" class="num">${t('dashboard.col.margin')}</th></tr></thead>
<tbody>${d.trend.map(
    (w) =>
      html`<tr><th scope="row">${w.label}</th><td class="num">${formatNumber(locale, w.responses)}</td><td class="num">${signedOrDash(locale, w.nps)}</td><td class="num">${w.marginOfError === null ? '–' : `±${formatNumber(locale, w.marginOfError, 1)}`}</td></tr>`,
  )}</tbody></table></div></details></section>`;
};

const distributionSection = (p: DashboardPage, d: Dashboard): SafeHtml => {
  const { t, locale } = p;
  const total = d.report.responses;
  return html`<section aria-labelledby="distribution-heading"><h2 id="distribution-heading">${t('dashboard.distribution.title')}</h2>
${distributionChart({ id: 'distribution-chart', title: t('dashboard.distribution.chart'), histogram: d.report.histogram, locale })}
<details><summary>${t('dashboard.distribution.table')}</summary><div class="table-wrap" tabindex="0"><table>
<caption>${t('dashboard.distribution.chart')}</caption>
<thead><tr><th scope="col">${t('dashboard.col.score')}</th><th scope="col" class="num">${t('dashboard.col.responses')}</th><th scope="col" class="num">${t('dashboard.col.share')}</th></tr></thead>
<tbody>${d.report.histogram.map(
    (count, score) =>
      html`<tr><th scope="row">${score}</th><td class="num">${formatNumber(locale, count)}</td><td class="num">${total > 0 ? formatPercent(locale, count / total) : '–'}</td></tr>`,
  )}</tbody></table></div></details></section>`;
};

const segmentsSection = (p: DashboardPage, d: Dashboard): SafeHtml => {
  const { t, locale } = p;
  const min = d.minSegmentResponses;
  return html`<section aria-labelledby="segments-heading"><h2 id="segments-heading">${t('dashboard.segments.title')}</h2>
<p class="muted">${t('dashboard.segments.rule', { min })}</p>${
    d.segments.length === 0
      ? html`<p>${t('dashboard.segments.none')}</p>`
      : html`<div class="table-wrap" tabindex="0"><table class="segments">
<thead><tr><th scope="col">${t('dashboard.col.segment')}</th><th scope="col" class="num">${t('dashboard.col.responses')}</th><th scope="col" class="num">${t('dashboard.col.nps')}</th></tr></thead>
<tbody>${d.segments.map(
          (s) =>
            html`<tr><th scope="row"><span class="muted">${s.column}:</span> ${s.value}</th><td class="num">${formatNumber(locale, s.responses)}</td>${
              s.shown
                ? html`<td class="num">${signedOrDash(locale, s.nps)}${s.marginOfError === null ? '' : html` <span class="muted">±${formatNumber(locale, s.marginOfError, 1)}</span>`}</td>`
                : html`<td class="hidden-figure">${t('dashboard.segments.hidden', { min })}</td>`
            }</tr>`,
        )}</tbody></table></div>`
  }</section>`;
};

/** The page's main content. */
export const dashboardMain = (p: DashboardPage): SafeHtml => {
  const { t, locale } = p;
  const d = p.dashboard;
  if (!d) return periodForm(t, p.form);
  const until = addDays(d.period.until, -1);
  return html`${periodForm(t, p.form)}
<p class="period-shown">${t('dashboard.period', { from: formatDay(locale, d.period.since), to: formatDay(locale, until) })}</p>
${tiles(p, d)}
${trendSection(p, d)}
${distributionSection(p, d)}
${segmentsSection(p, d)}
<p class="muted cli">${t('dashboard.cli')} <code>nps report --since ${d.period.since} --until ${d.period.until}</code></p>`;
};
