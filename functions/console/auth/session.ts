/**
 * The console session: an ID token and a refresh token in HttpOnly, SameSite=Strict cookies on /console.
 * Every request verifies the ID token; an expired one is renewed quietly with the refresh token, and the new
 * one is set on the response. A forged or altered token is no session at all (and is not renewed), and
 * neither is one of a sign-in that was signed out (revoked-sessions.ts).
 */
import {
  type AuthClient,
  refreshSession,
  SessionEndedError,
  type SessionTokens,
} from '#functions/console/auth/cognito.ts';
import { KNOWN_DEVICE_DAYS } from '#functions/console/auth/known-devices.ts';
import { isSignedOut } from '#functions/console/auth/revoked-sessions.ts';
import {
  InvalidSessionError,
  SessionExpiredError,
  type SessionUser,
  type SessionVerifier,
} from '#functions/console/auth/tokens.ts';
import type { TableStore } from '#shared/store/table.ts';
import { USER_POOL } from '#shared/team/user-pool.ts';
import type { ConsoleRequest } from '../http/request.ts';
import { clearCookie, cookie } from '../http/responses.ts';

export const SESSION_COOKIE = 'nps_session';
export const REFRESH_COOKIE = 'nps_refresh';
export const CSRF_COOKIE = 'nps_csrf';
/** A random id of this browser, set at sign-in and kept at sign-out: it has signed in here before. */
export const DEVICE_COOKIE = 'nps_device';
/** The email and Cognito session of a pending NEW_PASSWORD_REQUIRED challenge. */
export const CHALLENGE_COOKIE = 'nps_challenge';

const SESSION_SECONDS = USER_POOL.tokenValidity.refreshTokenHours * 3600;
const CSRF_SECONDS = 30 * 86_400;
/** Cognito's challenge sessions last three minutes. */
const CHALLENGE_SECONDS = 180;

export interface Session {
  user: SessionUser;
  /** Set when the ID token was renewed on this request: the response must carry the new cookie. */
  renewed?: SessionTokens;
}

export interface SessionDeps {
  auth: AuthClient;
  verifier: SessionVerifier;
  /** Where the revoked-session list lives. */
  store: TableStore;
}

/** The request's session, renewed if its ID token expired; undefined when there is none (or it ended). */
export const resolveSession = async (
  deps: SessionDeps,
  request: ConsoleRequest,
): Promise<Session | undefined> => {
  const session = await verifiedSession(deps, request);
  if (session && (await isSignedOut(deps.store, session.user))) return undefined;
  return session;
};

const verifiedSession = async (deps: SessionDeps, request: ConsoleRequest): Promise<Session | undefined> => {
  const idToken = request.cookies.get(SESSION_COOKIE);
  if (idToken) {
    try {
      return { user: await deps.verifier.verify(idToken) };
    } catch (error) {
      if (error instanceof InvalidSessionError) return undefined;
      if (!(error instanceof SessionExpiredError)) throw error;
    }
  }
  const refreshToken = request.cookies.get(REFRESH_COOKIE);
  if (!refreshToken) return undefined;
  try {
    const renewed = await refreshSession(deps.auth, refreshToken);
    return { user: await deps.verifier.verify(renewed.idToken), renewed };
  } catch (error) {
    if (error instanceof SessionEndedError || error instanceof InvalidSessionError) return undefined;
    if (error instanceof SessionExpiredError) return undefined;
    throw error;
  }
};

export const sessionCookies = (tokens: SessionTokens, secure: boolean): string[] => [
  cookie(SESSION_COOKIE, tokens.idToken, { maxAge: SESSION_SECONDS, secure }),
  ...(tokens.refreshToken
    ? [cookie(REFRESH_COOKIE, tokens.refreshToken, { maxAge: SESSION_SECONDS, secure })]
    : []),
];

export const clearCookieOfChallenge = (secure: boolean): string => clearCookie(CHALLENGE_COOKIE, secure);

export const clearedSessionCookies = (secure: boolean): string[] => [
  clearCookie(SESSION_COOKIE, secure),
  clearCookie(REFRESH_COOKIE, secure),
  clearCookieOfChallenge(secure),
];

export const deviceCookie = (deviceId: string, secure: boolean): string =>
  cookie(DEVICE_COOKIE, deviceId, { maxAge: KNOWN_DEVICE_DAYS * 86_400, secure });

export const csrfCookie = (secret: string, secure: boolean): string =>
  cookie(CSRF_COOKIE, secret, { maxAge: CSRF_SECONDS, secure });

export interface PendingChallenge {
  email: string;
  session: string;
}

export const challengeCookie = (challenge: PendingChallenge, secure: boolean): string =>
  cookie(CHALLENGE_COOKIE, Buffer.from(JSON.stringify(challenge)).toString('base64url'), {
    maxAge: CHALLENGE_SECONDS,
    secure,
  });

export const challengeOf = (request: ConsoleRequest): PendingChallenge | undefined => {
  const raw = request.cookies.get(CHALLENGE_COOKIE);
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { email, session } = value as Record<string, unknown>;
    return typeof email === 'string' && typeof session === 'string' ? { email, session } : undefined;
  } catch {
    return undefined;
  }
};
