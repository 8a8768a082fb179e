/**
 * GET /console/responses: the comments, filtered and paged, newest first (shared/reporting/feedback.ts);
 * GET /console/responses/export.csv: the same filters as a CSV file (shared/reporting/feedback-export.ts).
 * Filters that cannot be used answer 400 with the form saying which one.
 */

import {
  type ResponsesFilterForm,
  type ResponsesPage,
  responsesMain,
} from '#functions/console/pages/responses/responses-view.ts';
import { html } from '#functions/console/ui/index.ts';
import { segmentValues } from '#shared/aggregation/counts.ts';
import { isLocale } from '#shared/core/locale.ts';
import { type Category, isSurveyKind, SURVEY_KINDS } from '#shared/core/survey.ts';
import { addDays, dayIn } from '#shared/core/time.ts';
import { type FeedbackQuery, readFeedbackPage } from '#shared/reporting/feedback.ts';
import {
  exportFeedbackCsv,
  FeedbackExportTooLargeError,
  MAX_EXPORT_BYTES,
} from '#shared/reporting/feedback-export.ts';
import { MAX_CUSTOM_DAYS } from '#shared/reporting/period-choice.ts';
import { parseSegmentValue, segmentValue } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { listWaves } from '#shared/waves/repository.ts';
import { file, type Handler, page, type RouteContext } from '../../router.ts';

const PAGE_SIZE = 25;
/** Days shown when the form names none: the last 90, today included. */
const DEFAULT_DAYS = 90;
const MAX_TEXT = 200;
const CATEGORIES: readonly string[] = ['promoter', 'passive', 'detractor'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (v: string) => DAY.test(v) && addDays(v, 0) === v;

type Problem = NonNullable<ResponsesPage['problem']>;

/** The form's values (defaults filled in) and the query they make, or the first problem with them. */
const filtersOf = (
  ctx: RouteContext,
): { form: ResponsesFilterForm; query?: FeedbackQuery; problem?: Problem } => {
  const q = ctx.query;
  const today = dayIn(ctx.settings.timeZone, ctx.now);
  const form: ResponsesFilterForm = {
    survey: q.get('survey') ?? '',
    category: q.get('category') ?? '',
    wave: q.get('wave') ?? '',
    segment: q.get('segment') ?? '',
    language: q.get('language') ?? '',
    from: q.get('from') || addDays(today, 1 - DEFAULT_DAYS),
    to: q.get('to') || today,
    text: (q.get('text') ?? '').trim(),
  };
  const problem = (key: string, field: keyof ResponsesFilterForm, params?: Problem['params']) => ({
    form,
    problem: { key, field, ...(params ? { params } : {}) },
  });
  if (form.survey && !isSurveyKind(form.survey)) return problem('responses.problem.choice', 'survey');
  if (form.category && !CATEGORIES.includes(form.category))
    return problem('responses.problem.choice', 'category');
  if (form.language && !isLocale(form.language)) return problem('responses.problem.choice', 'language');
  if (form.wave.length > 100) return problem('responses.problem.choice', 'wave');
  if (form.segment && !form.segment.includes('#')) return problem('responses.problem.choice', 'segment');
  if (!isDay(form.from)) return problem('period.problem.from', 'from');
  if (!isDay(form.to)) return problem('period.problem.to', 'to');
  if (form.to < form.from) return problem('period.problem.order', 'to');
  const until = addDays(form.to, 1);
  if ((Date.parse(until) - Date.parse(form.from)) / 86_400_000 > MAX_CUSTOM_DAYS)
    return problem('period.problem.length', 'from', { days: MAX_CUSTOM_DAYS });
  if (form.text.length > MAX_TEXT) return problem('responses.problem.text', 'text', { max: MAX_TEXT });
  const query: FeedbackQuery = {
    range: { since: form.from, until },
    ...(form.survey && isSurveyKind(form.survey) ? { kind: form.survey } : {}),
    ...(form.category ? { category: form.category as Category } : {}),
    ...(form.wave ? { waveId: form.wave } : {}),
    ...(form.segment ? { segment: parseSegmentValue(form.segment) } : {}),
    ...(form.language && isLocale(form.language) ? { locale: form.language } : {}),
    ...(form.text ? { text: form.text } : {}),
  };
  return { form, query };
};

/** The filters as they go into links: only those that are set. */
const queryStringOf = (form: ResponsesFilterForm): string =>
  new URLSearchParams(Object.entries(form).filter(([, v]) => v !== '')).toString();

/** Every segment value of the chosen survey kind (or of all), for the segment filter and the export's columns. */
const segmentsOf = async (store: TableStore, survey: string) => {
  const kinds = isSurveyKind(survey) ? [survey] : SURVEY_KINDS;
  const all = (await Promise.all(kinds.map((kind) => segmentValues(store, kind)))).flat();
  const seen = new Map(all.map((s) => [segmentValue(s.column, s.value), s]));
  return [...seen]
    .map(([key, s]) => ({ ...s, key }))
    .sort((a, b) => a.column.localeCompare(b.column) || a.value.localeCompare(b.value));
};

const wavesOf = async (store: TableStore) =>
  (await listWaves(store.ddb, store.table)).reverse().map((w) => ({ id: w.id, name: w.name }));

export const responsesPage: Handler = async (ctx) => {
  const { form, query, problem } = filtersOf(ctx);
  const after = ctx.query.get('after') ?? undefined;
  const [waves, segments, found] = await Promise.all([
    wavesOf(ctx.store),
    segmentsOf(ctx.store, form.survey),
    query ? readFeedbackPage(ctx.store, query, { limit: PAGE_SIZE, ...(after ? { after } : {}) }) : undefined,
  ]);
  const view: ResponsesPage = {
    locale: ctx.locale,
    t: ctx.t,
    timeZone: ctx.settings.timeZone,
    form,
    waves,
    segments,
    filterQuery: queryStringOf(form),
    paged: Boolean(after),
    ...(problem ? { problem } : {}),
    ...(found
      ? {
          comments: found.comments,
          ...(found.next ? { next: found.next } : {}),
          ...(found.searchedTo ? { searchedTo: found.searchedTo } : {}),
        }
      : {}),
  };
  return page(ctx.t('nav.responses'), responsesMain(view), problem ? 400 : 200);
};

export const responsesExport: Handler = async (ctx) => {
  const { form, query, problem } = filtersOf(ctx);
  const title = ctx.t('nav.responses');
  if (!query || problem)
    return page(
      title,
      html`<p class="notice error" role="alert">${ctx.t(problem?.key ?? 'responses.problem.choice', problem?.params ?? {})}</p><p><a href="/console/responses">${ctx.t('responses.back')}</a></p>`,
      400,
    );
  const [waves, segments] = await Promise.all([wavesOf(ctx.store), segmentsOf(ctx.store, form.survey)]);
  try {
    const { csv } = await exportFeedbackCsv(ctx.store, query, {
      waveNames: new Map(waves.map((w) => [w.id, w.name])),
      segmentColumns: [...new Set(segments.map((s) => s.column))],
    });
    return file('text/csv; charset=utf-8', `responses-${form.from}-to-${form.to}.csv`, csv);
  } catch (error) {
    if (!(error instanceof FeedbackExportTooLargeError)) throw error;
    return page(
      ctx.t('responses.tooLarge.title'),
      html`<p>${ctx.t('responses.tooLarge.body', { mb: MAX_EXPORT_BYTES / 1024 / 1024 })}</p><p><a href="/console/responses?${queryStringOf(form)}">${ctx.t('responses.back')}</a></p>`,
      413,
    );
  }
};
