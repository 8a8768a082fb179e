/**
 * The link-signing keys as a warm Lambda container reads them: from Secrets Manager (a loopback stand-in that
 * speaks its JSON protocol), re-read once the max age has passed, so a key added to the secret is used
 * without a cold start.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIGNING_KEYS_MAX_AGE_SECONDS, signingKeys } from '#functions/commons/runtime.ts';
import { ENV } from '#shared/core/env.ts';
import { parseSigningKeys } from '#shared/core/links.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:link-keys-AbCdEf';
const K1 = { k1: 'a'.repeat(64) };
const K2 = { k1: 'a'.repeat(64), k2: 'b'.repeat(64) };

let secret: string | undefined = JSON.stringify(K1);
let reads = 0;
let server: Server;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      reads++;
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || secret === undefined) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'down' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN, Name: 'link-keys', SecretString: secret, VersionId: `v${reads}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    [ENV.linkSecretArn]: ARN,
  });
  vi.useFakeTimers({ toFake: ['Date'] });
});

afterAll(async () => {
  vi.useRealTimers();
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
});

describe('the link-signing keys in a warm container', () => {
  it('reads the secret once, and again only after the max age: a key added to it is then in use', async () => {
    expect(await signingKeys()).toEqual(parseSigningKeys(JSON.stringify(K1)));
    secret = JSON.stringify(K2);
    vi.setSystemTime(Date.now() + (SIGNING_KEYS_MAX_AGE_SECONDS - 5) * 1000);
    expect(await signingKeys()).toEqual(parseSigningKeys(JSON.stringify(K1)));
    expect(reads).toBe(1);

    vi.setSystemTime(Date.now() + 10_000);
    expect(await signingKeys()).toEqual(parseSigningKeys(JSON.stringify(K2)));
    expect(reads).toBe(2);
  });

  it('keeps signing with the keys it has when Secrets Manager cannot be read', async () => {
    secret = undefined;
    vi.setSystemTime(Date.now() + (SIGNING_KEYS_MAX_AGE_SECONDS + 1) * 1000);
    let logged = '';
    const capture = (chunk: unknown) => {
      logged += String(chunk);
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      expect(await signingKeys()).toEqual(parseSigningKeys(JSON.stringify(K2)));
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(reads).toBe(3);
    expect(logged).toMatch(/"level":"ERROR","message":"Could not re-read the link-signing keys/);
  });
});
