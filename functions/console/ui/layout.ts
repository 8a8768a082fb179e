/**
 * The console's HTML documents: the shell (product name, navigation, the signed-in user and role, Sign out,
 * the language switch) around a page's content, and the bare frame of the sign-in pages. No inline script or
 * style: the CSP forbids both, so the look and the enhancement come from the fingerprinted assets.
 */
import type { Role } from '#shared/team/roles.ts';
import { LOCALES, type Locale } from '#templates/messages.ts';
import { CONSOLE_CSS_PATH, CONSOLE_JS_PATH } from '../assets/assets.ts';
import { LANGUAGE_NAMES, type Translate } from '../locales/messages.ts';
import { csrfField, html, type SafeHtml } from './html.ts';

export const SIGN_OUT_PATH = '/console/sign-out';
export const HOME_PATH = '/console';

export interface NavLink {
  href: string;
  label: string;
  current: boolean;
}

export interface PageFrame {
  locale: Locale;
  t: Translate;
  title: string;
  main: SafeHtml;
  /** The page's own path and query, where the language switch comes back to. */
  path: string;
  csrf: string;
}

export interface ShellView extends PageFrame {
  user: { email: string; role: Role | undefined };
  nav: readonly NavLink[];
}

/** The link that switches to `locale` and returns to `path`. */
export const languageHref = (locale: Locale, path: string): string =>
  `/console/language/${locale}?next=${encodeURIComponent(path)}`;

const languageSwitch = (
  frame: PageFrame,
): SafeHtml => html`<nav class="languages" aria-labelledby="language-heading">
<h2 id="language-heading">${frame.t('shell.language')}</h2>
<ul>${LOCALES.map(
  (locale) =>
    html`<li><a href="${languageHref(locale, frame.path)}" lang="${locale}" hreflang="${locale}"${
      locale === frame.locale ? html` aria-current="true"` : ''
    }>${LANGUAGE_NAMES[locale]}</a></li>`,
)}</ul>
</nav>`;

const documentOf = (frame: PageFrame, body: SafeHtml): string =>
  html`<!doctype html>
<html lang="${frame.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<meta name="csrf-token" content="${frame.csrf}">
<title>${frame.title} · ${frame.t('app.name')}</title>
<link rel="stylesheet" href="${CONSOLE_CSS_PATH}">
<script src="${CONSOLE_JS_PATH}" defer></script>
</head>
<body>
<a class="skip" href="#main">${frame.t('shell.skip')}</a>
${body}
</body>
</html>
`.value;

/** A page inside the shell, for a signed-in user. */
export const shellPage = (view: ShellView): string => {
  const t = view.t;
  const role = t(view.user.role ? `role.${view.user.role}` : 'role.none');
  return documentOf(
    view,
    html`<header class="bar">
<div class="bar-top">
<a class="brand" href="${HOME_PATH}">${t('app.name')}</a>
<section class="account" aria-label="${t('shell.account')}">
<span>${t('shell.signedInAs', { email: view.user.email })}</span>
<span class="role">${role}</span>
<form method="post" action="${SIGN_OUT_PATH}">${csrfField(view.csrf)}<button type="submit">${t('shell.signOut')}</button></form>
</section>
</div>
<nav class="nav" aria-label="${t('shell.nav')}">
<ul>${view.nav.map(
      (link) =>
        html`<li><a href="${link.href}"${link.current ? html` aria-current="page"` : ''}>${link.label}</a></li>`,
    )}</ul>
</nav>
</header>
<main id="main">
<h1>${view.title}</h1>
${view.main}
</main>
<footer>${languageSwitch(view)}</footer>`,
  );
};

/** A page without the shell (sign-in, choose a password): a narrow panel and the language switch. */
export const barePage = (frame: PageFrame): string =>
  documentOf(
    frame,
    html`<header class="bar"><div class="bar-top"><span class="brand">${frame.t('app.name')}</span></div></header>
<main id="main" class="narrow">
<div class="panel">
<h1>${frame.title}</h1>
${frame.main}
</div>
</main>
<footer>${languageSwitch(frame)}</footer>`,
  );
