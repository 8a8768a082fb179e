/** What every console request carries through the pipeline: its parsed form, language, deps and new cookies. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuthClient } from '#functions/console/auth/cognito.ts';
import type { SignInLimits } from '#functions/console/auth/sign-in-limit.ts';
import type { SessionVerifier } from '#functions/console/auth/tokens.ts';
import { csrfToken, isSameOrigin } from '#functions/console/guard.ts';
import type { RequestLimits } from '#functions/console/http/request-budget.ts';
import { barePage, type SafeHtml, type Translate } from '#functions/console/ui/index.ts';
import type { Locale } from '#shared/core/locale.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type ConsoleRequest, selfPath } from './http/request.ts';
import { htmlResponse, type Response } from './http/responses.ts';
import type { ConsoleClients } from './router.ts';
import type { ConsoleSettings } from './settings.ts';

export interface ConsoleDeps {
  store: TableStore;
  clients: ConsoleClients;
  /** The user pool's app client the console signs in through. */
  auth: AuthClient;
  verifier: SessionVerifier;
  /** `http` only where the console is served without TLS (the local runtime). */
  scheme: 'https' | 'http';
  /** Overrides of SIGN_IN_LIMITS (tests). */
  signInLimits?: Partial<SignInLimits>;
  /** Overrides of REQUEST_LIMITS (tests). */
  requestLimits?: Partial<RequestLimits>;
  /** What pages read of the deployment's configuration (default: the environment's). */
  settings?: ConsoleSettings;
  now?: () => Date;
  log: Pick<Logger, 'info' | 'error'>;
}

export interface Scope {
  request: ConsoleRequest;
  locale: Locale;
  t: Translate;
  deps: ConsoleDeps;
  secure: boolean;
  /** This browser's CSRF secret (from its cookie, or new on this response). */
  csrfSecret: string;
  /** Set-Cookie values the response must carry, whatever it turns out to be. */
  cookies: string[];
  now: Date;
}

export const csrfOf = (scope: Scope, subject: string): string => csrfToken(scope.csrfSecret, subject);

export const cameFromConsole = (scope: Scope): boolean =>
  isSameOrigin({
    origin: scope.request.headers.origin,
    fetchSite: scope.request.headers['sec-fetch-site'],
    host: scope.request.host,
    scheme: scope.deps.scheme,
  });

/** A page outside the shell (sign-in, errors before a session), with this request's cookies. */
export const bareResponse = (
  scope: Scope,
  status: number,
  title: string,
  main: SafeHtml,
  csrf: string,
  headers: Record<string, string> = {},
): Response => {
  const response = htmlResponse(
    status,
    barePage({ locale: scope.locale, t: scope.t, title, main, path: selfPath(scope.request), csrf }),
    headers,
  );
  response.cookies.push(...scope.cookies);
  return response;
};
