/**
 * The Responses page: the filter form (survey, category, wave, segment, language, dates, text), `Export CSV`
 * with the same filters, and the comments newest first, each with its score, category, wave, language (the
 * text carries its `lang`) and segment properties. Every value from a respondent or a file is escaped by `html`.
 */
import type { Category, SurveyKind } from '#shared/core/survey.ts';
import type { FeedbackComment } from '#shared/reporting/feedback.ts';
import { LOCALES, type Locale } from '#templates/messages.ts';
import { formatDay, formatTime } from '#templates/numbers.ts';
import { LANGUAGE_NAMES, type Translate } from '../../locales/messages.ts';
import { html, type SafeHtml } from '../../ui/html.ts';

export interface ResponsesFilterForm {
  survey: string;
  category: string;
  wave: string;
  segment: string;
  language: string;
  from: string;
  to: string;
  text: string;
}

export interface ResponsesPage {
  locale: Locale;
  t: Translate;
  timeZone: string;
  form: ResponsesFilterForm;
  /** The problem key and its parameters when the filters could not be used. */
  problem?: { key: string; field: keyof ResponsesFilterForm; params?: Record<string, string | number> };
  waves: readonly { id: string; name: string }[];
  segments: readonly { column: string; value: string; key: string }[];
  /** The filters as a query string (no paging), for the export and the first page. */
  filterQuery: string;
  comments?: readonly FeedbackComment[];
  next?: string;
  searchedTo?: string;
  paged: boolean;
}

const KINDS: readonly SurveyKind[] = ['nps', 'csat', 'ces'];
const CATEGORIES: readonly Category[] = ['promoter', 'passive', 'detractor'];
export const RESPONSES_PATH = '/console/responses';
export const RESPONSES_EXPORT_PATH = '/console/responses/export.csv';

const option = (value: string, label: string, selected: string): SafeHtml =>
  html`<option value="${value}"${value === selected ? ' selected' : ''}>${label}</option>`;

const select = (
  p: ResponsesPage,
  name: keyof ResponsesFilterForm,
  all: string,
  options: SafeHtml | SafeHtml[],
): SafeHtml =>
  html`<div class="field"><label for="f-${name}">${p.t(`responses.filter.${name}`)}</label><select id="f-${name}" name="${name}"${invalid(p, name)}>${option('', all, p.form[name])}${options}</select></div>`;

const invalid = (p: ResponsesPage, name: keyof ResponsesFilterForm) =>
  p.problem?.field === name ? html` aria-invalid="true" aria-describedby="filter-problem"` : '';

const input = (p: ResponsesPage, name: keyof ResponsesFilterForm, type: string, extra = ''): SafeHtml =>
  html`<div class="field"><label for="f-${name}">${p.t(`responses.filter.${name}`)}</label><input type="${type}" id="f-${name}" name="${name}" value="${p.form[name]}"${invalid(p, name)}${extra ? html` ${extra}` : ''}></div>`;

const filterForm = (p: ResponsesPage): SafeHtml => {
  const { t, form } = p;
  const columns = [...new Set(p.segments.map((s) => s.column))];
  return html`<form class="filters" method="get" action="${RESPONSES_PATH}" aria-label="${t('responses.filters')}">
${select(
  p,
  'survey',
  t('responses.filter.allSurveys'),
  KINDS.map((k) => option(k, t(`responses.kind.${k}`), form.survey)),
)}
${select(
  p,
  'category',
  t('responses.filter.allCategories'),
  CATEGORIES.map((c) => option(c, t(`responses.filter.category.${c}`), form.category)),
)}
${select(
  p,
  'wave',
  t('responses.filter.allWaves'),
  p.waves.map((w) => option(w.id, w.name, form.wave)),
)}
${select(
  p,
  'segment',
  t('responses.filter.allSegments'),
  columns.map(
    (column) =>
      html`<optgroup label="${column}">${p.segments.filter((s) => s.column === column).map((s) => option(s.key, `${s.column}: ${s.value}`, form.segment))}</optgroup>`,
  ),
)}
${select(
  p,
  'language',
  t('responses.filter.allLanguages'),
  LOCALES.map((l) => option(l, LANGUAGE_NAMES[l], form.language)),
)}
${input(p, 'from', 'date')}
${input(p, 'to', 'date')}
${input(p, 'text', 'search', 'maxlength="200"')}
<div class="field actions"><button type="submit">${t('responses.filter.apply')}</button> <a href="${RESPONSES_PATH}">${t('responses.filter.clear')}</a></div>
</form>`;
};

const answer = (label: string, text: string | undefined, lang: Locale): SafeHtml =>
  text ? html`<dt>${label}</dt><dd class="comment-text" lang="${lang}">${text}</dd>` : html``;

const commentItem = (p: ResponsesPage, c: FeedbackComment, i: number): SafeHtml => {
  const { t, locale } = p;
  const wave = p.waves.find((w) => w.id === c.waveId)?.name ?? c.waveId;
  const props = Object.entries(c.props);
  return html`<li><article class="comment" aria-labelledby="comment-${i}">
<h2 id="comment-${i}" class="comment-head"><span class="score ${c.category}">${t('responses.score', { score: c.score })}</span> <span>${t(`responses.category.${c.kind}.${c.category}`)}</span></h2>
<dl class="answers">${answer(t('responses.field.reason'), c.reason, c.locale)}${answer(t('responses.field.improve'), c.improve, c.locale)}${answer(t('responses.field.referral'), c.referral, c.locale)}</dl>
<dl class="meta">
<div><dt>${t('responses.meta.answered')}</dt><dd><time datetime="${c.respondedAt}">${formatTime(locale, c.respondedAt, p.timeZone)}</time></dd></div>
<div><dt>${t('responses.meta.wave')}</dt><dd>${wave} (${t(`responses.kind.${c.kind}`)})</dd></div>
<div><dt>${t('responses.meta.language')}</dt><dd>${LANGUAGE_NAMES[c.locale] ?? c.locale}</dd></div>
${props.length > 0 ? html`<div><dt>${t('responses.meta.segments')}</dt><dd><ul class="props">${props.map(([k, v]) => html`<li>${k}: ${v}</li>`)}</ul></dd></div>` : ''}
</dl>
</article></li>`;
};

/** The page's main content. */
export const responsesMain = (p: ResponsesPage): SafeHtml => {
  const { t, locale } = p;
  const query = p.filterQuery ? `?${p.filterQuery}` : '';
  const list = p.comments
    ? html`<p class="period-shown">${t('responses.range', { from: formatDay(locale, p.form.from), to: formatDay(locale, p.form.to) })}</p>${
        p.comments.length === 0
          ? html`<p>${t('responses.none')}</p>`
          : html`<ol class="comments">${p.comments.map((c, i) => commentItem(p, c, i))}</ol>`
      }${p.searchedTo ? html`<p class="muted">${t('responses.searchedTo', { day: formatDay(locale, p.searchedTo) })}</p>` : ''}
<nav class="pager" aria-label="${t('responses.pages')}">${
        p.paged ? html`<a href="${RESPONSES_PATH}${query}">${t('responses.newest')}</a>` : ''
      }${
        p.next
          ? html`<a href="${RESPONSES_PATH}?${p.filterQuery ? `${p.filterQuery}&` : ''}after=${encodeURIComponent(p.next)}" rel="next">${t('responses.older')}</a>`
          : ''
      }</nav>`
    : '';
  return html`${
    p.problem
      ? html`<p class="notice error" id="filter-problem" role="alert">${t(p.problem.key, p.problem.params ?? {})}</p>`
      : ''
  }${filterForm(p)}
${p.comments ? html`<p><a class="button secondary" href="${RESPONSES_EXPORT_PATH}${query}" download>${t('responses.export')}</a></p>` : ''}
${list}`;
};
