/**
 * Digest readers (`nps digest subscribe|unsubscribe|send`): who gets the scheduled digest and in which
 * language, adding and removing them, a preview of this period's digest as a reader gets it, and sending it
 * now to every reader or to one address. Every change is logged in the activity.
 */

import {
  csrfField,
  html,
  LANGUAGE_NAMES,
  type SafeHtml,
  type Translate,
} from '#functions/console/ui/index.ts';
import { ErasedAddressError } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { isLocale, LOCALES, type Locale } from '#shared/core/locale.ts';
import { buildDigestView } from '#shared/reporting/digest.ts';
import {
  listReaders,
  type Reader,
  readerAddress,
  subscribeReader,
  unsubscribeReader,
} from '#shared/reporting/readers.ts';
import { type DigestDeps, sendDigest } from '#shared/reporting/send.ts';
import { allows } from '#shared/team/roles.ts';
import { digestPreview } from '#templates/previews.ts';
import { type Handler, page, preview, type RouteContext, redirect } from '../../router.ts';
import { count, notice } from '../wave/wave-figures.ts';

export const READERS_PATH = '/console/readers';
/** The digest covers the days that end today, as `nps digest send` does by default. */
const DIGEST_DAYS = 7;

const digestDeps = (ctx: RouteContext): DigestDeps => {
  const email = ctx.settings.email;
  return {
    ...ctx.store,
    ses: ctx.clients.ses,
    ...email,
    ...ctx.settings.digest,
  };
};

const languageOptions = (chosen: Locale): SafeHtml[] =>
  LOCALES.map(
    (l) =>
      html`<option value="${l}" lang="${l}"${l === chosen ? html` selected` : ''}>${LANGUAGE_NAMES[l]}</option>`,
  );

const localeOf = (ctx: RouteContext, raw: string | null): Locale => {
  if (raw !== null && isLocale(raw)) return raw;
  if (raw === null || raw === '') return ctx.locale;
  throw new ValidationError('Choose one of the languages offered', { field: 'locale' });
};

export type ReadersDone = { kind: 'added' | 'exists' | 'removed' | 'none' } | { kind: 'sent'; n: number };

/** What the last change did, from the redirect's query (`?done=sent&n=2`). */
const doneOf = (query: URLSearchParams): ReadersDone | undefined => {
  const done = query.get('done');
  const n = Number(query.get('n') ?? 0);
  if (done === 'sent') return { kind: 'sent', n: Number.isInteger(n) ? n : 0 };
  return done === 'added' || done === 'exists' || done === 'removed' || done === 'none'
    ? { kind: done }
    : undefined;
};

const doneNotice = (t: Translate, locale: Locale, done: ReadersDone | undefined): SafeHtml | '' => {
  switch (done?.kind) {
    case 'added':
      return notice(t('readers.added'));
    case 'exists':
      return notice(t('readers.exists'));
    case 'removed':
      return notice(t('readers.removed'));
    case 'sent':
      return notice(t('readers.sent', { n: count(locale, done.n) }));
    case 'none':
      return notice(t('readers.sentNone'), 'error');
    default:
      return '';
  }
};

/** A "Send now" that reached readers who already had this period's digest from it: send to them again? */
export interface SendAgain {
  to: 'all' | 'one';
  /** The one address's language (with `to: 'one'`). */
  locale: Locale;
  sent: number;
  already: readonly string[];
}

const sendAgainForm = (v: ReadersView, ask: SendAgain): SafeHtml => {
  const { t } = v;
  return html`<div class="notice" role="alert">
${ask.sent > 0 ? html`<p>${t('readers.sent', { n: count(v.locale, ask.sent) })}</p>` : ''}
<p>${t('readers.already', { n: count(v.locale, ask.already.length) })}</p>
<ul>${ask.already.map((a) => html`<li class="address">${a}</li>`)}</ul>
<form method="post" action="${READERS_PATH}/send">
${csrfField(v.csrf)}<input type="hidden" name="to" value="${ask.to}">
${ask.to === 'one' ? html`<input type="hidden" name="address" value="${ask.already[0] ?? ''}"><input type="hidden" name="locale" value="${ask.locale}">` : ''}
${ask.already.map((a) => html`<input type="hidden" name="again" value="${a}">`)}
<div class="actions"><button type="submit">${t('readers.sendAgain')}</button> <a href="${READERS_PATH}">${t('readers.sendAgain.no')}</a></div>
</form></div>`;
};

export interface ReadersView {
  t: Translate;
  locale: Locale;
  csrf: string;
  /** Show the forms that change something (the actions check the role again). */
  editor: boolean;
  readers: readonly Reader[];
  previewLocale: Locale;
  done?: ReadersDone;
  problems?: { add?: string; send?: string };
  sendAgain?: SendAgain;
}

/** The readers page's markup. Pure: the shots render it with sample readers. */
export const readersMain = (v: ReadersView): SafeHtml => {
  const { t, editor, readers, previewLocale } = v;
  const problems = v.problems ?? {};
  const list =
    readers.length === 0
      ? html`<p class="muted">${t('readers.empty')}</p>`
      : html`<div class="table-wrap" tabindex="0"><table aria-labelledby="readers-heading">
<thead><tr><th scope="col">${t('readers.address')}</th><th scope="col">${t('readers.language')}</th>${editor ? html`<th scope="col"><span class="visually-hidden">${t('readers.actions')}</span></th>` : ''}</tr></thead>
<tbody>${readers.map(
          (r) =>
            html`<tr><th scope="row" class="address">${r.address}</th><td lang="${r.locale}">${LANGUAGE_NAMES[r.locale]}</td>${
              editor
                ? html`<td><form method="post" action="${READERS_PATH}/remove">${csrfField(v.csrf)}<input type="hidden" name="address" value="${r.address}"><button type="submit" class="secondary">${t('readers.remove')}<span class="visually-hidden"> ${r.address}</span></button></form></td>`
                : ''
            }</tr>`,
        )}</tbody></table></div>`;
  const add = editor
    ? html`<h2 id="add-heading">${t('readers.add.title')}</h2>
${problems.add ? notice(problems.add, 'error') : ''}
<form method="post" action="${READERS_PATH}" class="inline-form">
${csrfField(v.csrf)}
<div class="field"><label for="reader-address">${t('readers.address')}</label>
<input id="reader-address" name="address" type="email" required maxlength="254" autocomplete="off"${problems.add ? html` aria-invalid="true"` : ''}></div>
<div class="field"><label for="reader-language">${t('readers.language')}</label>
<select id="reader-language" name="locale">${languageOptions(v.locale)}</select></div>
<div class="actions"><button type="submit">${t('readers.add')}</button></div>
</form>`
    : '';
  const send = editor
    ? html`<h2 id="send-heading">${t('readers.send.title')}</h2>
<p class="hint">${t('readers.send.hint', { days: DIGEST_DAYS })}</p>
${problems.send ? notice(problems.send, 'error') : ''}
<form method="post" action="${READERS_PATH}/send">
${csrfField(v.csrf)}
<fieldset><legend>${t('readers.send.to')}</legend>
<div class="choice"><input type="radio" id="send-all" name="to" value="all" checked><label for="send-all">${t('readers.send.all', { n: count(v.locale, readers.length) })}</label></div>
<div class="choice"><input type="radio" id="send-one" name="to" value="one"><label for="send-one">${t('readers.send.one')}</label></div>
<div class="field indent"><label for="send-address">${t('readers.address')}</label>
<input id="send-address" name="address" type="email" maxlength="254" autocomplete="off"></div>
<div class="field indent"><label for="send-language">${t('readers.language')}</label>
<select id="send-language" name="locale">${languageOptions(v.locale)}</select></div>
</fieldset>
<div class="actions"><button type="submit">${t('readers.send')}</button></div>
</form>`
    : '';
  const previewSrc = `${READERS_PATH}/preview?${new URLSearchParams({ locale: previewLocale })}`;
  return html`${doneNotice(t, v.locale, v.done)}${v.sendAgain ? sendAgainForm(v, v.sendAgain) : ''}
<h2 id="readers-heading">${t('readers.list.title')}</h2>
${list}
${add}
<h2 id="preview-heading">${t('readers.preview.title')}</h2>
<form method="get" action="${READERS_PATH}" class="inline-form">
<div class="field"><label for="preview-language">${t('readers.language')}</label>
<select id="preview-language" name="preview">${languageOptions(previewLocale)}</select></div>
<div class="actions"><button type="submit" class="secondary">${t('readers.preview.show')}</button></div>
</form>
<p class="hint">${t('readers.preview.hint', { days: DIGEST_DAYS })} <a href="${previewSrc}" target="_blank" rel="noopener">${t('readers.preview.open')}</a></p>
<iframe class="digest-preview" sandbox src="${previewSrc}" title="${t('readers.preview.frame', { language: LANGUAGE_NAMES[previewLocale] })}"></iframe>
${send}`;
};

const readersPageOf = async (
  ctx: RouteContext,
  problems?: ReadersView['problems'],
  status = 200,
  sendAgain?: SendAgain,
) =>
  page(
    ctx.t('nav.readers'),
    readersMain({
      t: ctx.t,
      locale: ctx.locale,
      csrf: ctx.csrf,
      editor: allows(ctx.user.role, 'editor'),
      readers: await listReaders(ctx.store),
      previewLocale: localeOf(ctx, ctx.query.get('preview')),
      ...(problems ? { problems } : {}),
      ...(sendAgain ? { sendAgain } : {}),
      ...(doneOf(ctx.query) ? { done: doneOf(ctx.query) } : {}),
    }),
    status,
  );

export const readersPage: Handler = (ctx) => readersPageOf(ctx);

export const addReaderAction: Handler = async (ctx) => {
  const form = ctx.form();
  try {
    const reader = await subscribeReader(
      ctx.store,
      form.get('address') ?? '',
      localeOf(ctx, form.get('locale')),
    );
    if (reader.added || reader.previous !== reader.locale)
      await ctx.record('reader.added', {
        address: reader.address,
        locale: reader.locale,
        ...(reader.added ? {} : { already: 'yes' }),
      });
    // An address that differs from a reader's only in case is that reader: say so, not "added".
    if (!reader.added) return redirect(`${READERS_PATH}?done=exists`);
  } catch (error) {
    if (!(error instanceof ValidationError) || error.field !== 'address') throw error;
    const problem = error instanceof ErasedAddressError ? 'problem.erased' : 'readers.problem.address';
    return readersPageOf(ctx, { add: ctx.t(problem) }, 400);
  }
  return redirect(`${READERS_PATH}?done=added`);
};

export const removeReaderAction: Handler = async (ctx) => {
  const result = await unsubscribeReader(ctx.store, ctx.form().get('address') ?? '');
  if (result.removed) await ctx.record('reader.removed', { address: result.address });
  return redirect(`${READERS_PATH}?done=removed`);
};

export const sendDigestAction: Handler = async (ctx) => {
  const form = ctx.form();
  let to: Reader[] | undefined;
  if (form.get('to') === 'one') {
    try {
      to = [{ address: readerAddress(form.get('address') ?? ''), locale: localeOf(ctx, form.get('locale')) }];
    } catch (error) {
      if (!(error instanceof ValidationError) || error.field !== 'address') throw error;
      return readersPageOf(ctx, { send: ctx.t('readers.problem.address') }, 400);
    }
  }
  // Once per reader and period: a second click (or a double one) sends nothing until a person confirms.
  const again = form.getAll('again');
  const sent = await sendDigest(digestDeps(ctx), {
    now: ctx.now,
    days: DIGEST_DAYS,
    oncePerPeriod: 'now',
    again,
    ...(to ? { to } : {}),
  });
  if (sent.recipients.length > 0)
    await ctx.record('digest.sent', {
      to: to ? (to[0]?.address ?? '') : 'readers',
      recipients: sent.recipients.length,
      since: sent.period.since,
      until: sent.period.until,
      ...(again.length > 0 ? { again: again.length } : {}),
    });
  if (sent.alreadySent.length > 0)
    return readersPageOf(ctx, undefined, 200, {
      to: to ? 'one' : 'all',
      locale: to?.[0]?.locale ?? ctx.locale,
      sent: sent.recipients.length,
      already: sent.alreadySent,
    });
  if (sent.recipients.length === 0) return redirect(`${READERS_PATH}?done=none`);
  return redirect(`${READERS_PATH}?done=sent&n=${sent.recipients.length}`);
};

/** This period's digest in one language, as a reader gets it, for the page's sandboxed frame. */
export const digestPreviewFrame: Handler = async (ctx) => {
  const view = await buildDigestView(
    { ...ctx.store, ...ctx.settings.digest },
    {
      now: ctx.now,
      days: DIGEST_DAYS,
      locale: localeOf(ctx, ctx.query.get('locale')),
    },
  );
  return preview(digestPreview(view));
};
