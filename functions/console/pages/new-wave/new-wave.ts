/**
 * New wave (`nps wave create`): the form, the server's check of the uploaded audience file (every invalid
 * row as `line N: reason`, nothing created), a preview of the real email in each language of the file, and
 * `Create wave`, which creates it through the same `createWave` as the CLI.
 * 1. Read the form and the file. 2. Check the fields and the schedule, then every row of the file.
 * 3. Problems: show them all, create nothing. 4. Create the wave, log it, open its page.
 */

import { MAX_UPLOAD_BYTES, uploadOrigin } from '#functions/console/http/uploads.ts';
import { checkAudience } from '#shared/audience/check.ts';
import { isErased } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { isLocale, LOCALES, type Locale } from '#shared/core/locale.ts';
import { isSurveyKind } from '#shared/core/survey.ts';
import { instantIn } from '#shared/core/time.ts';
import { createWave } from '#shared/waves/create.ts';
import { waveSettingsProblems } from '#shared/waves/settings.ts';
import { MAX_SPREAD_DAYS, MIN_EVERY_DAYS, type WaveTiming, waveTiming } from '#shared/waves/timing.ts';
import { surveyEmailPreview } from '#templates/previews.ts';
import { type Handler, page, preview, type RouteContext, redirect } from '../../router.ts';
import { wavePath } from '../waves/waves.ts';
import { type AudienceSource, rowsOf, uploadOf } from './audience-source.ts';
import {
  type CheckResult,
  type FieldProblems,
  MAX_LISTED_ROWS,
  type WaveFormValues,
  waveForm,
} from './new-wave-view.ts';

let zoneList: readonly string[] | undefined;
/** Every IANA time zone this runtime knows, for the schedule's time zone field. */
const zones = (): readonly string[] => {
  zoneList ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
  return zoneList;
};

const defaults = (ctx: RouteContext): WaveFormValues => ({
  name: '',
  kind: 'nps',
  product: ctx.settings.defaultProduct ?? '',
  locale: ctx.locale,
  start: 'now',
  at: '',
  zone: ctx.settings.timeZone,
  every: '',
  spread: '',
  spreadUnit: 'days',
  alertTo: '',
  remindAfter: '',
  remindUnit: 'days',
});

const valuesOf = (ctx: RouteContext, fields: URLSearchParams): WaveFormValues => {
  const text = (name: string) => (fields.get(name) ?? '').slice(0, 1000);
  const kind = text('kind');
  const locale = text('locale');
  return {
    name: text('name'),
    kind: isSurveyKind(kind) ? kind : 'nps',
    product: text('product'),
    locale: isLocale(locale) ? locale : ctx.locale,
    start: text('start') === 'at' ? 'at' : 'now',
    at: text('at').trim(),
    zone: text('zone').trim() || ctx.settings.timeZone,
    every: text('every').trim(),
    spread: text('spread').trim(),
    spreadUnit: text('spreadUnit') === 'hours' ? 'hours' : 'days',
    alertTo: text('alertTo').trim(),
    remindAfter: text('remindAfter').trim(),
    remindUnit: text('remindUnit') === 'hours' ? 'hours' : 'days',
  };
};

/** The reminder's delay in seconds, or undefined when none was asked for. Pure. */
const remindSecondsOf = (v: WaveFormValues): number | undefined => {
  if (v.remindAfter === '') return undefined;
  const amount = Number(v.remindAfter);
  return Math.round(amount * (v.remindUnit === 'hours' ? 3_600 : 86_400));
};

/** The wave's own settings, checked by the core's rules (the CLI's too), worded in the user's language. */
const settingsProblems = (ctx: RouteContext, v: WaveFormValues): FieldProblems => {
  const problems: FieldProblems = {};
  const remind = remindSecondsOf(v);
  const found = waveSettingsProblems({
    name: v.name,
    ...(v.alertTo !== '' ? { alertTo: v.alertTo } : {}),
    ...(remind !== undefined ? { remindAfterSeconds: remind } : {}),
  });
  for (const problem of found) {
    if (problem.field === 'name') problems.name = ctx.t('newWave.problem.name');
    if (problem.field === 'alertTo') problems.alertTo = ctx.t('newWave.problem.alertTo');
    if (problem.field === 'remindAfter') problems.remindAfter = ctx.t('newWave.problem.remind');
  }
  return problems;
};

/** The fields' problems in the user's language, and the wave's timing when they have none. */
const checkFields = (
  ctx: RouteContext,
  v: WaveFormValues,
): { problems: FieldProblems; timing?: WaveTiming } => {
  const { t } = ctx;
  const problems: FieldProblems = settingsProblems(ctx, v);
  if (!v.product.trim() || v.product.length > 200) problems.product = t('newWave.problem.product');
  if (!zones().includes(v.zone)) problems.zone = t('newWave.problem.zone');
  const sendAt = v.start === 'now' ? ctx.now : instantIn(v.zone, v.at);
  if (!sendAt && !problems.zone) problems.at = t('newWave.problem.at');
  const number = (raw: string) => (raw === '' ? undefined : Number(raw));
  const everyDays = number(v.every);
  const spread = number(v.spread);
  const spreadDays = spread === undefined ? undefined : v.spreadUnit === 'hours' ? spread / 24 : spread;
  if (!sendAt) return { problems };
  try {
    const timing = waveTiming({
      sendAt,
      ...(everyDays !== undefined ? { everyDays } : {}),
      ...(spreadDays !== undefined ? { spreadDays } : {}),
    });
    return Object.keys(problems).length > 0 ? { problems } : { problems, timing };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    if (error.field === 'every') problems.every = t('newWave.problem.every', { min: MIN_EVERY_DAYS });
    else if (error.field === 'spread')
      problems.spread = t('newWave.problem.spread', { max: MAX_SPREAD_DAYS });
    else problems.at = t('newWave.problem.at');
    return { problems };
  }
};

/** Every row of the file checked; the languages are the rows' own, else the wave's. */
const checkFile = async (
  ctx: RouteContext,
  source: AudienceSource,
  waveLocale: Locale,
): Promise<CheckResult> => {
  const name = source.name;
  try {
    const found = await checkAudience(ctx.store, rowsOf(source)());
    if (found.invalid.length > 0)
      return {
        kind: 'problems',
        file: name,
        rows: found.invalid.slice(0, MAX_LISTED_ROWS).map(({ line, reason }) => ({ line, reason })),
        more: Math.max(0, found.invalid.length - MAX_LISTED_ROWS),
      };
    if (found.valid === 0)
      return { kind: 'problems', file: name, rows: [], more: 0, message: ctx.t('newWave.invalid.empty') };
    const perLocale = new Map<Locale, number>();
    for (const [value, n] of Object.entries(found.locales)) {
      const locale = isLocale(value) ? value : waveLocale;
      perLocale.set(locale, (perLocale.get(locale) ?? 0) + n);
    }
    const skipped: Record<string, number> = {};
    for (const s of found.skipped) skipped[s.reason] = (skipped[s.reason] ?? 0) + 1;
    return {
      kind: 'valid',
      file: name,
      recipients: found.valid,
      skipped,
      languages: LOCALES.filter((l) => perLocale.has(l)).map((locale) => ({
        locale,
        recipients: perLocale.get(locale) ?? 0,
      })),
    };
  } catch (error) {
    // A file the reader refuses as a whole (no header, no email column, an unclosed quote…).
    if (error instanceof ValidationError)
      return { kind: 'problems', file: name, rows: [], more: 0, message: error.message };
    throw error;
  }
};

const formPage = async (
  ctx: RouteContext,
  values: WaveFormValues,
  problems: FieldProblems,
  status: number,
  check?: CheckResult,
  chooseAgain = false,
  fresh = false,
) =>
  page(
    ctx.t('newWave.title'),
    waveForm({
      t: ctx.t,
      locale: ctx.locale,
      csrf: ctx.csrf,
      values,
      zones: zones(),
      problems,
      ...(check ? { check } : {}),
      chooseAgain,
      fresh,
      ...(ctx.clients.uploads ? { uploadBytes: MAX_UPLOAD_BYTES } : {}),
    }),
    status,
    ctx.clients.uploads ? await uploadOrigin(ctx.clients.uploads) : undefined,
  );

export const newWavePage: Handler = (ctx) => formPage(ctx, defaults(ctx), {}, 200, undefined, false, true);

/** Checks the file and previews its emails; creates nothing. */
export const checkWaveAction: Handler = async (ctx) => {
  const upload = await uploadOf(ctx);
  const values = valuesOf(ctx, upload.fields);
  // Only the file: the other fields are checked when the wave is created.
  const problems: FieldProblems = upload.problem ? { audience: upload.problem } : {};
  // The check keeps no copy: console.js uploads the file again for the creation.
  const check = upload.source
    ? await checkFile(ctx, upload.source, values.locale).finally(() => upload.source?.done())
    : undefined;
  // console.js uploads in the background and keeps the chosen file; a plain form post loses it.
  const chooseAgain = check?.kind === 'valid' && !upload.fields.has('background');
  return formPage(ctx, values, problems, 200, check, chooseAgain);
};

export const createWaveAction: Handler = async (ctx) => {
  // 1.
  const upload = await uploadOf(ctx);
  try {
    return await createFrom(ctx, upload);
  } finally {
    await upload.source?.done();
  }
};

const createFrom = async (ctx: RouteContext, upload: Awaited<ReturnType<typeof uploadOf>>) => {
  const values = valuesOf(ctx, upload.fields);
  // 2.
  const { problems, timing } = checkFields(ctx, values);
  if (upload.problem) problems.audience = upload.problem;
  if (values.alertTo && !problems.alertTo && (await isErased(ctx.store, values.alertTo)))
    problems.alertTo = ctx.t('problem.erased');
  const source = upload.source;
  const check = source ? await checkFile(ctx, source, values.locale) : undefined;
  // 3.
  if (!timing || problems.alertTo || !source || check?.kind !== 'valid')
    return formPage(ctx, values, problems, 400, check);
  // 4.
  const created = await createWave(
    { ...ctx.store, now: () => ctx.now },
    {
      name: values.name,
      kind: values.kind,
      locale: values.locale,
      product: values.product.trim(),
      ...timing,
      ...(values.alertTo ? { alertTo: values.alertTo } : {}),
      ...(remindSecondsOf(values) !== undefined ? { remindAfterSeconds: remindSecondsOf(values) } : {}),
    },
    rowsOf(source),
    { skipInvalid: false, file: source.name },
  );
  await ctx.record('wave.created', {
    wave: created.id,
    name: values.name.trim(),
    recipients: created.recipients,
  });
  return redirect(`${wavePath(created.id)}?created`);
};

/** The survey email as a recipient gets it, for the sandboxed frame of the check's preview. */
export const emailPreview: Handler = (ctx) => {
  const kind = ctx.query.get('kind') ?? 'nps';
  const locale = ctx.query.get('locale') ?? '';
  const product = (ctx.query.get('product') ?? '').trim();
  if (!isSurveyKind(kind)) throw new ValidationError('Unknown survey kind', { field: 'kind' });
  if (!isLocale(locale)) throw new ValidationError('Unknown language', { field: 'locale' });
  if (!product || product.length > 200)
    throw new ValidationError('The product must be 1–200 characters', { field: 'product' });
  return preview(surveyEmailPreview({ kind, locale, baseUrl: ctx.settings.publicBaseUrl, product }));
};
