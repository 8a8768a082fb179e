/**
 * The console's request pipeline: assets and the public pages first, then for every other path the
 * checks of router.ts (session, role, same origin and CSRF token on POST) before the route's handler runs,
 * and the outcome rendered inside the shell. One function of a Function URL event, the same in AWS and locally.
 */
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { ANONYMOUS, csrfTokenMatches, newCsrfSecret } from '#functions/console/guard.ts';
import { REQUEST_LIMITS, spendRequestBudget } from '#functions/console/http/request-budget.ts';
import { html, type SafeHtml, SIGN_IN_PATH, shellPage, translator } from '#functions/console/ui/index.ts';
import { recordActivity } from '#shared/team/activity.ts';
import { allows, type Role } from '#shared/team/roles.ts';
import { problemOf } from '../commons/problems.ts';
import {
  CSRF_COOKIE,
  csrfCookie,
  resolveSession,
  SESSION_COOKIE,
  type Session,
  sessionCookies,
} from './auth/session.ts';
import { refusedResponse } from './auth/sign-in.ts';
import { csrfTokenOf, formOf, localeOf, requestOf, selfPath, wantsJson } from './http/request.ts';
import {
  fileResponse,
  htmlResponse,
  jsonResponse,
  previewResponse,
  type Response,
  redirectResponse,
  withConnectSource,
} from './http/responses.ts';
import { matchPublic } from './public-routes.ts';
import { createRouter, type Outcome, type Route, type RouteContext } from './router.ts';
import { bareResponse, type ConsoleDeps, cameFromConsole, csrfOf, type Scope } from './scope.ts';
import { settingsFromEnvironment } from './settings.ts';

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

  /** A thrown error as the one problem map (functions/commons/problems.ts) says, in the user's words. */
  const errorResponse = (scope: Scope, viewer: Viewer | undefined, error: unknown): Response => {
    const p = problemOf(error);
    if (p.status >= 500)
      deps.log.error('Console request failed', { error: error as Error, path: scope.request.path });
    const reason = error instanceof Error ? error.message : '';
    const [code, titleKey, body] =
      p.code === 'tooLarge'
        ? ['tooLarge', 'error.tooLarge.title', scope.t('error.tooLarge.body')]
        : p.code === 'notFound'
          ? ['notFound', 'error.notFound.title', scope.t('error.notFound.body')]
          : p.code === 'invalid' || p.code === 'conflict'
            ? [p.code, 'error.invalid.title', scope.t('error.invalid.body', { reason })]
            : p.code === 'busy'
              ? [
                  'rateLimited',
                  'error.rateLimited.title',
                  scope.t('error.rateLimited.body', { seconds: p.headers['retry-after'] ?? '60' }),
                ]
              : ['unavailable', 'error.unavailable.title', scope.t('error.unavailable.body')];
    const response = problem(scope, viewer, p.status, code, titleKey, body);
    Object.assign(response.headers, p.headers);
    return response;
  };

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
      settings,
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
      // Our own faults are answered outside the shell, by the pipeline's last resort below.
      if (problemOf(error).status >= 500) throw error;
      return errorResponse(scope, viewer, error);
    }
  };

  const publicRoute = matchPublic();
  const settings = deps.settings ?? settingsFromEnvironment();
  const dispatch = async (scope: Scope): Promise<Response> => {
    const found = publicRoute(scope.request.method, scope.request.path);
    return found ? found.route.serve(scope, found.params) : protectedRoute(scope);
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
      return errorResponse(scope, undefined, error);
    }
  };
};
