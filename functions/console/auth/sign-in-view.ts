/** The sign-in pages' content: the sign-in form and the form that replaces an invitation's temporary password. */
import { PASSWORD_POLICY } from '#shared/team/password-policy.ts';
import type { Translate } from '../locales/messages.ts';
import { csrfField, html, type SafeHtml } from '../ui/html.ts';

export const SIGN_IN_PATH = '/console/sign-in';
export const NEW_PASSWORD_PATH = '/console/new-password';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

const noticeOf = (notice: Notice | undefined): SafeHtml =>
  notice
    ? html`<p class="notice${notice.kind === 'error' ? ' error' : ''}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</p>`
    : html``;

export const signInForm = (o: {
  t: Translate;
  csrf: string;
  /** Where to go once signed in (a console path). */
  next: string;
  email?: string;
  notice?: Notice;
}): SafeHtml => html`${noticeOf(o.notice)}
<p>${o.t('signIn.intro')}</p>
<form method="post" action="${SIGN_IN_PATH}">
${csrfField(o.csrf)}
<input type="hidden" name="next" value="${o.next}">
<div class="field">
<label for="email">${o.t('signIn.email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${o.email ?? ''}"${o.email ? '' : html` autofocus`}>
</div>
<div class="field">
<label for="password">${o.t('signIn.password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"${o.email ? html` autofocus` : ''}>
</div>
<button type="submit">${o.t('signIn.submit')}</button>
</form>`;

export const newPasswordForm = (o: {
  t: Translate;
  csrf: string;
  notice?: Notice;
}): SafeHtml => html`${noticeOf(o.notice)}
<p>${o.t('newPassword.intro')}</p>
<form method="post" action="${NEW_PASSWORD_PATH}">
${csrfField(o.csrf)}
<p class="hint" id="password-rules">${o.t('newPassword.rules', { length: PASSWORD_POLICY.minLength })}</p>
<div class="field">
<label for="new-password">${o.t('newPassword.password')}</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_POLICY.minLength}" maxlength="256" aria-describedby="password-rules" autofocus>
</div>
<div class="field">
<label for="repeat-password">${o.t('newPassword.repeat')}</label>
<input id="repeat-password" name="repeat" type="password" autocomplete="new-password" required minlength="${PASSWORD_POLICY.minLength}" maxlength="256">
</div>
<button type="submit">${o.t('newPassword.submit')}</button>
</form>`;
