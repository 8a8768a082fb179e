/**
 * The unsubscribe pages of survey contacts and digest readers: GET only asks, the button POSTs the RFC 8058
 * body (`List-Unsubscribe=One-Click`) as a mailbox's one-click button does; then a page that says it is done.
 */
import { type Locale, t } from './messages.ts';
import { messagePage, namedPage } from './pages.ts';
import { escapeHtml } from './render.ts';

const oneClickForm = (locale: Locale, formAction: string, buttonKey: string): string =>
  [
    `<form method="post" action="${escapeHtml(formAction)}">`,
    '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
    `<div class="actions"><button type="submit">${escapeHtml(t(locale, buttonKey))}</button></div>`,
    '</form>',
  ].join('\n');

/** GET of the visible unsubscribe link only asks; the button POSTs the RFC 8058 body. */
export const unsubscribeConfirmPage = ({
  locale,
  formAction,
  product,
}: {
  locale: Locale;
  formAction: string;
  product?: string | undefined;
}): string =>
  product
    ? namedPage(
        locale,
        t(locale, 'page.unsubscribe.titleFor', { product }),
        t(locale, 'page.unsubscribe.bodyFor', { product }),
        oneClickForm(locale, formAction, 'page.unsubscribe.button'),
      )
    : messagePage(
        locale,
        'page.unsubscribe.title',
        'page.unsubscribe.body',
        oneClickForm(locale, formAction, 'page.unsubscribe.button'),
      );

/** The digest's visible unsubscribe link: asks, then POSTs the RFC 8058 body like the mailbox's button. */
export const digestUnsubscribeConfirmPage = ({
  locale,
  formAction,
}: {
  locale: Locale;
  formAction: string;
}): string =>
  messagePage(
    locale,
    'page.digestUnsubscribe.title',
    'page.digestUnsubscribe.body',
    oneClickForm(locale, formAction, 'page.digestUnsubscribe.button'),
  );

export const digestUnsubscribedPage = ({ locale }: { locale: Locale }): string =>
  messagePage(locale, 'page.digestUnsubscribed.title', 'page.digestUnsubscribed.body');

export const unsubscribedPage = ({
  locale,
  product,
}: {
  locale: Locale;
  product?: string | undefined;
}): string =>
  product
    ? namedPage(
        locale,
        t(locale, 'page.unsubscribed.title'),
        t(locale, 'page.unsubscribed.bodyFor', { product }),
      )
    : messagePage(locale, 'page.unsubscribed.title', 'page.unsubscribed.body');
