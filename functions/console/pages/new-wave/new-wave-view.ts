/**
 * The New wave form's markup: name, survey kind, product, language, audience file, schedule, and the check
 * region where the file's problems (`line N: reason`) or its summary and email previews appear. The same
 * markup serves the empty form, the checked form and a refused creation; console.js swaps only the check
 * region in place when it uploads in the background.
 */

import {
  csrfField,
  html,
  LANGUAGE_NAMES,
  type SafeHtml,
  type Translate,
} from '#functions/console/ui/index.ts';
import { LOCALES, type Locale } from '#shared/core/locale.ts';
import { SURVEY_KINDS, type SurveyKind } from '#shared/core/survey.ts';
import { count } from '../wave/wave-figures.ts';

export const CHECK_PATH = '/console/waves/new/check';
export const CREATE_PATH = '/console/waves/new';
export const PREVIEW_PATH = '/console/waves/preview';
/** Where console.js asks for a presigned upload address (when the stack has an upload bucket). */
export const UPLOAD_PATH = '/console/waves/new/upload';
/** The largest file sent inside the request: the Function URL's 6 MB request carries it base64-encoded. */
export const MAX_AUDIENCE_BYTES = 4 * 1024 * 1024;
/** Invalid rows listed on the page; a file with more says how many it left out. */
export const MAX_LISTED_ROWS = 2000;

export interface WaveFormValues {
  name: string;
  kind: SurveyKind;
  product: string;
  locale: Locale;
  start: 'now' | 'at';
  /** A datetime-local value, wall-clock time in `zone`. */
  at: string;
  zone: string;
  every: string;
  spread: string;
  spreadUnit: 'hours' | 'days';
  /** Where alerts of contacts without an owner go (`--alert-to`). */
  alertTo: string;
  /** One reminder this long after the send (`--remind-after`), in `remindUnit`. */
  remindAfter: string;
  remindUnit: 'hours' | 'days';
}

export const FIELDS = [
  'name',
  'kind',
  'product',
  'locale',
  'audience',
  'at',
  'zone',
  'every',
  'spread',
  'alertTo',
  'remindAfter',
] as const;
export type Field = (typeof FIELDS)[number];
export type FieldProblems = Partial<Record<Field, string>>;

/** What the check of a file found; absent before a file was checked. */
export type CheckResult =
  | {
      kind: 'problems';
      file: string;
      rows: { line: number; reason: string }[];
      more: number;
      message?: string;
    }
  | {
      kind: 'valid';
      file: string;
      recipients: number;
      skipped: Record<string, number>;
      /** Each language of the file with its recipients, in LOCALES order. */
      languages: { locale: Locale; recipients: number }[];
    };

export interface FormView {
  t: Translate;
  locale: Locale;
  csrf: string;
  values: WaveFormValues;
  zones: readonly string[];
  problems: FieldProblems;
  check?: CheckResult;
  /** The check ran on a no-JavaScript round trip, so the file must be chosen again to create the wave. */
  chooseAgain?: boolean;
  /** The empty form: console.js may put the browser's time zone in the zone field. */
  fresh?: boolean;
  /** The largest file the browser may upload straight to the bucket, when the stack has one. */
  uploadBytes?: number;
}

export const previewHref = (v: Pick<WaveFormValues, 'kind' | 'product'>, locale: Locale): string =>
  `${PREVIEW_PATH}?${new URLSearchParams({ kind: v.kind, locale, product: v.product })}`;

const problemOf = (view: FormView, field: Field): SafeHtml => {
  const text = view.problems[field];
  return text ? html`<p class="field-error" id="${field}-error">${text}</p>` : html``;
};

/** aria-invalid and aria-describedby of a field, pointing at its hint and its problem. */
const described = (view: FormView, field: Field, hint?: string): SafeHtml => {
  const ids = [hint, view.problems[field] ? `${field}-error` : undefined].filter(Boolean).join(' ');
  return html`${view.problems[field] ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
};

const selected = (yes: boolean): SafeHtml => (yes ? html` selected` : html``);
const checked = (yes: boolean): SafeHtml => (yes ? html` checked` : html``);

/** The field problems as a list linking to each field, then the file's problems or its summary. */
const checkRegion = (view: FormView): SafeHtml => {
  const { t, locale } = view;
  const fieldProblems = FIELDS.filter((f) => view.problems[f] && f !== 'audience');
  const summary =
    fieldProblems.length > 0
      ? html`<div class="notice error" role="alert"><p>${t('newWave.fix')}</p><ul>${fieldProblems.map(
          (f) => html`<li><a href="#${f}">${view.problems[f]}</a></li>`,
        )}</ul></div>`
      : html``;
  const check = view.check;
  if (!check) return summary;
  if (check.kind === 'problems')
    return html`${summary}<div class="notice error" role="alert">
<h2 id="check-heading">${t('newWave.invalid.title', { file: check.file })}</h2>
<p>${check.rows.length > 0 ? t('newWave.invalid.rows', { n: count(locale, check.rows.length + check.more) }) : t('newWave.invalid.file')}</p>
${check.message ? html`<p>${check.message}</p>` : ''}
${check.rows.length > 0 ? html`<ul class="problems">${check.rows.map((r) => html`<li>${t('newWave.line', { line: r.line, reason: r.reason })}</li>`)}</ul>` : ''}
${check.more > 0 ? html`<p>${t('newWave.invalid.more', { n: count(locale, check.more) })}</p>` : ''}
</div>`;
  const skipped = Object.entries(check.skipped);
  return html`${summary}<div class="notice" role="status">
<h2 id="check-heading">${t('newWave.valid.title', { file: check.file })}</h2>
<p>${t('newWave.valid.recipients', { n: count(locale, check.recipients) })}</p>
${skipped.length > 0 ? html`<ul>${skipped.map(([reason, n]) => html`<li>${t(`newWave.skipped.${reason === 'erased' ? 'erased' : 'duplicate'}`, { n: count(locale, n) })}</li>`)}</ul>` : ''}
${view.chooseAgain ? html`<p><strong>${t('newWave.chooseAgain')}</strong></p>` : ''}
</div>
<h2>${t('newWave.preview.title')}</h2>
<p class="hint">${t('newWave.preview.hint')}</p>
<div class="previews">${check.languages.map(
    (l) => html`<figure class="preview">
<figcaption lang="${l.locale}">${LANGUAGE_NAMES[l.locale]}</figcaption>
<p class="hint">${t('newWave.preview.recipients', { n: count(locale, l.recipients) })} <a href="${previewHref(view.values, l.locale)}" target="_blank" rel="noopener">${t('newWave.preview.open', { language: LANGUAGE_NAMES[l.locale] })}</a></p>
<iframe sandbox src="${previewHref(view.values, l.locale)}" title="${t('newWave.preview.frame', { language: LANGUAGE_NAMES[l.locale] })}"></iframe>
</figure>`,
  )}</div>`;
};

export const waveForm = (view: FormView): SafeHtml => {
  const { t, values: v } = view;
  const maxBytes = view.uploadBytes ?? MAX_AUDIENCE_BYTES;
  const mb = Math.floor(maxBytes / 1024 / 1024);
  const direct = view.uploadBytes ? html` data-upload-url="${UPLOAD_PATH}"` : html``;
  return html`<form method="post" action="${CREATE_PATH}" enctype="multipart/form-data" class="wave-form" data-upload${direct} data-upload-failed="${t('newWave.audience.failed')}">
${csrfField(view.csrf)}
<div class="field">
<label for="name">${t('newWave.name')}</label>
${problemOf(view, 'name')}
<input id="name" name="name" type="text" required maxlength="200" value="${v.name}"${described(view, 'name')}>
</div>
<div class="field">
<label for="kind">${t('newWave.kind')}</label>
${problemOf(view, 'kind')}
<select id="kind" name="kind" data-recheck${described(view, 'kind')}>${SURVEY_KINDS.map(
    (k) => html`<option value="${k}"${selected(k === v.kind)}>${t(`waves.kind.${k}`)}</option>`,
  )}</select>
</div>
<div class="field">
<label for="product">${t('newWave.product')}</label>
<p class="hint" id="product-hint">${t('newWave.product.hint')}</p>
${problemOf(view, 'product')}
<input id="product" name="product" type="text" required maxlength="200" value="${v.product}" data-recheck${described(view, 'product', 'product-hint')}>
</div>
<div class="field">
<label for="locale">${t('newWave.locale')}</label>
<p class="hint" id="locale-hint">${t('newWave.locale.hint')}</p>
<select id="locale" name="locale" data-recheck${described(view, 'locale', 'locale-hint')}>${LOCALES.map(
    (l) => html`<option value="${l}" lang="${l}"${selected(l === v.locale)}>${LANGUAGE_NAMES[l]}</option>`,
  )}</select>
</div>
<div class="field">
<label for="audience">${t('newWave.audience')}</label>
<p class="hint" id="audience-hint">${t('newWave.audience.hint', { mb })}</p>
${problemOf(view, 'audience')}
<input id="audience" name="audience" type="file" accept=".csv,text/csv" required data-max-bytes="${maxBytes}" data-too-large="${t('newWave.audience.tooLarge', { mb })}"${described(view, 'audience', 'audience-hint')}>
<input type="hidden" name="upload" value="">
<input type="hidden" name="uploadName" value="">
<div class="upload" hidden>
<label for="upload-progress" class="small">${t('newWave.uploading')}</label>
<progress id="upload-progress" max="100" value="0"></progress>
</div>
</div>
<div id="audience-check" class="check" tabindex="-1" aria-live="polite">${checkRegion(view)}</div>
<fieldset class="schedule">
<legend>${t('newWave.schedule')}</legend>
<div class="choice"><input type="radio" id="start-now" name="start" value="now"${checked(v.start === 'now')}><label for="start-now">${t('newWave.start.now')}</label></div>
<div class="choice"><input type="radio" id="start-at" name="start" value="at"${checked(v.start === 'at')}><label for="start-at">${t('newWave.start.at')}</label></div>
<div class="field indent">
<label for="at">${t('newWave.at')}</label>
${problemOf(view, 'at')}
<input id="at" name="at" type="datetime-local" value="${v.at}"${described(view, 'at')}>
</div>
<div class="field indent">
<label for="zone">${t('newWave.zone')}</label>
${problemOf(view, 'zone')}
<select id="zone" name="zone"${view.fresh ? html` data-browser-zone` : ''}${described(view, 'zone')}>${view.zones.map(
    (z) => html`<option${selected(z === v.zone)}>${z}</option>`,
  )}</select>
</div>
<div class="field">
<label for="every">${t('newWave.every')}</label>
<p class="hint" id="every-hint">${t('newWave.every.hint')}</p>
${problemOf(view, 'every')}
<input id="every" name="every" type="number" inputmode="numeric" min="1" step="1" value="${v.every}"${described(view, 'every', 'every-hint')}>
</div>
<div class="field">
<label for="spread">${t('newWave.spread')}</label>
<p class="hint" id="spread-hint">${t('newWave.spread.hint')}</p>
${problemOf(view, 'spread')}
<div class="inline">
<input id="spread" name="spread" type="number" inputmode="decimal" min="0" step="any" value="${v.spread}"${described(view, 'spread', 'spread-hint')}>
<label for="spread-unit" class="visually-hidden">${t('newWave.spread.unit')}</label>
<select id="spread-unit" name="spreadUnit">
<option value="hours"${selected(v.spreadUnit === 'hours')}>${t('newWave.spread.hours')}</option>
<option value="days"${selected(v.spreadUnit === 'days')}>${t('newWave.spread.days')}</option>
</select>
</div>
</div>
</fieldset>
<div class="field">
<label for="alertTo">${t('newWave.alertTo')}</label>
<p class="hint" id="alertTo-hint">${t('newWave.alertTo.hint')}</p>
${problemOf(view, 'alertTo')}
<input id="alertTo" name="alertTo" type="email" maxlength="254" autocomplete="off" value="${v.alertTo}"${described(view, 'alertTo', 'alertTo-hint')}>
</div>
<div class="field">
<label for="remindAfter">${t('newWave.remind')}</label>
<p class="hint" id="remindAfter-hint">${t('newWave.remind.hint')}</p>
${problemOf(view, 'remindAfter')}
<div class="inline">
<input id="remindAfter" name="remindAfter" type="number" inputmode="decimal" min="0" step="any" value="${v.remindAfter}"${described(view, 'remindAfter', 'remindAfter-hint')}>
<label for="remind-unit" class="visually-hidden">${t('newWave.remind.unit')}</label>
<select id="remind-unit" name="remindUnit">
<option value="hours"${selected(v.remindUnit === 'hours')}>${t('newWave.spread.hours')}</option>
<option value="days"${selected(v.remindUnit === 'days')}>${t('newWave.spread.days')}</option>
</select>
</div>
</div>
<div class="actions">
<button type="submit" class="secondary" formaction="${CHECK_PATH}">${t('newWave.check')}</button>
<button type="submit">${t('newWave.create')}</button>
</div>
</form>`;
};
