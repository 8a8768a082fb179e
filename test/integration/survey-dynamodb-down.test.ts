/**
 * The survey endpoint with DynamoDB out of reach, through the real SDK: a port that refuses connections
 * (DynamoDB down) and one that takes them and never answers (a stalled or swamped table). A stranger's
 * request then gets 503 or 429 with Retry-After within the request's time budget, never a 500 or a timeout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localAwsEnvironment } from '#infra/local/environment.ts';
import { ENV } from '#infra/system.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { signLink } from '#shared/core/links.ts';
import { t } from '#templates/index.ts';
import { SIGNING_KEYS_JSON, signingKeys } from '../support/stack.ts';

type Result = Exclude<LambdaFunctionURLResult, string>;
type Route = (
  event: LambdaFunctionURLEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<Result>;

/** Takes connections and never answers: DynamoDB that is there but does not get round to this request. */
let stalled: Server;
const sockets: Socket[] = [];
let stalledPort: number;
let refusedPort: number;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

beforeAll(async () => {
  const closed = createServer();
  refusedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  stalled = createServer((socket) => sockets.push(socket));
  stalledPort = await listen(stalled);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => stalled?.close(resolve));
});

/** The survey route of a fresh module instance whose DynamoDB client points at `port`. */
const routeAgainst = async (port: number): Promise<Route> => {
  Object.assign(process.env, {
    ...localAwsEnvironment(port, 1),
    [ENV.tableName]: 'unreachable',
    [ENV.linkSigningKeys]: SIGNING_KEYS_JSON,
    [ENV.digestTimeZone]: 'Europe/Amsterdam',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
  vi.resetModules();
  return (await import('#functions/survey-http.ts')).route as Route;
};

const token = (purpose: 'r' | 'u') =>
  signLink(signingKeys, {
    purpose,
    waveId: 'W1',
    contactId: contactIdOf('someone@example.com'),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });

const event = (method: string, path: string, body?: string): LambdaFunctionURLEvent =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'survey.example.com',
      'accept-language': 'sv',
      ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'test' },
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  }) as unknown as LambdaFunctionURLEvent;

const REQUESTS = (): [string, string, string | undefined][] => [
  ['GET', `/r/${token('r')}/9`, undefined],
  ['POST', `/r/${token('r')}/3`, 'reason=slow'],
  ['POST', `/r/${token('r')}/3/dwell`, 'score=3'],
  ['GET', `/r/${token('r')}/trap`, undefined],
  ['POST', `/u/${token('u')}`, 'List-Unsubscribe=One-Click'],
];

describe('a survey link while DynamoDB refuses connections', () => {
  it('answers 503 with Retry-After and the "try again later" page, for scores, forms, dwells and unsubscribes', async () => {
    const route = await routeAgainst(refusedPort);
    for (const [method, path, body] of REQUESTS()) {
      const res = await route(event(method, path, body));
      expect(res.statusCode, `${method} ${path}`).toBe(503);
      expect(res.headers?.['retry-after'], `${method} ${path}`).toMatch(/^[1-9][0-9]*$/);
      if (!path.endsWith('/trap')) expect(res.body).toContain(t('sv', 'page.error.unavailable.title'));
    }
  });
});

describe('a survey link while DynamoDB takes the request and never answers', () => {
  it('answers 429 with Retry-After once the time budget is spent, well before the function times out', async () => {
    const route = await routeAgainst(stalledPort);
    for (const [method, path, body] of REQUESTS()) {
      const started = Date.now();
      // 3.6 s left of the function's time: the budget leaves 3 s of it, so 600 ms to spend.
      const context = { getRemainingTimeInMillis: () => started + 3_600 - Date.now() };
      const res = await route(event(method, path, body), context);
      expect(res.statusCode, `${method} ${path}`).toBe(429);
      expect(res.headers?.['retry-after']).toBe('60');
      expect(Date.now() - started, `${method} ${path}`).toBeLessThan(2_500);
    }
  });
});
