/**
 * The console's public routes: what anyone may ask for before signing in (its assets, the language switch,
 * sign-in, the first password, sign-out). They sit in a table like the rest, served before the guard of
 * app.ts; every other path goes through the guard and routes.ts. Each answers for itself: sign-in and
 * sign-out check their own origin and CSRF token, as no session exists yet (or is ending).
 */
import { consoleAsset } from './assets/assets.ts';
import { newPasswordSubmit, signInPage, signInSubmit, signOut, switchLanguage } from './auth/sign-in.ts';
import { NEW_PASSWORD_PATH, SIGN_IN_PATH } from './auth/sign-in-view.ts';
import { assetResponse, type Response } from './http/responses.ts';
import { createMatcher, type Method } from './router.ts';
import type { Scope } from './scope.ts';
import { SIGN_OUT_PATH } from './ui/layout.ts';

export interface PublicRoute {
  method: Method;
  path: string;
  serve(scope: Scope, params: Readonly<Record<string, string>>): Promise<Response> | Response;
}

const notFound: Response = {
  statusCode: 404,
  headers: { 'content-type': 'text/plain' },
  cookies: [],
  body: 'Not found',
};

const asset = (_scope: Scope, params: Readonly<Record<string, string>>): Response => {
  const found = consoleAsset(params.file ?? '');
  return found
    ? assetResponse(found.contentType, found.body)
    : { ...notFound, headers: { ...notFound.headers } };
};

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', path: '/console/assets/:file', serve: asset },
  {
    method: 'GET',
    path: '/console/language/:code',
    serve: (scope, p) => switchLanguage(scope, p.code ?? ''),
  },
  { method: 'GET', path: SIGN_IN_PATH, serve: signInPage },
  { method: 'POST', path: SIGN_IN_PATH, serve: signInSubmit },
  { method: 'POST', path: NEW_PASSWORD_PATH, serve: newPasswordSubmit },
  { method: 'POST', path: SIGN_OUT_PATH, serve: signOut },
];

/** The public route for this request, if it is one; anything else goes to the guard. */
export const matchPublic = (routes: readonly PublicRoute[] = PUBLIC_ROUTES) => {
  const match = createMatcher(routes);
  return (method: string, path: string) => {
    const found = match(method, path);
    return found && 'route' in found ? found : undefined;
  };
};
