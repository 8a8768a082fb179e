import { Readable } from 'node:stream';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAudience } from '#shared/audience.ts';
import { contactIdOf } from '#shared/contacts.ts';
import { contactKey, responseKey } from '#shared/keys.ts';
import { signLink } from '#shared/links.ts';
import { createWave } from '#shared/waves.ts';
import { audienceCsv, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let route: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
let waveId: string;
let emails: string[];

beforeAll(async () => {
  stack = await useLocalStack();
  process.env.BURST_WINDOW_SECONDS = '30';
  ({ route } = await import('#functions/survey-http.ts'));
  const audience = audienceCsv(12);
  emails = audience.emails;
  const wave = await createWave(
    stack,
    { name: 'Answers', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date() },
    () => readAudience(Readable.from([audience.csv]), 'a.csv'),
    { skipInvalid: false, file: 'a.csv' },
  );
  waveId = wave.id;
});

const token = (i: number, purpose: 'r' | 'u' = 'r', expiresAt = Date.now() / 1000 + 3600) =>
  signLink(signingKeys, {
    purpose,
    waveId,
    contactId: contactIdOf(emails[i] as string),
    expiresAt: Math.floor(expiresAt),
  });

const request = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
  const result = (await route({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'survey.example.com',
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...headers,
    },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'test' },
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent)) as Exclude<LambdaFunctionURLResult, string>;
  return result;
};

const response = async (i: number) =>
  (
    await stack.ddb.send(
      new GetCommand({
        TableName: stack.table,
        Key: responseKey(waveId, contactIdOf(emails[i] as string)),
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('answering a survey', () => {
  it('shows a thank-you page with a follow-up form on GET, and counts nothing', async () => {
    const res = await request('GET', `/r/${token(0)}/3`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<form[^>]+method="post"/i);
    expect(res.body).toMatch(/<textarea/);
    expect(res.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers?.['referrer-policy']).toBe('no-referrer');
    expect(await response(0)).toMatchObject({ status: 'pending', clicks: [{ score: 3 }] });
  });

  it('counts nothing for HEAD or a prefetch', async () => {
    expect((await request('HEAD', `/r/${token(1)}/9`)).statusCode).toBe(200);
    expect(
      (await request('GET', `/r/${token(1)}/9`, undefined, { 'sec-purpose': 'prefetch' })).statusCode,
    ).toBe(200);
    expect(await response(1)).toBeUndefined();
  });

  it('counts the score when the person submits the follow-up form, with the answers', async () => {
    await request('GET', `/r/${token(2)}/4`);
    const res = await request('POST', `/r/${token(2)}/4`, 'score=4&reason=Too+slow&improve=Faster+support');
    expect(res.statusCode).toBe(200);
    expect(await response(2)).toMatchObject({
      status: 'committed',
      score: 4,
      category: 'detractor',
      answers: { reason: 'Too slow', improve: 'Faster support' },
    });
  });

  it('counts the score after a dwell beacon, and a later click replaces it keeping history', async () => {
    await request('GET', `/r/${token(3)}/8`);
    expect((await request('POST', `/r/${token(3)}/8/dwell`, 'score=8')).statusCode).toBe(204);
    expect(await response(3)).toMatchObject({ status: 'committed', score: 8 });
    await request('GET', `/r/${token(3)}/9`);
    await request('POST', `/r/${token(3)}/9`, 'referral=My+team&referralConsent=yes&recommendFrequency=2-5');
    const r = await response(3);
    expect(r).toMatchObject({
      status: 'committed',
      score: 9,
      category: 'promoter',
      answers: { referralConsent: true },
    });
    expect(r?.history).toEqual([expect.objectContaining({ score: 8 })]);
  });

  it('quarantines a burst of different scores from one link and counts none of them', async () => {
    for (const s of [0, 5, 10, 7]) await request('GET', `/r/${token(4)}/${s}`);
    await request('POST', `/r/${token(4)}/10/dwell`, 'score=10');
    expect(await response(4)).toMatchObject({ status: 'quarantined' });
  });

  it.each([
    ['forged', () => `${token(5).slice(0, -4)}AAAA`, 400],
    ['expired', () => token(5, 'r', Date.now() / 1000 - 10), 410],
    ['for unsubscribing', () => token(5, 'u'), 400],
  ])('answers a %s link with a friendly 4xx page and records nothing', async (_, make, status) => {
    const t = make();
    const get = await request('GET', `/r/${t}/9`);
    expect(get.statusCode).toBe(status);
    expect(get.body).toMatch(/<html/);
    expect((await request('POST', `/r/${t}/9`, 'reason=x')).statusCode).toBe(status);
    expect(await response(5)).toBeUndefined();
  });

  it('rejects a score off the scale', async () => {
    expect((await request('GET', `/r/${token(6)}/11`)).statusCode).toBe(400);
    expect(await response(6)).toBeUndefined();
  });

  it('unsubscribes with a one-click POST (200, no redirect) and only asks on GET', async () => {
    const contact = () =>
      stack.ddb.send(
        new GetCommand({
          TableName: stack.table,
          Key: contactKey(contactIdOf(emails[7] as string)),
          ConsistentRead: true,
        }),
      );
    const ask = await request('GET', `/u/${token(7, 'u')}`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toMatch(/<form[^>]+method="post"/i);
    expect((await contact()).Item?.unsubscribedAt).toBeUndefined();
    const post = await request('POST', `/u/${token(7, 'u')}`, 'List-Unsubscribe=One-Click');
    expect(post.statusCode).toBe(200);
    expect(post.headers?.location).toBeUndefined();
    expect((await contact()).Item?.unsubscribedAt).toBeTruthy();
    expect((await request('POST', `/u/${token(7, 'u')}`, 'List-Unsubscribe=One-Click')).statusCode).toBe(200);
  });

  it('indexes written feedback by day for the digest', async () => {
    const out = await stack.ddb.send(
      new QueryCommand({
        TableName: stack.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'begins_with(gsi1pk, :f)',
        ExpressionAttributeValues: { ':f': 'FEEDBACK#' },
      }).input.KeyConditionExpression
        ? new QueryCommand({
            TableName: stack.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :f',
            ExpressionAttributeValues: { ':f': (await response(2))?.gsi1pk },
          })
        : (undefined as never),
    );
    expect((out.Items ?? []).map((i) => i.answers?.reason)).toContain('Too slow');
  });
});
