/**
 * The local stack as seen from the network: it listens on 127.0.0.1 unless HOST opens it, the SES events
 * stand-in answers only this machine, every port that can check `Host` refuses another site's name (DNS
 * rebinding), and /health says 503 when DynamoDB or the SES emulator is down.
 */
import { mkdtempSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, LOOPBACK, localSettings } from '#infra/local/environment.ts';
import { isLoopback, type LocalRoutes, startHttp } from '#infra/local/http.ts';
import { type Handler, loadHandler } from '#infra/local/lambda.ts';
import { startS3Local } from '#infra/local/s3.ts';
import { sesEmulatorUp } from '#infra/local/services.ts';
import { ENV } from '#infra/system.ts';
import { startCognito } from '../support/console.ts';
import { listeningAddresses, loopbackOnly } from '../support/listening.ts';
import { useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let surveyHttp: Handler;
const servers: Server[] = [];

beforeAll(async () => {
  stack = await useLocalStack();
  surveyHttp = await loadHandler('surveyHttp');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const serve = async (isReady: () => boolean | Promise<boolean>, routes: LocalRoutes = {}, host?: string) => {
  const port = await freePort();
  const server = await startHttp(port, surveyHttp, isReady, routes, host);
  servers.push(server);
  return { server, port };
};

const withEnv = async <T>(vars: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
  }
};

describe('where the local stack listens', () => {
  it('is 127.0.0.1 unless HOST opens it to every interface', async () => {
    await withEnv({ HOST: undefined }, async () => expect(localSettings().host).toBe('127.0.0.1'));
    await withEnv({ HOST: '0.0.0.0' }, async () => expect(localSettings().host).toBe('0.0.0.0'));
    await withEnv({ HOST: 'my-laptop' }, async () =>
      expect(() => localSettings()).toThrow(/HOST must be one of/),
    );
  });

  it('binds the survey app to 127.0.0.1 by default, refusing the machine’s other addresses', async () => {
    const { server, port } = await serve(() => true);
    expect(server.address()).toMatchObject({ address: '127.0.0.1', port });
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
    const open = await serve(() => true, {}, '0.0.0.0');
    expect(loopbackOnly(open.port)).toBe(false);
  });

  it('runs DynamoDB Local and the SES emulator (and its inbox) on 127.0.0.1 only', async () => {
    for (const port of [stack.ddbPort, stack.sesPort]) expect(loopbackOnly(port), `port ${port}`).toBe(true);
  });

  it('tells this machine from anyone else by the caller’s address', () => {
    for (const address of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1'])
      expect(isLoopback(address), address).toBe(true);
    for (const address of ['192.0.2.2', '::ffff:192.0.2.2', '10.0.0.1', 'fe80::1', '', undefined])
      expect(isLoopback(address), String(address)).toBe(false);
  });

  it('serves the SES events stand-in only to this machine, even when HOST opens the app', async () => {
    const delivered: string[] = [];
    const routes: LocalRoutes = {
      '/_local/ses-events': async (body) => {
        delivered.push(body);
        return { statusCode: 202, body: '{}' };
      },
    };
    const { port } = await serve(() => true, routes, '0.0.0.0');
    const post = (host: string) =>
      fetch(`http://${host}:${port}/_local/ses-events`, { method: 'POST', body: '{"detail":{}}' });
    expect((await post(LOOPBACK)).status).toBe(202);
    expect(delivered).toHaveLength(1);
  });
});

/** A request with the given Host header, as a page on a rebound name makes it; the status and body. */
const withHost = (port: number, host: string, path = '/'): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: LOOPBACK, port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('DNS rebinding: another site’s name in Host', () => {
  const FOREIGN = ['rebind.evil.test', 'rebind.evil.test:8005', 'localhost.evil.test', '127.0.0.1.nip.io'];

  it('gets 421 from the survey app, its /health and the console mount, and localhost still gets in', async () => {
    const port = await freePort();
    servers.push(
      await startHttp(port, surveyHttp, () => true, {}, LOOPBACK, {
        '/console': { name: 'consoleHttp', handler: async () => ({ statusCode: 200, body: 'console' }) },
      }),
    );
    for (const host of FOREIGN)
      for (const path of ['/health', '/console/contacts', '/r/TOKEN/9'])
        expect((await withHost(port, host, path)).status, `${host} ${path}`).toBe(421);
    for (const host of ['localhost', `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
      expect((await withHost(port, host, '/health')).status, host).toBe(200);
    expect((await withHost(port, `localhost:${port}`, '/console/contacts')).body).toBe('console');
  });

  it('gets 421 from the SES emulator’s inbox and /store, which hold every live link', async () => {
    for (const host of FOREIGN)
      for (const path of ['/', '/store'])
        expect((await withHost(stack.sesPort, host, path)).status, `${host} ${path}`).toBe(421);
    const own = await withHost(stack.sesPort, `127.0.0.1:${stack.sesPort}`, '/store');
    expect(own.status).toBe(200);
    expect(own.body).toContain('"emails"');
  });

  it('gets 421 from DynamoDB Local, which holds every answer', async () => {
    for (const host of FOREIGN) expect((await withHost(stack.ddbPort, host)).status, host).toBe(421);
    expect((await withHost(stack.ddbPort, `127.0.0.1:${stack.ddbPort}`)).status).not.toBe(421);
  });

  it('gets 421 from cognito-local (its JWKS and admin API) and the S3 emulator', async () => {
    const cognito = await startCognito();
    const s3Port = await freePort();
    const s3 = await startS3Local(s3Port, mkdtempSync(join(tmpdir(), 'nps-s3-')), ['http://127.0.0.1']);
    try {
      const jwks = `/${cognito.pool.userPoolId}/.well-known/jwks.json`;
      for (const host of FOREIGN) {
        expect((await withHost(cognito.port, host, jwks)).status, host).toBe(421);
        expect((await withHost(s3Port, host, '/nps-uploads')).status, host).toBe(421);
      }
      expect((await withHost(cognito.port, `127.0.0.1:${cognito.port}`, jwks)).status).toBe(200);
      expect((await withHost(s3Port, `localhost:${s3Port}`, '/nps-uploads')).status).not.toBe(421);
    } finally {
      await Promise.all([cognito.stop(), s3.stop()]);
    }
  });
});

describe('oversized requests', () => {
  it('answers 413 to a 7 MB form post instead of resetting the connection, and stays up', async () => {
    const { port } = await serve(() => true);
    const big = `comment=${'x'.repeat(7 * 1024 * 1024)}`;
    const res = await fetch(`http://127.0.0.1:${port}/r/TOKEN/9`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});

describe('/health', () => {
  it('answers 200 when DynamoDB and the SES emulator are up', async () => {
    const { port } = await serve(() => sesEmulatorUp(stack.sesPort));
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers 503 when the SES emulator is down', async () => {
    const closed = await freePort();
    const { port } = await serve(() => sesEmulatorUp(closed));
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(503);
  });

  it('answers 503 when the table is missing', async () => {
    const { port } = await serve(() => true);
    await withEnv({ [ENV.tableName]: `missing-${stack.table}` }, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ ok: false, dynamodb: 'unreachable' });
    });
  });

  it('answers 503 within a few seconds when DynamoDB does not answer', async () => {
    const closed = await freePort();
    const port = await freePort();
    const started = Date.now();
    // A fresh handler whose DynamoDB client (made at its first request) points at a port nobody listens on.
    const res = await withEnv({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${closed}` }, async () => {
      vi.resetModules();
      const down = (await import('#functions/survey-http.ts')).handler as unknown as Handler;
      servers.push(await startHttp(port, down, () => true));
      return fetch(`http://127.0.0.1:${port}/health`);
    });
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
