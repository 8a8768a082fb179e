import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DeliveredEvent, type LocalEventBus, startLocalEventBus } from '#infra/local/event-bus.ts';
import { loadHandler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { ENV } from '#infra/system.ts';
import { commitScore, RateLimitedError, recordClick, resolveScoreLink } from '#shared/answering/answering.ts';
import { RESPONSE_WRITE_ATTEMPTS, ResponseBusyError } from '#shared/answering/responses.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { signLink } from '#shared/core/links.ts';
import { announceChanges } from '#shared/events/publish.ts';
import type { ResponseDetailsEvent, SurveyEvent } from '#shared/events/response-events.ts';
import { contactKey, linkRateKey, responseKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import { t } from '#templates/index.ts';
import { audienceCsv, pollStream, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let route: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
let waveId: string;
let emails: string[];
let bus: LocalEventBus;
let eventsFile: string;
let publisher: StreamPoller;

beforeAll(async () => {
  stack = await useLocalStack();
  process.env.BURST_WINDOW_SECONDS = '30';
  eventsFile = join(mkdtempSync(join(tmpdir(), 'nps-events-')), 'events.jsonl');
  bus = await startLocalEventBus({ busName: 'nps-test', file: eventsFile, log: () => undefined });
  process.env[ENV.eventBusName] = bus.busName;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  ({ route } = await import('#functions/survey-http.ts'));
  // Events follow from the table's stream, through the publisher function, as `npm start` runs it.
  publisher = await pollStream(stack, 'publishEvents', await loadHandler('publishEvents'));
  const audience = audienceCsv(26);
  emails = audience.emails;
  const wave = await createWave(
    stack,
    { name: 'Answers', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date() },
    () => readAudience(Readable.from([audience.csv]), 'a.csv'),
    { skipInvalid: false, file: 'a.csv' },
  );
  waveId = wave.id;
});

afterAll(async () => {
  await publisher?.stop();
  await bus?.stop();
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

/** An ISO instant written by a request made from `since` until now. */
const expectInstantWithin = (iso: unknown, since: number) => {
  expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const at = Date.parse(iso as string);
  expect(at).toBeGreaterThanOrEqual(since);
  expect(at).toBeLessThanOrEqual(Date.now());
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

  it('counts the score the person changed to on the page, and refuses one off the scale', async () => {
    await request('GET', `/r/${token(23)}/3`);
    // Off the scale, or not written as the page writes scores: refused, nothing counted.
    for (const bad of ['11', '04', '-1', '4.0', 'x'])
      expect((await request('POST', `/r/${token(23)}/3`, `score=${bad}&reason=Oops`)).statusCode).toBe(400);
    expect((await response(23))?.status).not.toBe('committed');
    const res = await request('POST', `/r/${token(23)}/3`, 'score=8&reason=Tapped+3+by+mistake');
    expect(res.statusCode).toBe(200);
    expect(await response(23)).toMatchObject({
      status: 'committed',
      score: 8,
      category: 'passive',
      answers: { reason: 'Tapped 3 by mistake' },
    });
    // The thank-you page offers to change the answer again, on the chosen score's page.
    expect(res.body).toMatch(/<a href="\/r\/[A-Za-z0-9._-]+\/8">/);
  });

  it('keeps a 2,000-character answer in paragraphs, its CRLF line breaks counted as the textarea counts them', async () => {
    const paragraph = 'x'.repeat(399);
    const typed = Array.from({ length: 5 }, () => paragraph).join('\n'); // 5 × 399 + 4 = 1,999 characters
    const posted = new URLSearchParams({ score: '6', reason: typed.replaceAll('\n', '\r\n') }).toString();
    const res = await request('POST', `/r/${token(24)}/6`, posted);
    expect(res.statusCode).toBe(200);
    expect((await response(24))?.answers).toEqual({ reason: typed });
  });

  it('shows an over-long answer again, in the recipient’s language, with what they typed, and counts nothing', async () => {
    const typed = `Eerste alinea.\r\n\r\n${'y'.repeat(2100)}`;
    const posted = new URLSearchParams({
      score: '5',
      reason: typed,
      improve: 'Sneller & <beter>',
    }).toString();
    const res = await request('POST', `/r/${token(25)}/5`, posted, { 'accept-language': 'de-DE' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<html lang="nl"');
    expect(res.body).toContain(
      t('nl', 'page.answer.tooLong', { length: 2116, max: 2000 }).replaceAll("'", '&#39;'),
    );
    expect(res.body).toContain(`>Eerste alinea.\n\n${'y'.repeat(2100)}</textarea>`);
    expect(res.body).toContain('>Sneller &amp; &lt;beter&gt;</textarea>');
    expect(res.body).toMatch(/<textarea id="reason"[^>]*aria-invalid="true"/);
    expect(await response(25)).toBeUndefined();
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
    const posted = Date.now();
    const post = await request('POST', `/u/${token(7, 'u')}`, 'List-Unsubscribe=One-Click');
    expect(post.statusCode).toBe(200);
    expect(post.headers?.location).toBeUndefined();
    expectInstantWithin((await contact()).Item?.unsubscribedAt, posted);
    expect((await request('POST', `/u/${token(7, 'u')}`, 'List-Unsubscribe=One-Click')).statusCode).toBe(200);
  });

  it('indexes written feedback by day for the digest', async () => {
    // The day in the digest's time zone, worked out apart from the code (either side of a midnight).
    const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
    const days = [today()];
    expect((await request('POST', `/r/${token(20)}/5`, 'score=5&reason=Feedback+to+index')).statusCode).toBe(
      200,
    );
    days.push(today());
    const partition = (await response(20))?.gsi1pk;
    expect(days.map((d) => `FEEDBACK#${d}`)).toContain(partition);
    const out = await stack.ddb.send(
      new QueryCommand({
        TableName: stack.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :f',
        ExpressionAttributeValues: { ':f': partition },
      }),
    );
    const mine = (out.Items ?? []).filter((i) => i.contactId === contactIdOf(emails[20] as string));
    expect(mine.map((i) => i.answers?.reason)).toEqual(['Feedback to index']);
  });
});

/**
 * What reached the local bus for contact `i`, once the publisher has seen every change so far. A missing
 * events file fails: "no events for i" must not pass because the bus never received anything at all.
 */
const eventsOf = async (i: number): Promise<DeliveredEvent[]> => {
  await publisher.settled();
  const text = readFileSync(eventsFile, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DeliveredEvent)
    .filter((e) => (e.detail as SurveyEvent).data.contactId === contactIdOf(emails[i] as string));
};

const withEnv = async (vars: Record<string, string>, body: () => Promise<void>) => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

describe('the hidden trap link', () => {
  it('marks its link as automated: a score committed right after it is quarantined, not counted', async () => {
    const opened = Date.now();
    const trap = await request('GET', `/r/${token(8)}/trap`);
    expect(trap.statusCode).toBe(204);
    expect(trap.body).toBeUndefined();
    expect(await response(8)).toMatchObject({ status: 'quarantined' });
    expectInstantWithin((await response(8))?.automatedAt, opened);
    // The same scanner then "dwells" on one score page: still quarantined, and no event goes out.
    await request('GET', `/r/${token(8)}/10`);
    expect((await request('POST', `/r/${token(8)}/10/dwell`, 'score=10')).statusCode).toBe(204);
    expect(await response(8)).toMatchObject({ status: 'quarantined' });
    // A person's commit after it does reach the bus: the silence about the scanner is not a dead bus.
    await request('POST', `/r/${token(21)}/9`, 'score=9');
    expect((await eventsOf(21)).map((e) => e['detail-type'])).toContain('ResponseCommitted');
    expect(await eventsOf(8)).toEqual([]);
  });

  it('lets the person who answers after the automated moment replace it and count', async () => {
    await withEnv({ AUTOMATED_WINDOW_SECONDS: '1' }, async () => {
      await request('GET', `/r/${token(9)}/trap`);
      expect(await response(9)).toMatchObject({ status: 'quarantined' });
      // The clock moves past the one-second window (only Date: timers and I/O run as they do).
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 1_100 });
      try {
        await request('GET', `/r/${token(9)}/7`);
        await request('POST', `/r/${token(9)}/7`, 'score=7&reason=OK');
      } finally {
        vi.useRealTimers();
      }
      expect(await response(9)).toMatchObject({ status: 'committed', score: 7 });
    });
  });

  it('keeps a person’s committed score when a scanner opens the trap afterwards', async () => {
    await request('POST', `/r/${token(10)}/9`, 'score=9');
    const opened = Date.now();
    await request('GET', `/r/${token(10)}/trap`);
    expect(await response(10)).toMatchObject({ status: 'committed', score: 9 });
    expectInstantWithin((await response(10))?.automatedAt, opened);
  });

  it('records nothing for a forged trap link', async () => {
    expect((await request('GET', `/r/${token(11).slice(0, -3)}AAA/trap`)).statusCode).toBe(400);
    expect(await response(11)).toBeUndefined();
  });
});

describe('per-link rate limit', () => {
  it('answers 429 with a localized page once a link exceeds its requests per minute, other links unaffected', async () => {
    await withEnv({ LINK_REQUESTS_PER_MINUTE: '5' }, async () => {
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof request>> | undefined;
      for (let n = 0; n < 12; n++) {
        const res = await request('HEAD', `/r/${token(13)}/8`);
        statuses.push(res.statusCode as number);
        if (res.statusCode === 429) limited ??= await request('GET', `/r/${token(13)}/8`);
      }
      // 12 requests over at most two clock minutes: at most 10 admitted.
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(10);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
      expect(limited?.statusCode).toBe(429);
      expect(limited?.headers?.['retry-after']).toBe('60');
      expect(limited?.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(limited?.body).toContain('lang="nl"'); // contact 13 reads Dutch
      expect((await request('GET', `/r/${token(14)}/8`)).statusCode).toBe(200);
    });
  });
});

/** The survey handler's dependencies with a fixed clock (one rate-limit minute) and a given limit. */
const fixedDeps = (linkRequestsPerMinute: number) => {
  const now = new Date();
  return {
    ddb: stack.ddb,
    table: stack.table,
    keys: signingKeys,
    policy: { ...surveyPolicy(), linkRequestsPerMinute },
    timeZone: 'Europe/Amsterdam',
    now: () => now,
  };
};

/** The requests counted against contact `i`'s link in the minute of `at`. */
const requestsCounted = async (i: number, at: Date) =>
  (
    await stack.ddb.send(
      new GetCommand({
        TableName: stack.table,
        Key: linkRateKey(waveId, contactIdOf(emails[i] as string), Math.floor(at.getTime() / 60_000)),
        ConsistentRead: true,
      }),
    )
  ).Item?.requests;

describe('per-link rate limit, counted apart from the response write', () => {
  it('counts HEAD, clicks and commits against one budget; a refused request writes nothing', async () => {
    const deps = fixedDeps(3);
    await resolveScoreLink(deps, token(19), '9'); // HEAD: counted, nothing written
    await recordClick(deps, await resolveScoreLink(deps, token(19), '9')); // GET
    await commitScore(deps, await resolveScoreLink(deps, token(19), '9'), 'submit', { reason: 'Good' });
    const before = await response(19);
    expect(before).toMatchObject({ status: 'committed', score: 9, version: 2 });
    const refused = resolveScoreLink(deps, token(19), '10');
    await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refused).rejects.toMatchObject({ locale: 'nl' }); // contact 19 reads Dutch
    expect(await response(19)).toEqual(before);
    expect(await requestsCounted(19, deps.now())).toBe(3);
  });

  it('serialises simultaneous commits of one link: each counted once, each written or refused as busy', async () => {
    const deps = fixedDeps(60);
    const contexts = await Promise.all(
      Array.from({ length: 8 }, () => resolveScoreLink(deps, token(18), '9')),
    );
    // All eight read the link before any wrote: every write but one meets a conflict and retries.
    const results = await Promise.allSettled(
      contexts.map((c, i) => commitScore(deps, c, 'submit', { reason: `r${i}` })),
    );
    const written = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(refused.every((e) => e instanceof ResponseBusyError)).toBe(true);
    // A request refused as busy lost RESPONSE_WRITE_ATTEMPTS conflicts: as many writes of others won.
    expect(written.length).toBeGreaterThanOrEqual(refused.length ? RESPONSE_WRITE_ATTEMPTS : 8);
    expect(written.every((r) => r.status === 'committed' && r.score === 9)).toBe(true);
    const saved = await response(18);
    expect(saved).toMatchObject({ status: 'committed', score: 9, version: written.length });
    expect(saved?.history).toHaveLength(written.length - 1);
    expect(await requestsCounted(18, deps.now())).toBe(8);
  });
});

describe('events on the bus', () => {
  it('publishes nothing for a click, and ResponseCommitted + DetractorResponded when a detractor commits', async () => {
    await request('GET', `/r/${token(15)}/2`);
    // Another person's commit reaches the bus meanwhile: the click's silence is not a dead bus.
    await request('POST', `/r/${token(22)}/8`, 'score=8');
    expect((await eventsOf(22)).map((e) => e['detail-type'])).toContain('ResponseCommitted');
    expect(await eventsOf(15)).toEqual([]);
    await request('POST', `/r/${token(15)}/2`, 'score=2&reason=Broken+export&improve=Fix+it');
    const events = await eventsOf(15);
    expect(events.map((e) => e['detail-type']).sort()).toEqual([
      'DetractorResponded',
      'ResponseCommitted',
      'ResponseDetails',
    ]);
    for (const e of events) {
      expect(e.source).toBe('nps.surveys');
      expect(e.detail).toMatchObject({
        metadata: { type: e['detail-type'], version: 2, id: expect.stringContaining(waveId) },
        data: { waveId, kind: 'nps', score: 2, category: 'detractor', via: 'submit' },
      });
    }
    // Who they are and what they wrote travel in ResponseDetails only, which the bus never archives.
    const details = events.find((e) => e['detail-type'] === 'ResponseDetails');
    expect(details?.detail).toMatchObject({
      data: {
        email: emails[15],
        answers: { reason: 'Broken export', improve: 'Fix it' },
        props: { region: expect.any(String) },
      },
    });
    for (const e of events.filter((e) => e['detail-type'] !== 'ResponseDetails')) {
      expect(JSON.stringify(e.detail)).not.toContain(emails[15] as string);
      expect(JSON.stringify(e.detail)).not.toContain('Broken export');
      expect(e.detail).not.toHaveProperty('data.props');
    }
  });

  it('publishes a changed score with the previous one, and a referral consent once', async () => {
    await request('POST', `/r/${token(16)}/6/dwell`, 'score=6');
    await request('POST', `/r/${token(16)}/10`, 'score=10&referral=My+team&referralConsent=yes');
    await request('POST', `/r/${token(16)}/10`, 'score=10&referral=My+team&referralConsent=yes');
    const types = (await eventsOf(16)).map((e) => e['detail-type']);
    expect(types.filter((t) => t === 'ReferralConsentGiven')).toHaveLength(1);
    const changed = (await eventsOf(16)).find(
      (e) => e['detail-type'] === 'ResponseDetails' && (e.detail as ResponseDetailsEvent).data.score === 10,
    );
    expect(changed?.detail).toMatchObject({
      data: {
        previous: { score: 6, category: 'detractor' },
        answers: { referral: 'My team', referralConsent: true },
      },
    });
    // The unchanged second submit raised nothing new: one commit as 6, one change to 10.
    expect(types.filter((t) => t === 'ResponseCommitted')).toHaveLength(2);
  });

  it('saves the answer whatever the bus does; changes whose events it refused go back to the stream', async () => {
    const deps = fixedDeps(60);
    const saved = await commitScore(deps, await resolveScoreLink(deps, token(17), '3'), 'submit', {
      reason: 'Slow',
    });
    expect(await response(17)).toMatchObject({ status: 'committed', score: 3, via: 'submit' });
    const change = {
      pk: saved.pk,
      sk: saved.sk,
      oldImage: undefined,
      newImage: saved as unknown as Record<string, unknown>,
      expired: false,
      sequenceNumber: '42',
    };
    const refusing = { client: new EventBridgeClient({}), busName: 'no-such-bus' };
    expect(await announceChanges({ ddb: stack.ddb, table: stack.table, events: refusing }, [change])).toEqual(
      {
        published: 0,
        failed: ['42'],
      },
    );
    // The stream's own delivery, to the bus that exists, announced the same change.
    const events = await eventsOf(17);
    expect(events.map((e) => e['detail-type']).sort()).toEqual([
      'DetractorResponded',
      'ResponseCommitted',
      'ResponseDetails',
    ]);
    expect(events.find((e) => e['detail-type'] === 'ResponseDetails')?.detail).toMatchObject({
      data: { email: emails[17], score: 3, answers: { reason: 'Slow' } },
    });
  });
});
