/**
 * The console's router: a table of routes, `{ method, path, role, handler, nav }`, matched in order.
 *
 * HOW TO ADD A PAGE
 *   1. Write the handler in functions/console/pages/<page>/<page>.ts (its view beside it, <page>-view.ts). It gets a RouteContext and returns an Outcome,
 *      calling the same domain functions the CLI calls (the CLI and the console are two doors into one core):
 *
 *        export const wavesPage: Handler = async (ctx) => {
 *          const waves = await listWaves(ctx.store.ddb, ctx.store.table);
 *          return page(ctx.t('nav.waves'), html`<ul>${waves.map((w) => html`<li>${w.name}</li>`)}</ul>`);
 *        };
 *        export const cancelWave: Handler = async (ctx) => {
 *          const id = ctx.params.id ?? '';
 *          await cancel(ctx.store.ddb, ctx.store.table, id);
 *          await ctx.record('wave.cancelled', { wave: id });
 *          return redirect(`/console/waves/${encodeURIComponent(id)}`);
 *        };
 *
 *   2. Add it to ROUTES in functions/console/routes.ts (a `nav` label key puts it in the menu, in table order):
 *
 *        route('GET', '/console/waves', 'viewer', wavesPage, { nav: 'nav.waves' }),
 *        route('POST', '/console/waves/:id/cancel', 'editor', cancelWave),
 *
 *   3. Add its messages to functions/console/locales/{en,nl,sv,de}.json (a test holds the four to one key set)
 *      and build markup only with `html` from ./ui/index.ts, which escapes every value.
 *
 * WHAT THE ROUTER ALREADY DID BEFORE A HANDLER RUNS (handlers never check these themselves)
 *   - No session: a page GET is redirected (303) to /console/sign-in?next=…; an API call (a path under
 *     /console/api/ or `Accept: application/json`) gets 401. An expired ID token was renewed quietly.
 *   - The user's role is below the route's: 403.
 *   - A GET past the user's budget of reads (or, for a route with `{ budget: 'export' }`, of exports) per
 *     minute: 429 with Retry-After (functions/console/http/request-budget.ts).
 *   - POST: it came from the console's own origin (Origin, Sec-Fetch-Site) and carries the CSRF token
 *     (`csrfField(ctx.csrf)` in a form, or the `x-csrf-token` header from the page's
 *     <meta name="csrf-token">); otherwise 403.
 *   In each of these cases the handler does not run, so nothing changes.
 *
 * OUTCOMES: page(title, main[, status]) renders inside the shell; redirect(path) answers 303 (after a
 * POST, always redirect); json(body[, status]); file(contentType, filename, body) downloads; preview(html)
 * is an email shown in a sandboxed <iframe> of a console page. A thrown
 * ValidationError becomes a 400 page with its message (413 for field 'body'), NotFoundError 404,
 * ConflictError 409; anything else a 500 page that changed nothing.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BudgetKind } from '#functions/console/http/request-budget.ts';
import type { UploadStore } from '#functions/console/http/uploads.ts';
import type { SafeHtml, Translate } from '#functions/console/ui/index.ts';
import type { Locale } from '#shared/core/locale.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { ActivityDetail, ActivityEntry, ActivityKind } from '#shared/team/activity.ts';
import type { Role } from '#shared/team/roles.ts';
import { type ConsoleRequest, consolePathOr } from './http/request.ts';
import type { ConsoleSettings } from './settings.ts';

export type Method = 'GET' | 'POST';

export interface ConsoleClients {
  ddb: DynamoDBDocumentClient;
  ses: SESv2Client;
  cognito: CognitoIdentityProviderClient;
  /** Where browsers upload audience files directly (presigned PUTs); absent: files come in the request. */
  uploads?: UploadStore;
}

export interface RouteContext {
  /** The signed-in user; their role is at least the route's. */
  user: { sub: string; email: string; role: Role };
  locale: Locale;
  /** Messages of functions/console/locales in the user's language. */
  t: Translate;
  /** The CSRF token for this user: put `csrfField(ctx.csrf)` in every form that POSTs. */
  csrf: string;
  /** The values of the path's `:name` segments, decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The urlencoded form of a POST (up to 64 KiB; a ValidationError beyond). */
  form(): URLSearchParams;
  /** The whole request (headers, raw body for uploads, cookies). */
  request: ConsoleRequest;
  store: TableStore;
  clients: ConsoleClients;
  /** The time zone, survey and digest rules, sender and product this console runs with. */
  settings: ConsoleSettings;
  now: Date;
  /** Logs a change to the activity log as this user (who and when filled in). */
  record(what: ActivityKind, detail?: ActivityDetail): Promise<ActivityEntry>;
}

export type Outcome =
  | {
      kind: 'page';
      title: string;
      main: SafeHtml;
      status: number;
      /** Another origin the page's script talks to (the upload bucket), added to its CSP connect-src. */
      connect?: string;
    }
  | { kind: 'redirect'; location: string }
  | { kind: 'json'; body: unknown; status: number }
  | { kind: 'file'; contentType: string; filename: string; body: string | Buffer }
  | { kind: 'preview'; html: string };

export type Handler = (ctx: RouteContext) => Promise<Outcome> | Outcome;

export interface Route {
  method: Method;
  /** `/console/...`, with `:name` segments captured into `ctx.params`. */
  path: string;
  /** The lowest role allowed (viewer < editor < admin). */
  role: Role;
  handler: Handler;
  /** The message key of this page's menu label; only GET routes without `:params` belong in the menu. */
  nav?: string;
  /** Which of the user's request budgets a GET spends (request-budget.ts): `read` unless it exports. */
  budget?: BudgetKind;
}

export const route = (
  method: Method,
  path: string,
  role: Role,
  handler: Handler,
  options: { nav?: string; budget?: BudgetKind } = {},
): Route => {
  if (!/^\/console(\/[A-Za-z0-9._~:-]+)*$/.test(path))
    throw new Error(`Route path ${path} is not under /console`);
  if (options.nav && (method !== 'GET' || path.includes(':')))
    throw new Error(`Route ${method} ${path} cannot be in the menu: only a GET without parameters can`);
  return {
    method,
    path,
    role,
    handler,
    ...(options.nav ? { nav: options.nav } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
  };
};

export const page = (title: string, main: SafeHtml, status = 200, connect?: string): Outcome => ({
  kind: 'page',
  title,
  main,
  status,
  ...(connect ? { connect } : {}),
});

/** 303 to a console path (after a POST: the browser then GETs it). */
export const redirect = (location: string): Outcome => {
  if (consolePathOr(location, '') !== location) throw new Error(`Redirect to ${location} leaves the console`);
  return { kind: 'redirect', location };
};

export const json = (body: unknown, status = 200): Outcome => ({ kind: 'json', body, status });

/** An email's HTML for a sandboxed <iframe> of a console page, under its own CSP (see responses.ts). */
export const preview = (html: string): Outcome => ({ kind: 'preview', html });

export const file = (contentType: string, filename: string, body: string | Buffer): Outcome => ({
  kind: 'file',
  contentType,
  filename,
  body,
});

interface Compiled<R> {
  route: R;
  pattern: RegExp;
  names: string[];
}

export type Match<R> = { route: R; params: Record<string, string> } | { methods: Method[] } | undefined;

export interface Router {
  routes: readonly Route[];
  /** The route for this method and path, or which methods the path takes (for 405), or nothing (404). */
  match(method: string, path: string): Match<Route>;
  /** The menu's routes, in table order. */
  nav: readonly Route[];
}

/** Matches a method and path against a table of routes (`:name` segments captured), in table order. */
export const createMatcher = <R extends { method: Method; path: string }>(
  routes: readonly R[],
): ((method: string, path: string) => Match<R>) => {
  const compiled: Compiled<R>[] = routes.map((r) => {
    const names: string[] = [];
    const source = r.path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { route: r, pattern: new RegExp(`^${source}/?$`), names };
  });
  for (const [i, a] of compiled.entries()) {
    const twin = compiled.findIndex(
      (b, j) => j < i && b.route.method === a.route.method && b.route.path === a.route.path,
    );
    if (twin !== -1) throw new Error(`Route ${a.route.method} ${a.route.path} is in the table twice`);
  }
  return (method, path) => {
    const methods: Method[] = [];
    for (const c of compiled) {
      const found = c.pattern.exec(path);
      if (!found) continue;
      if (c.route.method !== method) {
        methods.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      try {
        c.names.forEach((name, i) => {
          params[name] = decodeURIComponent(found[i + 1] ?? '');
        });
      } catch {
        return undefined;
      }
      return { route: c.route, params };
    }
    return methods.length > 0 ? { methods } : undefined;
  };
};

export const createRouter = (routes: readonly Route[]): Router => ({
  routes,
  nav: routes.filter((r) => r.nav),
  match: createMatcher(routes),
});
