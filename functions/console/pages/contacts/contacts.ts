/**
 * Contacts (admin): erase a person by address (`nps contact erase`), after a confirmation page where the
 * address is typed again. The result says what was removed; the activity logs it by contact id only.
 */

import { csrfField, html, type SafeHtml } from '#functions/console/ui/index.ts';
import { normaliseEmail } from '#shared/core/identity.ts';
import { eraseContact } from '#shared/privacy/erasure.ts';
import type { ItemKind } from '#shared/privacy/personal-data.ts';
import { PERSONAL_DATA } from '#shared/privacy/personal-data.ts';
import { type Handler, page, type RouteContext, redirect } from '../../router.ts';
import { count, notice } from '../wave/wave-figures.ts';

export const CONTACTS_PATH = '/console/contacts';

const ITEM_KINDS = Object.keys(PERSONAL_DATA) as ItemKind[];
const isItemKind = (value: string): value is ItemKind => (ITEM_KINDS as string[]).includes(value);

/** What the erasure removed, carried on the redirect as `kind:n` pairs (counts only, never the address). */
const removedOf = (query: URLSearchParams): [ItemKind, number][] =>
  (query.get('removed') ?? '')
    .split(',')
    .map((pair) => pair.split(':'))
    .flatMap(([kind = '', n = '']) =>
      isItemKind(kind) && /^\d{1,9}$/.test(n) ? [[kind, Number(n)] as [ItemKind, number]] : [],
    );

const erasedNotice = (ctx: ContactsView): SafeHtml | '' => {
  if (!ctx.query.has('erased')) return '';
  const { t, locale } = ctx;
  const removed = removedOf(ctx.query).filter(([, n]) => n > 0);
  const waves = Number(ctx.query.get('waves') ?? 0);
  return notice(
    html`<p>${t('contacts.erased')}</p>
${removed.length > 0 ? html`<ul>${removed.map(([kind, n]) => html`<li>${t(`contacts.kind.${kind}`)}: ${count(locale, n)}</li>`)}</ul>` : html`<p>${t('contacts.erased.nothing')}</p>`}
<p>${t('contacts.erased.waves', { n: count(locale, Number.isInteger(waves) ? waves : 0) })}</p>`,
  );
};

const addressForm = (
  ctx: Pick<RouteContext, 't' | 'csrf'>,
  problem?: string,
): SafeHtml => html`<form method="post" action="${CONTACTS_PATH}/confirm">
${csrfField(ctx.csrf)}
<div class="field"><label for="erase-address">${ctx.t('contacts.address')}</label>
${problem ? html`<p class="field-error" id="erase-address-error">${problem}</p>` : ''}
<input id="erase-address" name="address" type="email" required maxlength="254" autocomplete="off"${problem ? html` aria-invalid="true" aria-describedby="erase-address-error"` : ''}></div>
<div class="actions"><button type="submit">${ctx.t('contacts.next')}</button></div>
</form>`;

/** What the contacts page needs: the user's language, the CSRF token, and the query an erasure left. */
export type ContactsView = Pick<RouteContext, 't' | 'locale' | 'csrf' | 'query'>;

/** The contacts page's markup. Pure: the shots render it with a sample erasure. */
export const contactsMain = (ctx: ContactsView): SafeHtml => html`${erasedNotice(ctx)}
<h2>${ctx.t('contacts.erase.title')}</h2>
<p>${ctx.t('contacts.erase.intro')}</p>
${addressForm(ctx)}`;

export const contactsPage: Handler = (ctx) => page(ctx.t('nav.contacts'), contactsMain(ctx));

export const confirmMain = (
  ctx: Pick<RouteContext, 't' | 'csrf'>,
  address: string,
  problem?: string,
): SafeHtml => html`<p>${ctx.t('contacts.confirm.intro', { address })}</p>
<form method="post" action="${CONTACTS_PATH}/erase">
${csrfField(ctx.csrf)}
<input type="hidden" name="address" value="${address}">
<div class="field"><label for="erase-confirm">${ctx.t('contacts.confirm.again')}</label>
${problem ? html`<p class="field-error" id="erase-confirm-error">${problem}</p>` : ''}
<input id="erase-confirm" name="confirm" type="email" required maxlength="254" autocomplete="off"${problem ? html` aria-invalid="true" aria-describedby="erase-confirm-error"` : ''}></div>
<div class="actions"><button type="submit" class="danger">${ctx.t('contacts.erase')}</button> <a href="${CONTACTS_PATH}">${ctx.t('contacts.cancel')}</a></div>
</form>`;

/** Step 1: the address, checked; changes nothing. */
export const confirmErasePage: Handler = (ctx) => {
  const address = normaliseEmail(ctx.form().get('address') ?? '');
  if (!address)
    return page(
      ctx.t('nav.contacts'),
      html`<h2>${ctx.t('contacts.erase.title')}</h2>${addressForm(ctx, ctx.t('contacts.problem.address'))}`,
      400,
    );
  return page(ctx.t('contacts.confirm.title'), confirmMain(ctx, address));
};

/** Step 2: the same address typed twice erases them. */
export const eraseContactAction: Handler = async (ctx) => {
  const form = ctx.form();
  const address = normaliseEmail(form.get('address') ?? '');
  if (!address) return page(ctx.t('nav.contacts'), addressForm(ctx, ctx.t('contacts.problem.address')), 400);
  if (normaliseEmail(form.get('confirm') ?? '') !== address)
    return page(
      ctx.t('contacts.confirm.title'),
      confirmMain(ctx, address, ctx.t('contacts.problem.mismatch')),
      400,
    );
  const result = await eraseContact(ctx.store, address, ctx.now);
  await ctx.record('contact.erased', { contact: result.contactId, items: result.removedItems });
  const removed = Object.entries(result.removed)
    .map(([kind, n]) => `${kind}:${n}`)
    .join(',');
  return redirect(
    `${CONTACTS_PATH}?${new URLSearchParams({ erased: '', waves: String(result.waves), removed })}`,
  );
};
