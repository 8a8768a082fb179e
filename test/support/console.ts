/**
 * Console test wiring: a real cognito-local per test file (on a free port, its own state folder, the
 * console's pool created in it as `npm start` does), the console served by the local runtime's HTTP glue,
 * and a small cookie-keeping client that behaves like a browser on the console's own pages.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { createConsole } from '#functions/console/app.ts';
import { createSessionVerifier } from '#functions/console/auth/tokens.ts';
import type { Route } from '#functions/console/router.ts';
import type { ConsoleDeps } from '#functions/console/scope.ts';
import { ensureLocalUserPool, startCognitoLocal } from '#infra/local/cognito.ts';
import type { LocalUserPool } from '#infra/local/environment.ts';
import { startHttp } from '#infra/local/http.ts';
import type { Role } from '#shared/team/roles.ts';
import { addUser } from '#shared/team/users.ts';
import { freePort } from './local-services.ts';
import type { useLocalStack } from './stack.ts';

export interface CognitoLocal {
  port: number;
  cognito: CognitoIdentityProviderClient;
  pool: LocalUserPool;
  /** Where the emulator keeps its state and the pool's ids (the local stack's .local/). */
  stateDir: string;
  stop: () => Promise<void>;
}

/** A running cognito-local with the console's pool, app client and role groups. */
export const startCognito = async (): Promise<CognitoLocal> => {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'nps-cognito-'));
  const child: ChildProcess = await startCognitoLocal(port, stateDir);
  const cognito = new CognitoIdentityProviderClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const pool = await ensureLocalUserPool(cognito, stateDir, port);
  return {
    port,
    cognito,
    pool,
    stateDir,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};

/** Another app client of the pool whose ID tokens live `seconds` (to see them expire in a test). */
export const shortLivedClient = async (cognito: CognitoLocal, seconds: number): Promise<string> => {
  const out = await cognito.cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: cognito.pool.userPoolId,
      ClientName: `short-${seconds}s`,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      IdTokenValidity: seconds,
      AccessTokenValidity: seconds,
      TokenValidityUnits: { IdToken: 'seconds', AccessToken: 'seconds', RefreshToken: 'hours' },
    }),
  );
  return out.UserPoolClient?.ClientId ?? '';
};

export const PASSWORD = 'Correct-horse-9-battery';

/** A user with a permanent password and a role, added the way `nps user add --password-stdin` adds one. */
export const addConsoleUser = async (
  cognito: CognitoLocal,
  email: string,
  role: Role,
  password = PASSWORD,
) => {
  await addUser({ cognito: cognito.cognito, userPoolId: cognito.pool.userPoolId }, { email, role, password });
  return { email, password };
};

export const consoleDeps = (
  stack: Awaited<ReturnType<typeof useLocalStack>>,
  cognito: CognitoLocal,
  overrides: Partial<ConsoleDeps> & { clientId?: string } = {},
): ConsoleDeps => {
  const { clientId = cognito.pool.clientId, ...rest } = overrides;
  return {
    store: { ddb: stack.ddb, table: stack.table },
    clients: { ddb: stack.ddb, ses: stack.ses, cognito: cognito.cognito },
    auth: { cognito: cognito.cognito, clientId },
    verifier: createSessionVerifier({ issuer: cognito.pool.issuer, clientId }),
    scheme: 'http',
    log: new Logger({ serviceName: 'console-test', logLevel: 'SILENT' }),
    ...rest,
  };
};

/** The console behind the local runtime's HTTP glue (mounted under /console, as `npm start` serves it). */
export const serveConsole = async (deps: ConsoleDeps, routes: readonly Route[]) => {
  const app = createConsole(deps, routes);
  const port = await freePort();
  const server: Server = await startHttp(
    port,
    async () => ({ statusCode: 404, body: 'survey pages are not served in this test' }),
    () => true,
    {},
    '127.0.0.1',
    { '/console': { name: 'consoleHttp', handler: (event) => app(event as LambdaFunctionURLEvent) } },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export interface Answer {
  status: number;
  location: string | null;
  body: string;
  headers: Headers;
  setCookies: string[];
}

/** One request from a given loopback address (127.0.0.2, …), as another machine would come. */
const requestFrom = (
  from: string,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; headers: Headers; body: string; setCookies: string[] }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress: from }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === 'string') out.set(name, value);
        resolve({
          status: res.statusCode ?? 0,
          headers: out,
          body: Buffer.concat(chunks).toString('utf8'),
          setCookies: res.headers['set-cookie'] ?? [],
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

/** Keeps cookies like a browser and sends what a console page's own requests send (Origin, Sec-Fetch-Site). */
export class ConsoleBrowser {
  readonly base: string;
  readonly jar = new Map<string, string>();
  /** The loopback address it comes from; unset: the system's choice (127.0.0.1). */
  readonly from: string | undefined;
  constructor(base: string, options: { from?: string } = {}) {
    this.base = base;
    this.from = options.from;
  }

  private remember(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      if (/;\s*Max-Age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, pair.slice(at + 1));
    }
  }

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ) {
    const headers = { ...(this.jar.size ? { cookie: this.cookieHeader() } : {}), ...init.headers };
    if (this.from) {
      const answer = await requestFrom(this.from, `${this.base}${path}`, method, headers, init.body);
      this.remember(answer.setCookies);
      return { ...answer, location: answer.headers.get('location') } satisfies Answer;
    }
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const setCookies = response.headers.getSetCookie();
    this.remember(setCookies);
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: await response.text(),
      headers: response.headers,
      setCookies,
    } satisfies Answer;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request('GET', path, { headers: { 'sec-fetch-site': 'same-origin', ...headers } });
  }

  /** A form POST as the console's own page makes it: same origin, urlencoded. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request('POST', path, {
      headers: {
        origin: this.base,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Signs in through the sign-in page's own form (its CSRF token included). */
  async signIn(email: string, password: string): Promise<Answer> {
    const page = await this.get('/console/sign-in');
    return this.post('/console/sign-in', { csrf: csrfOf(page.body), next: '/console', email, password });
  }
}

/** The CSRF token of a page's first form. */
export const csrfOf = (html: string): string => {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no CSRF field in the page:\n${html.slice(0, 500)}`);
  return token;
};
