/**
 * The console's public pages: sign in (and choose a password after an invitation), sign out, and the
 * language switch. Each POST must come from the console's own origin and carry the browser's CSRF token;
 * sign-in attempts are rate-limited before Cognito is asked (sign-in-limit.ts: per address and IP with backoff,
 * per address and per IP only from devices that have not signed in to the address before).
 */
import {
  ChallengeExpiredError,
  completeNewPassword,
  PasswordPolicyError,
  revokeSession,
  SignInFailedError,
  type SignInResult,
  signIn,
  UnsupportedChallengeError,
} from '#functions/console/auth/cognito.ts';
import { isKnownDevice, newDeviceId, rememberDevice } from '#functions/console/auth/known-devices.ts';
import { revokeSignIn } from '#functions/console/auth/revoked-sessions.ts';
import {
  admitSignInAttempt,
  resetSignInBackoff,
  SIGN_IN_LIMITS,
  SignInRateLimitedError,
} from '#functions/console/auth/sign-in-limit.ts';
import { ANONYMOUS, csrfTokenMatches, newCsrfSecret } from '#functions/console/guard.ts';
import { html, type Notice, newPasswordForm, SIGN_IN_PATH, signInForm } from '#functions/console/ui/index.ts';
import { isLocale } from '#shared/core/locale.ts';
import { passwordProblems } from '#shared/team/password-policy.ts';
import { consolePathOr, formOf, LANG_COOKIE } from '../http/request.ts';
import { cookie, type Response, redirectResponse } from '../http/responses.ts';
import { bareResponse, cameFromConsole, csrfOf, type Scope } from '../scope.ts';
import {
  challengeCookie,
  challengeOf,
  clearCookieOfChallenge,
  clearedSessionCookies,
  csrfCookie,
  DEVICE_COOKIE,
  deviceCookie,
  REFRESH_COOKIE,
  resolveSession,
  sessionCookies,
} from './session.ts';

const MAX_PASSWORD_CHARS = 256;

const redirectWith = (scope: Scope, location: string): Response => {
  const response = redirectResponse(location);
  response.cookies.push(...scope.cookies);
  return response;
};

const signInResponse = (
  scope: Scope,
  status: number,
  o: { next: string; email?: string; notice?: Notice },
  headers: Record<string, string> = {},
): Response => {
  const csrf = csrfOf(scope, ANONYMOUS);
  const main = signInForm({ t: scope.t, csrf, ...o });
  return bareResponse(scope, status, scope.t('signIn.title'), main, csrf, headers);
};

const newPasswordResponse = (scope: Scope, status: number, notice?: Notice): Response => {
  const csrf = csrfOf(scope, ANONYMOUS);
  return bareResponse(
    scope,
    status,
    scope.t('newPassword.title'),
    newPasswordForm({ t: scope.t, csrf, ...(notice ? { notice } : {}) }),
    csrf,
  );
};

/** 403 for a POST from another origin or without the browser's token: nothing was changed. */
export const refusedResponse = (scope: Scope): Response =>
  bareResponse(
    scope,
    403,
    scope.t('error.refused.title'),
    html`<p>${scope.t('error.refused.body')}</p>`,
    csrfOf(scope, ANONYMOUS),
  );

/** A genuine anonymous POST of a console form: same origin and the browser's token. */
const anonymousPostAllowed = (scope: Scope, form: URLSearchParams): boolean =>
  cameFromConsole(scope) && csrfTokenMatches(scope.csrfSecret, ANONYMOUS, form.get('csrf') ?? undefined);

/**
 * Signed in: the session's cookies, a fresh CSRF secret (a token from before sign-in is worth nothing after);
 * this browser becomes a known device of the address, and the address's backoff from this IP starts over.
 */
const signedIn = async (
  scope: Scope,
  email: string,
  result: Extract<SignInResult, { kind: 'signedIn' }>,
  next: string,
): Promise<Response> => {
  const deviceId = scope.request.cookies.get(DEVICE_COOKIE);
  const device = deviceId && /^[A-Za-z0-9_-]{43}$/.test(deviceId) ? deviceId : newDeviceId();
  await Promise.all([
    rememberDevice(scope.deps.store, device, email, scope.now),
    resetSignInBackoff(scope.deps.store, { email, ip: scope.request.sourceIp }),
  ]);
  scope.cookies.push(deviceCookie(device, scope.secure));
  scope.cookies.push(...sessionCookies(result.tokens, scope.secure), clearCookieOfChallenge(scope.secure));
  scope.cookies.push(csrfCookie(newCsrfSecret(), scope.secure));
  return redirectWith(scope, next);
};

export const signInPage = async (scope: Scope): Promise<Response> => {
  const next = consolePathOr(scope.request.query.get('next'));
  const session = await resolveSession(scope.deps, scope.request);
  if (session) {
    if (session.renewed) scope.cookies.push(...sessionCookies(session.renewed, scope.secure));
    return redirectWith(scope, next);
  }
  const query = scope.request.query;
  const notice: Notice | undefined = query.has('signedOut')
    ? { kind: 'info', text: scope.t('signIn.signedOut') }
    : query.has('expired')
      ? { kind: 'info', text: scope.t('signIn.expired') }
      : undefined;
  return signInResponse(scope, 200, { next, ...(notice ? { notice } : {}) });
};

export const signInSubmit = async (scope: Scope): Promise<Response> => {
  const form = formOf(scope.request);
  if (!anonymousPostAllowed(scope, form)) return refusedResponse(scope);
  const next = consolePathOr(form.get('next'));
  const email = (form.get('email') ?? '').trim().toLowerCase().slice(0, 254);
  const password = form.get('password') ?? '';
  if (email === '' || password === '' || password.length > MAX_PASSWORD_CHARS) {
    return signInResponse(scope, 400, {
      next,
      email,
      notice: { kind: 'error', text: scope.t('signIn.missing') },
    });
  }
  try {
    const store = scope.deps.store;
    const knownPlace = await isKnownDevice(store, scope.request.cookies.get(DEVICE_COOKIE), email, scope.now);
    await admitSignInAttempt(
      store,
      { email, ip: scope.request.sourceIp, now: scope.now, knownPlace },
      { ...SIGN_IN_LIMITS, ...scope.deps.signInLimits },
    );
  } catch (error) {
    if (!(error instanceof SignInRateLimitedError)) throw error;
    const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
    return signInResponse(
      scope,
      429,
      { next, email, notice: { kind: 'error', text: scope.t('signIn.rateLimited', { minutes }) } },
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
  try {
    const result = await signIn(scope.deps.auth, email, password);
    if (result.kind === 'signedIn') return await signedIn(scope, email, result, next);
    scope.cookies.push(challengeCookie({ email, session: result.session }, scope.secure));
    return newPasswordResponse(scope, 200);
  } catch (error) {
    if (error instanceof SignInFailedError) {
      scope.deps.log.info('Sign-in refused', { reason: error.message });
      return signInResponse(scope, 401, {
        next,
        email,
        notice: { kind: 'error', text: scope.t('signIn.failed') },
      });
    }
    if (error instanceof UnsupportedChallengeError) {
      return signInResponse(scope, 403, {
        next,
        email,
        notice: { kind: 'error', text: scope.t('signIn.unsupported') },
      });
    }
    throw error;
  }
};

export const newPasswordSubmit = async (scope: Scope): Promise<Response> => {
  const form = formOf(scope.request);
  if (!anonymousPostAllowed(scope, form)) return refusedResponse(scope);
  const challenge = challengeOf(scope.request);
  const expired = (): Response => {
    scope.cookies.push(clearCookieOfChallenge(scope.secure));
    return signInResponse(scope, 400, {
      next: '/console',
      notice: { kind: 'error', text: scope.t('newPassword.expired') },
    });
  };
  if (!challenge) return expired();
  const password = form.get('password') ?? '';
  if (password !== (form.get('repeat') ?? ''))
    return newPasswordResponse(scope, 400, { kind: 'error', text: scope.t('newPassword.mismatch') });
  if (password.length > MAX_PASSWORD_CHARS || passwordProblems(password).length > 0)
    return newPasswordResponse(scope, 400, { kind: 'error', text: scope.t('newPassword.weak') });
  try {
    const result = await completeNewPassword(scope.deps.auth, challenge, password);
    if (result.kind === 'signedIn') return await signedIn(scope, challenge.email, result, '/console');
    return signInResponse(scope, 403, {
      next: '/console',
      notice: { kind: 'error', text: scope.t('signIn.unsupported') },
    });
  } catch (error) {
    if (error instanceof PasswordPolicyError)
      return newPasswordResponse(scope, 400, { kind: 'error', text: scope.t('newPassword.weak') });
    if (error instanceof ChallengeExpiredError) return expired();
    if (error instanceof UnsupportedChallengeError)
      return signInResponse(scope, 403, {
        next: '/console',
        notice: { kind: 'error', text: scope.t('signIn.unsupported') },
      });
    throw error;
  }
};

/**
 * Ends the session: on the revoked list (so its ID token is refused at once, here and in a copied cookie),
 * the refresh token revoked at Cognito, and the cookies cleared.
 */
export const signOut = async (scope: Scope): Promise<Response> => {
  if (!cameFromConsole(scope)) return refusedResponse(scope);
  const session = await resolveSession(scope.deps, scope.request);
  if (
    session &&
    !csrfTokenMatches(scope.csrfSecret, session.user.sub, formOf(scope.request).get('csrf') ?? undefined)
  )
    return refusedResponse(scope);
  if (session) await revokeSignIn(scope.deps.store, session.user, scope.now);
  const refreshToken = scope.request.cookies.get(REFRESH_COOKIE);
  if (refreshToken) {
    try {
      await revokeSession(scope.deps.auth, refreshToken);
    } catch (error) {
      // The cookies go regardless; an unrevoked refresh token only lives out its own lifetime.
      scope.deps.log.error('Could not revoke a refresh token at sign-out', { error: error as Error });
    }
  }
  scope.cookies.push(...clearedSessionCookies(scope.secure), csrfCookie(newCsrfSecret(), scope.secure));
  return redirectWith(scope, `${SIGN_IN_PATH}?signedOut`);
};

/** The language switch: remembers the choice in the `lang` cookie and goes back to the page. */
export const switchLanguage = (scope: Scope, locale: string): Response => {
  const next = consolePathOr(scope.request.query.get('next'));
  if (isLocale(locale)) {
    // Lax, not Strict: a link into the console from elsewhere should still open in the chosen language.
    scope.cookies.push(
      cookie(LANG_COOKIE, locale, { maxAge: 365 * 86_400, secure: scope.secure, sameSite: 'Lax' }),
    );
  }
  return redirectWith(scope, next);
};
