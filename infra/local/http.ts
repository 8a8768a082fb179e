/** Turns HTTP requests into Function URL (payload 2.0) events for the survey handler, and back. */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { FunctionName } from '../system.ts';
import { LOOPBACK } from './environment.ts';
import { allowedHostNames, refusedForeignHost } from './host-guard.ts';
import type { Handler } from './lambda.ts';
import { lambdaContext } from './lambda.ts';

/** Function URLs accept up to 6 MB (and answer 413 beyond); the handler enforces its own, smaller limit. */
const MAX_BODY = 6 * 1024 * 1024;
const TEXTUAL = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/i;

/** Past this much, an oversized body is no longer read to the end before the 413: the connection closes. */
const MAX_DRAIN = 64 * 1024 * 1024;

/** The body, or `tooLarge` past MAX_BODY: the rest is read and dropped, so the client gets to read the 413. */
const readBody = (req: IncomingMessage): Promise<Buffer | 'tooLarge'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAIN) req.destroy();
      else if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? 'tooLarge' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const toFunctionUrlEvent = (req: IncomingMessage, body: Buffer): LambdaFunctionURLEvent => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const textual = TEXTUAL.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  } as LambdaFunctionURLEvent;
};

/**
 * Local-only endpoints beside the survey function (e.g. the SES events stand-in): POST path → handler.
 * They take unauthenticated input, so they answer only requests from this machine, whatever HOST opens.
 */
export type LocalRoutes = Readonly<
  Record<string, (body: string) => Promise<{ statusCode: number; body: string }>>
>;

/** Functions mounted under a path prefix (FUNCTIONS' `mount`, e.g. the console under /console). */
export type Mounts = Readonly<Record<string, { name: FunctionName; handler: Handler }>>;

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (/^(::ffff:)?127\./.test(address) || address === '::1');

/**
 * Serves the survey handler on `host`:`port`, to requests for this machine's names only (host-guard.ts, 421
 * otherwise). `isReady` gates /health before the handler checks its own
 * dependencies: false (the stack is starting, or a local service is down) answers 503.
 */
export const startHttp = (
  port: number,
  handler: Handler,
  isReady: () => boolean | Promise<boolean>,
  routes: LocalRoutes = {},
  host: string = LOOPBACK,
  mounts: Mounts = {},
): Promise<Server> =>
  new Promise((resolve, reject) => {
    const allowed = allowedHostNames(host);
    const server = createServer(async (req, res) => {
      try {
        if (refusedForeignHost(req, res, allowed)) return;
        if (req.url === '/health' && !(await isReady())) {
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false}');
          return;
        }
        const body = await readBody(req);
        if (body === 'tooLarge') {
          res
            .writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
            .end(`Request must be smaller than ${MAX_BODY} bytes\n`);
          return;
        }
        const local = req.method === 'POST' && isLoopback(req.socket.remoteAddress);
        const route = local ? routes[(req.url ?? '').split('?')[0] ?? ''] : undefined;
        if (route) {
          const out = await route(body.toString('utf8'));
          res.writeHead(out.statusCode, { 'content-type': 'application/json' }).end(out.body || undefined);
          return;
        }
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const mount = Object.entries(mounts).find(
          ([prefix]) => path === prefix || path.startsWith(`${prefix}/`),
        );
        const target = mount?.[1] ?? { name: 'surveyHttp' as const, handler };
        const result = (await target.handler(
          toFunctionUrlEvent(req, body),
          lambdaContext(target.name),
        )) as Exclude<LambdaFunctionURLResult, string>;
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
        if (result.cookies?.length) headers['set-cookie'] = result.cookies;
        res.writeHead(result.statusCode ?? 200, headers);
        const payload = result.body
          ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
          : undefined;
        res.end(req.method === 'HEAD' ? undefined : payload);
      } catch (error) {
        console.error('local http:', error);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad gateway: the survey function failed');
      }
    });
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
