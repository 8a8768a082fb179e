/**
 * The console's request pipeline: assets and the public pages first, then for every other path the
 * checks of router.ts (session, role, same origin and CSRF token on POST) before the route's handler runs,
 * and the outcome rendered inside the shell. One function of a Function URL event, the same in AWS and locally.
 */
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { recordActivity } from '#shared/console/activity.ts';
import { REQUEST_LIMITS, spendRequestBudget } from '#shared/console/request-budget.ts';
import { ANONYMOUS, csrfTokenMatches, newCsrfSecret } from '#shared/console/request-guard.ts';
import { allows, type Role } from '#shared/console/roles.ts';
import { JwksUnavailableError } from '#shared/console/tokens.ts';
import {
  CONSOLE_ASSETS_PATH,
  consoleAsset,
  html,
  NEW_PASSWORD_PATH,
  type SafeHtml,
  SIGN_IN_PATH,
  SIGN_OUT_PATH,
  shellPage,
  translator,
} from '#templates/console/index.ts';
import { problemOf } from './problems.ts';
import { csrfTokenOf, formOf, localeOf, requestOf, selfPath, wantsJson } from './request.ts';
import {
  assetResponse,
  fileResponse,
  htmlResponse,
  jsonResponse,
  previewResponse,
  type Response,
  redirectResponse,
  withConnectSource,
} from './responses.ts';
import { createRouter, type Outcome, type Route, type RouteContext } from './router.ts';
import { bareResponse, type ConsoleDeps, cameFromConsole, csrfOf, type Scope } from './scope.ts';
import {
  CSRF_COOKIE,
  csrfCookie,
  resolveSession,
  SESSION_COOKIE,
  type Session,
  sessionCookies,
} from './session.ts';
import {
  newPasswordSubmit,
  refusedResponse,
  signInPage,
  signInSubmit,
  signOut,
  switchLanguage,
} from './sign-in.ts';

const LANGUAGE = /^\/console\/language\/([a-z]{2})$/;

type Viewer = { session: Session; csrf: string };

export const createConsole = (deps: ConsoleDeps, routes: readonly Route[]) => {
  const router = createRouter(routes);

  const respond = (scope: Scope, response: Response): Response => {
    response.cookies.push(...scope.cookies);
    return response;
  };

  const shellResponse = (
    scope: Scope,
    viewer: Viewer,
    status: number,
    title: string,
    main: SafeHtml,
    connect?: string,
  ): Response => {
    const path = scope.request.path.replace(/\/$/, '') || '/console';
    const current = router.nav
      .filter((r) => path === r.path || (r.path !== '/console' && path.startsWith(`${r.path}/`)))
      .sort((a, b) => b.path.length - a.path.length)[0];
    const nav = router.nav
      .filter((r) => allows(viewer.session.user.role, r.role))
      .map((r) => ({ href: r.path, label: scope.t(r.nav ?? ''), current: r === current }));
    const { email, role } = viewer.session.user;
    return respond(
      scope,
      htmlResponse(
        status,
        shellPage({
          locale: scope.locale,
          t: scope.t,
          title,
          main,
          path: selfPath(scope.request),
          csrf: viewer.csrf,
          user: { email, role },
          nav,
        }),
        connect ? { 'content-security-policy': withConnectSource(connect) } : {},
      ),
    );
  };

  /** An error as JSON for API calls, else as a page (inside the shell when someone is signed in). */
  const problem = (
    scope: Scope,
    viewer: Viewer | undefined,
    status: number,
    code: string,
    titleKey: string,
    body: string,
    headers: Record<string, string> = {},
  ): Response => {
    const main = html`<p>${body}</p><p><a href="/console">${scope.t('error.home')}</a></p>`;
    const response = wantsJson(scope.request)
      ? respond(scope, jsonResponse(status, { error: code, message: body }))
      : viewer
        ? shellResponse(scope, viewer, status, scope.t(titleKey), main)
        : bareResponse(scope, status, scope.t(titleKey), main, csrfOf(scope, ANONYMOUS));
    Object.assign(response.headers, headers);
    return response;
  };

  const render = (scope: Scope, viewer: Viewer, outcome: Outcome): Response => {
    switch (outcome.kind) {
      case 'page':
        return shellResponse(scope, viewer, outcome.status, outcome.title, outcome.main, outcome.connect);
      case 'redirect':
        return respond(scope, redirectResponse(outcome.location));
      case 'json':
        return respond(scope, jsonResponse(outcome.status, outcome.body));
      case 'file':
        return respond(scope, fileResponse(outcome.contentType, outcome.filename, outcome.body));
      case 'preview':
        return respond(scope, previewResponse(outcome.html));
    }
  };

  const noSession = (scope: Scope): Response => {
    const request = scope.request;
    if (wantsJson(request))
      return respond(scope, jsonResponse(401, { error: 'unauthenticated', message: 'Sign in first' }));
    // A link followed from another site arrives without the SameSite=Strict cookies; one same-origin reload
    // sends them, so a signed-in user is not asked to sign in again.
    if (
      request.method === 'GET' &&
      request.headers['sec-fetch-site'] === 'cross-site' &&
      !request.query.has('reloaded')
    ) {
      const again = `${selfPath(request)}${request.query.size ? '&' : '?'}reloaded`;
      return respond(
        scope,
        htmlResponse(
          200,
          html`<!doctype html><html lang="${scope.locale}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${again}"><title>${scope.t('app.name')}</title></head><body><p><a href="${again}">${scope.t('app.name')}</a></p></body></html>`
            .value,
        ),
      );
    }
    const query = new URLSearchParams(request.query);
    query.delete('reloaded');
    const next = request.method === 'GET' ? `${request.path}${query.size ? `?${query}` : ''}` : '/console';
    const ended = request.cookies.has(SESSION_COOKIE) ? '&expired' : '';
    return respond(scope, redirectResponse(`${SIGN_IN_PATH}?next=${encodeURIComponent(next)}${ended}`));
  };

  const forbidden = (scope: Scope, viewer: Viewer, role: Role | undefined): Response =>
    problem(
      scope,
      viewer,
      403,
      'forbidden',
      'error.forbidden.title',
      role
        ? scope.t('error.forbidden.body', { role: scope.t(`role.${role}`) })
        : scope.t('error.noRole.body'),
    );

  /** Every path of the route table: the checks, then the handler. */
  const protectedRoute = async (scope: Scope): Promise<Response> => {
    const { request } = scope;
    const post = request.method === 'POST';
    if (post && !cameFromConsole(scope)) return respond(scope, refusedResponse(scope));
    const session = await resolveSession(scope.deps, request);
    if (!session) return noSession(scope);
    if (session.renewed) scope.cookies.push(...sessionCookies(session.renewed, scope.secure));
    const viewer: Viewer = { session, csrf: csrfOf(scope, session.user.sub) };
    const matched = router.match(request.method, request.path);
    if (!matched)
      return problem(scope, viewer, 404, 'notFound', 'error.notFound.title', scope.t('error.notFound.body'));
    if ('methods' in matched) {
      const response = problem(
        scope,
        viewer,
        405,
        'method',
        'error.method.title',
        scope.t('error.method.body'),
      );
      response.headers.allow = matched.methods.join(', ');
      return response;
    }
    const { user } = session;
    const role = user.role;
    if (role === undefined || !allows(role, matched.route.role)) return forbidden(scope, viewer, role);
    if (post && !csrfTokenMatches(scope.csrfSecret, user.sub, csrfTokenOf(request))) {
      if (wantsJson(request))
        return respond(
          scope,
          jsonResponse(403, { error: 'refused', message: scope.t('error.refused.body') }),
        );
      return problem(scope, viewer, 403, 'refused', 'error.refused.title', scope.t('error.refused.body'));
    }
    const ctx: RouteContext = {
      user: { sub: user.sub, email: user.email, role },
      locale: scope.locale,
      t: scope.t,
      csrf: viewer.csrf,
      params: matched.params,
      query: request.query,
      form: () => formOf(request),
      request,
      store: scope.deps.store,
      clients: scope.deps.clients,
      now: scope.now,
      record: (what, detail) =>
        recordActivity(scope.deps.store, {
          who: user.email,
          what,
          when: scope.now,
          ...(detail ? { detail } : {}),
        }),
    };
    try {
      if (request.method === 'GET')
        await spendRequestBudget(
          scope.deps.store,
          { sub: user.sub, kind: matched.route.budget ?? 'read', now: scope.now },
          { ...REQUEST_LIMITS, ...scope.deps.requestLimits },
        );
      return render(scope, viewer, await matched.route.handler(ctx));
    } catch (error) {
      const known = problemOf(scope, error);
      if (!known) throw error;
      return problem(scope, viewer, ...known);
    }
  };

  const dispatch = async (scope: Scope): Promise<Response> => {
    const { method, path } = scope.request;
    if (path.startsWith(CONSOLE_ASSETS_PATH)) {
      const asset = method === 'GET' ? consoleAsset(path.slice(CONSOLE_ASSETS_PATH.length)) : undefined;
      if (!asset)
        return { statusCode: 404, headers: { 'content-type': 'text/plain' }, cookies: [], body: 'Not found' };
      return assetResponse(asset.contentType, asset.body);
    }
    const language = LANGUAGE.exec(path);
    if (language && method === 'GET') return switchLanguage(scope, language[1] ?? '');
    if (path === SIGN_IN_PATH && method === 'GET') return signInPage(scope);
    if (path === SIGN_IN_PATH && method === 'POST') return signInSubmit(scope);
    if (path === NEW_PASSWORD_PATH && method === 'POST') return newPasswordSubmit(scope);
    if (path === SIGN_OUT_PATH && method === 'POST') return signOut(scope);
    return protectedRoute(scope);
  };

  return async (event: LambdaFunctionURLEvent): Promise<Response> => {
    const request = requestOf(event);
    const locale = localeOf(request);
    const secure = deps.scheme === 'https';
    const cookies: string[] = [];
    let csrfSecret = request.cookies.get(CSRF_COOKIE);
    if (!csrfSecret || !/^[A-Za-z0-9_-]{43}$/.test(csrfSecret)) {
      csrfSecret = newCsrfSecret();
      cookies.push(csrfCookie(csrfSecret, secure));
    }
    const scope: Scope = {
      request,
      locale,
      t: translator(locale),
      deps,
      secure,
      csrfSecret,
      cookies,
      now: deps.now?.() ?? new Date(),
    };
    try {
      return await dispatch(scope);
    } catch (error) {
      const known = problemOf(scope, error);
      if (known) return problem(scope, undefined, ...known);
      const unavailable = error instanceof JwksUnavailableError;
      deps.log.error('Console request failed', { error: error as Error, path: request.path });
      const response = problem(
        scope,
        undefined,
        unavailable ? 503 : 500,
        'unavailable',
        'error.unavailable.title',
        scope.t('error.unavailable.body'),
      );
      return response;
    }
  };
};
