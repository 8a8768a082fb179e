/**
 * The survey endpoint under attack, against DynamoDB Local: tokens whose key id names what every object
 * inherits, 200 simultaneous requests on one link, the unsubscribe after a hammered score link,
 * non-canonical scores, bodies the form cannot read, methods it does not take, and our own failures.
 * Nothing a caller sends may give a 5xx; a 500 that is ours says "try again later" in the reader's language.
 */
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadHandler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { ENV } from '#infra/system.ts';
import { verifyAggregates } from '#shared/aggregation/recount.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { signLink } from '#shared/core/links.ts';
import { contactKey, linkRateKey, responseKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import { t } from '#templates/index.ts';
import { audienceCsv, pollStream, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let route: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
let aggregator: StreamPoller;
let waveId: string;
let emails: string[];

beforeAll(async () => {
  stack = await useLocalStack();
  ({ route } = await import('#functions/survey-http.ts'));
  // The aggregator reads the table's stream from its start, as `npm start` runs it.
  aggregator = await pollStream(stack, 'aggregateResponses', await loadHandler('aggregateResponses'));
  const audience = audienceCsv(12); // odd lines read Dutch
  emails = audience.emails;
  const wave = await createWave(
    stack,
    { name: 'Hostile', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date() },
    () => readAudience(Readable.from([audience.csv]), 'a.csv'),
    { skipInvalid: false, file: 'a.csv' },
  );
  waveId = wave.id;
});

afterAll(async () => {
  await aggregator?.stop();
});

const contactOf = (i: number) => contactIdOf(emails[i] as string);

const token = (i: number, purpose: 'r' | 'u' = 'r') =>
  signLink(signingKeys, {
    purpose,
    waveId,
    contactId: contactOf(i),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });

type Result = Exclude<LambdaFunctionURLResult, string>;

const FORM = 'application/x-www-form-urlencoded';

const request = async (
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Result> =>
  (await route({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'survey.example.com',
      ...(body !== undefined ? { 'content-type': FORM } : {}),
      ...headers,
    },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'test' },
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent)) as Result;

const response = async (i: number) =>
  (
    await stack.ddb.send(
      new GetCommand({
        TableName: stack.table,
        Key: responseKey(waveId, contactOf(i)),
        ConsistentRead: true,
      }),
    )
  ).Item;

const withEnv = async <T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

/** Everything the process writes to stdout and stderr while `body` runs (the Powertools logger's JSON lines). */
const output = async (body: () => Promise<void>): Promise<string> => {
  let text = '';
  const capture = (chunk: unknown) => {
    text += String(chunk);
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await body();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return text;
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a token whose key id is a name every object inherits', () => {
  /** A well-formed token for contact 0 "signed" with key id `kid`: no such key is configured. */
  const hostile = (kid: string, purpose: 'r' | 'u') => {
    const body = [
      kid,
      purpose,
      waveId,
      contactOf(0),
      (Math.floor(Date.now() / 1000) + 3600).toString(36),
    ].join('.');
    const mac = createHmac('sha256', 'x'.repeat(40))
      .update(body)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    return `${body}.${mac}`;
  };

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'answers "%s" with the friendly 400 page on the score and unsubscribe links, logging no error',
    async (kid) => {
      const logged = await output(async () => {
        for (const [method, path, body] of [
          ['GET', `/r/${hostile(kid, 'r')}/9`, undefined],
          ['POST', `/r/${hostile(kid, 'r')}/9`, 'reason=x'],
          ['GET', `/u/${hostile(kid, 'u')}`, undefined],
          ['POST', `/u/${hostile(kid, 'u')}`, 'List-Unsubscribe=One-Click'],
        ] as const) {
          const res = await request(method, path, body, { 'accept-language': 'sv' });
          expect(res.statusCode, `${method} ${path}`).toBe(400);
          expect(res.body).toContain('<html lang="sv">');
          expect(res.body).toContain(t('sv', 'page.error.invalid.title'));
        }
      });
      expect(logged).not.toMatch(/"level":"ERROR"/);
      expect(await response(0)).toBeUndefined();
    },
  );
});

describe('200 simultaneous requests on one link', () => {
  it('give no 5xx, some 429 with Retry-After, and leave the aggregates equal to a recount', async () => {
    const link = token(1);
    // A scanner and a person at once: score pages opened, follow-up forms posted, dwell beacons.
    const requests = Array.from({ length: 200 }, (_, n) => {
      const score = n % 11;
      if (n % 4 === 0) return request('POST', `/r/${link}/${score}`, `score=${score}&reason=r${n}`);
      if (n % 4 === 1) return request('POST', `/r/${link}/${score}/dwell`, `score=${score}`);
      return request('GET', `/r/${link}/${score}`);
    });
    const results = await Promise.all(requests);
    const statuses = results.map((r) => r.statusCode as number);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const limited = results.filter((r) => r.statusCode === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) {
      expect(r.headers?.['retry-after']).toBe('60');
      expect(r.body).toContain('<html lang="nl">'); // contact 1 reads Dutch
    }
    // The budget is 60 a minute: the 200 arrive within at most two minutes, so at most 120 got through.
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(120);
    expect(statuses.filter((s) => s === 200 || s === 204).length).toBeGreaterThan(0);

    await aggregator.settled();
    const verification = await verifyAggregates(stack);
    expect(verification.differences).toEqual([]);
    expect(verification.ok).toBe(true);
    expect(verification.responses).toBeGreaterThanOrEqual(1);
  });
});

describe('the one-click unsubscribe after the score link was hammered', () => {
  it('has its own budget: the RFC 8058 POST unsubscribes with 200 while the score link answers 429', async () => {
    await withEnv({ LINK_REQUESTS_PER_MINUTE: '5' }, async () => {
      const score = `/r/${token(2)}/9`;
      let hammered = 0;
      for (let n = 0; n < 12 && hammered < 2; n++) {
        if ((await request('GET', score)).statusCode === 429) hammered++;
      }
      expect(hammered).toBe(2);
      const confirm = await request('GET', `/u/${token(2, 'u')}`);
      expect(confirm.statusCode).toBe(200);
      const post = await request('POST', `/u/${token(2, 'u')}`, 'List-Unsubscribe=One-Click');
      expect(post.statusCode).toBe(200);
      expect(post.headers?.location).toBeUndefined();
      expect((await request('GET', score)).statusCode).toBe(429);
    });
    const contact = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: contactKey(contactOf(2)), ConsistentRead: true }),
    );
    expect(contact.Item?.unsubscribedAt).toEqual(expect.any(String));
  });

  it('takes the multipart body RFC 8058 recommends', async () => {
    const boundary = 'x-boundary-42';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const post = await request('POST', `/u/${token(3, 'u')}`, body, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    expect(post.statusCode).toBe(200);
    const contact = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: contactKey(contactOf(3)), ConsistentRead: true }),
    );
    expect(contact.Item?.unsubscribedAt).toEqual(expect.any(String));
  });
});

describe('scores as written on the email only', () => {
  it.each(['07', '00', '010', '+7', '7.0', '%207', '7%20', '-0'])(
    'answers /r/…/%s with a 4xx page and records nothing',
    async (raw) => {
      for (const method of ['GET', 'POST']) {
        const res = await request(
          method,
          `/r/${token(4)}/${raw}`,
          method === 'POST' ? 'reason=x' : undefined,
        );
        expect(res.statusCode, `${method} ${raw}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${method} ${raw}`).toBeLessThan(500);
        expect(res.body).toMatch(/<html/);
      }
      expect(await response(4)).toBeUndefined();
      const counted = await stack.ddb.send(
        new GetCommand({
          TableName: stack.table,
          Key: linkRateKey(waveId, contactOf(4), Math.floor(Date.now() / 60_000)),
          ConsistentRead: true,
        }),
      );
      expect(counted.Item).toBeUndefined();
    },
  );

  it('takes 0 and 10 as they are written', async () => {
    expect((await request('GET', `/r/${token(4)}/0`)).statusCode).toBe(200);
    expect((await request('GET', `/r/${token(4)}/10`)).statusCode).toBe(200);
    expect((await response(4))?.clicks.map((c: { score: number }) => c.score)).toEqual([0, 10]);
  });
});

describe('bodies the follow-up form cannot read', () => {
  it.each([
    ['JSON', 'application/json', '{"score":4,"reason":"Too slow"}'],
    [
      'multipart',
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="reason"\r\n\r\nToo slow\r\n--b--\r\n',
    ],
    ['plain text', 'text/plain', 'reason=Too slow'],
  ])('refuses a %s body with 415 and commits nothing', async (_, type, body) => {
    for (const path of [`/r/${token(5)}/4`, `/r/${token(5)}/4/dwell`]) {
      const res = await request('POST', path, body, { 'content-type': type });
      expect(res.statusCode, path).toBe(415);
    }
    expect(await response(5)).toBeUndefined();
  });

  it('still takes the form, with a charset', async () => {
    const res = await request('POST', `/r/${token(5)}/4`, 'reason=Too+slow', {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    expect(res.statusCode).toBe(200);
    expect(await response(5)).toMatchObject({
      status: 'committed',
      score: 4,
      answers: { reason: 'Too slow' },
    });
  });
});

describe('methods a route does not take', () => {
  it.each([
    ['PUT', 'a score link', () => `/r/${token(6)}/9`, 'GET, HEAD, POST'],
    ['DELETE', 'a score link', () => `/r/${token(6)}/9`, 'GET, HEAD, POST'],
    ['GET', 'a dwell beacon', () => `/r/${token(6)}/9/dwell`, 'POST'],
    ['POST', 'the trap link', () => `/r/${token(6)}/trap`, 'GET, HEAD'],
    ['PATCH', 'an unsubscribe link', () => `/u/${token(6, 'u')}`, 'GET, HEAD, POST'],
    ['POST', '/health', () => '/health', 'GET, HEAD'],
    ['DELETE', 'the stylesheet', () => '/assets/page.css', 'GET, HEAD'],
  ])('answer %s of %s with 405 and the methods it takes in Allow', async (method, _, path, allow) => {
    const res = await request(method, path());
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe(allow);
    expect(await response(6)).toBeUndefined();
  });
});

describe('our own failures', () => {
  it('say "try again later" in the recipient’s language once the recipient is known', async () => {
    // A response item the code cannot read (its clicks are not a list): the failure is ours, not the link's.
    await stack.ddb.send(
      new PutCommand({
        TableName: stack.table,
        Item: {
          ...responseKey(waveId, contactOf(7)),
          waveId,
          contactId: contactOf(7),
          clicks: 5,
          version: 1,
        },
      }),
    );
    const res = await output(async () => {
      const got = await request('GET', `/r/${token(7)}/9`, undefined, { 'accept-language': 'de' });
      expect(got.statusCode).toBe(500);
      expect(got.body).toContain('<html lang="nl">'); // contact 7 reads Dutch
      expect(got.body).toContain(t('nl', 'page.error.unavailable.title'));
      expect(got.body).toContain(t('nl', 'page.error.unavailable.body'));
      expect(got.body).not.toContain(t('nl', 'page.error.invalid.title'));
    });
    expect(res).toMatch(/"level":"ERROR"/);
  });

  it('say it in the browser’s language when the recipient cannot be read', async () => {
    await withEnv({ [ENV.tableName]: `missing-${waveId}` }, async () => {
      await output(async () => {
        const got = await request('GET', `/r/${token(8)}/9`, undefined, {
          'accept-language': 'de-AT,de;q=0.9',
        });
        expect(got.statusCode).toBe(500);
        expect(got.body).toContain('<html lang="de">');
        expect(got.body).toContain(t('de', 'page.error.unavailable.title'));
      });
    });
  });
});
