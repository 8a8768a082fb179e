/**
 * The real `npm start` attacked from outside, over HTTP: what it listens on, tokens whose key id names what
 * every object inherits, 200 simultaneous requests on one link (then `nps aggregates verify`), the one-click
 * unsubscribe on that hammered link, and the requests the endpoint refuses. One stack for the file.
 */

import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE } from '#infra/system.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { contactKey, responseKey } from '#shared/store/keys.ts';
import { t } from '#templates/index.ts';
import { loopbackOnly } from '../support/listening.ts';
import { nps, npsJson, type RunningStack, startStackProcess } from '../support/local-process.ts';
import { inbox, linksOf, type StoredEmail } from '../support/stack.ts';

let stack: RunningStack;
let ddb: DynamoDBDocumentClient;
let waveId: string;
const HAMMERED = 'hammered@example.com';
const NAMED = 'obrien@example.com';
const mail = new Map<string, StoredEmail>();

beforeAll(async () => {
  stack = await startStackProcess();
  // Reads only: what the answers left in the table.
  ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${stack.env.DDB_PORT}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const file = join(stack.env.NPS_STATE_DIR as string, 'hostile.csv');
  writeFileSync(
    file,
    ['email,name,locale', `${HAMMERED},Hanna,nl`, `${NAMED},O'Brien&Sons Ltd,en`].join('\n'),
  );
  waveId = (
    await npsJson<{ id: string }>(
      stack.env,
      'wave',
      'create',
      '--name',
      'Hostile',
      '--audience',
      file,
      '--now',
    )
  ).id;
  const emails = await stack.waitFor('both survey emails', async () => {
    const m = await inbox(stack.sesUrl, [HAMMERED, NAMED]);
    return m.length === 2 ? m : undefined;
  });
  for (const e of emails) mail.set(e.destination.to[0] as string, e);
});

afterAll(async () => {
  ddb?.destroy();
  expect(await stack?.stop()).toBe(0);
});

const item = async (key: Record<string, string>) =>
  (await ddb.send(new GetCommand({ TableName: TABLE.name, Key: key, ConsistentRead: true }))).Item;

const local = (url: string) => url.replace(/^http:\/\/localhost:\d+/, stack.appUrl);
const linkTo = (address: string, tail: RegExp) => {
  const link = linksOf(mail.get(address) as StoredEmail).find((l) => tail.test(l));
  if (!link) throw new Error(`no link ${tail} in the email to ${address}`);
  return local(link);
};
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('what npm start listens on', () => {
  it('the survey app, the SES emulator with its inbox, and DynamoDB Local: 127.0.0.1 only', async () => {
    for (const variable of ['PORT', 'SES_PORT', 'DDB_PORT'])
      expect(loopbackOnly(Number(stack.env[variable])), variable).toBe(true);
    expect((await fetch(`${stack.appUrl}/health`)).status).toBe(200);
  });
});

describe('a token whose key id is a name every object inherits', () => {
  it('gets the friendly 400 page on /r/ and /u/, and nothing is logged as an error', async () => {
    const expiry = (Math.floor(Date.now() / 1000) + 3600).toString(36);
    for (const kid of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      for (const purpose of ['r', 'u'] as const) {
        const body = [kid, purpose, waveId, contactIdOf(HAMMERED), expiry].join('.');
        const mac = createHmac('sha256', 'x'.repeat(40))
          .update(body)
          .digest()
          .subarray(0, 16)
          .toString('base64url');
        const path = purpose === 'r' ? `/r/${body}.${mac}/9` : `/u/${body}.${mac}`;
        const res = await fetch(`${stack.appUrl}${path}`, { headers: { 'accept-language': 'de' } });
        expect(res.status, `${kid} ${purpose}`).toBe(400);
        expect(await res.text()).toContain(t('de', 'page.error.invalid.title'));
      }
    }
    expect(stack.output()).not.toMatch(/"level":"ERROR"/);
  });
});

describe('200 simultaneous requests on one link, then the unsubscribe', () => {
  it('give no 5xx, some 429 with Retry-After, and the aggregates still equal a recount', async () => {
    const links = Array.from({ length: 11 }, (_, s) => linkTo(HAMMERED, new RegExp(`/r/[^/]+/${s}$`)));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, n) => {
        const link = links[n % 11] as string;
        if (n % 4 === 0) return fetch(link, { method: 'POST', headers: FORM, body: `reason=r${n}` });
        if (n % 4 === 1) return fetch(`${link}/dwell`, { method: 'POST', headers: FORM, body: 'score=1' });
        return fetch(link);
      }),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) expect(r.headers.get('retry-after')).toBe('60');
    await Promise.all(results.map((r) => r.arrayBuffer()));

    const verified = await stack.waitFor('aggregates that equal a recount', async () => {
      const run = await nps(stack.env, 'aggregates', 'verify', '--json');
      return run.code === 0 ? (JSON.parse(run.stdout) as { ok: boolean; responses: number }) : undefined;
    });
    expect(verified.ok).toBe(true);
    expect(verified.responses).toBeGreaterThanOrEqual(1);
  });

  it('leaves the one-click unsubscribe working: RFC 8058 POST → 200, contact unsubscribed', async () => {
    const score = linkTo(HAMMERED, /\/r\/[^/]+\/9$/);
    let status = 0;
    for (let n = 0; n < 70 && status !== 429; n++) {
      const res = await fetch(score, { method: 'HEAD' });
      status = res.status;
    }
    expect(status).toBe(429);
    const unsubscribe = linkTo(HAMMERED, /\/u\/[^/]+$/);
    expect((await fetch(unsubscribe)).status).toBe(200);
    const post = await fetch(unsubscribe, {
      method: 'POST',
      headers: FORM,
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(post.status).toBe(200);
    expect((await item(contactKey(contactIdOf(HAMMERED))))?.unsubscribedAt).toEqual(expect.any(String));
  });
});

describe('requests the endpoint refuses, over HTTP', () => {
  it('a non-canonical score (4xx), a JSON body (415), a method it does not take (405 with Allow)', async () => {
    const seven = linkTo(NAMED, /\/r\/[^/]+\/7$/);
    expect((await fetch(seven.replace(/\/7$/, '/07'))).status).toBe(400);
    const json = await fetch(seven, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"reason":"x"}',
    });
    expect(json.status).toBe(415);
    const put = await fetch(seven, { method: 'PUT', headers: FORM, body: 'reason=x' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await item(responseKey(waveId, contactIdOf(NAMED)))).toBeUndefined();
  });

  it('shows a name as written in the plain-text part of the email', () => {
    const text = mail.get(NAMED)?.body.text ?? '';
    // The greeting uses the first name, with its ampersand and apostrophe as written.
    expect(text).toContain("Hi O'Brien&Sons,");
    expect(text).not.toContain('&amp;');
  });
});
