/**
 * Retention against DynamoDB Local, with the real aggregator and event publisher behind the stream pollers:
 * a wave sent 30 months ago loses its recipients' and responses' personal data (and its contacts their
 * address), a young wave keeps everything, every counter stays exactly as it was, no event goes out, and a run
 * cut short resumes where it stopped.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetCommand, paginateScan, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEventBus, startLocalEventBus } from '#infra/local/event-bus.ts';
import { lambdaContext, loadHandler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { ENV } from '#infra/system.ts';
import { verifyAggregates } from '#shared/aggregation/recount.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { signLink } from '#shared/core/links.ts';
import { applyRetention, type RetentionReport } from '#shared/privacy/retention.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { contactKey, feedbackPartition, surveyedKey, waveKey } from '#shared/store/keys.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import { audienceCsv, pollStream, senderDeps, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let bus: LocalEventBus;
let eventsFile: string;
let pollers: StreamPoller[] = [];
let route: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
const problems: string[] = [];

const MONTH_MS = 30.5 * 86_400_000;
const LONG_AGO = new Date(Date.now() - 30 * MONTH_MS).toISOString();

const newWave = async (name: string, csv: string) =>
  (
    await createWave(
      stack,
      { name, kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() - 1000) },
      () => readAudience(Readable.from([csv]), `${name}.csv`),
      { skipInvalid: false, file: `${name}.csv` },
    )
  ).id;

const answer = async (waveId: string, email: string, score: number, body: string) => {
  const token = signLink(signingKeys, {
    purpose: 'r',
    waveId,
    contactId: contactIdOf(email),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  const path = `/r/${token}/${score}`;
  const result = (await route({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'survey.example.com', 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: {
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'test' },
    },
    body,
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent)) as Exclude<LambdaFunctionURLResult, string>;
  expect(result.statusCode).toBe(200);
};

const settled = async () => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the stream consumers did not settle within 30 s')), 30_000);
  });
  await Promise.race([Promise.all(pollers.map((p) => p.settled())), late]).finally(() => clearTimeout(timer));
};

/** Every counter item, by key (a test-only scan). */
const counters = async (): Promise<Record<string, unknown>> => {
  const all: Record<string, unknown> = {};
  const pages = paginateScan(
    { client: stack.ddb },
    {
      TableName: stack.table,
      FilterExpression: 'begins_with(pk, :agg)',
      ExpressionAttributeValues: { ':agg': 'AGG#' },
    },
  );
  for await (const page of pages)
    for (const item of page.Items ?? [])
      all[`${item.pk}|${item.sk}`] = JSON.stringify(item, (_, v) => (v instanceof Set ? [...v].sort() : v));
  return all;
};

const itemsOf = async (waveId: string, prefix: string) =>
  ({ Items: await allWaveItems(stack, waveId, { prefix: prefix, consistent: true }) }).Items ?? [];

const eventCount = () => {
  try {
    return readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

/**
 * Makes a sent wave look as if it was sent `at`, and its contacts last surveyed then, with their address and
 * waves on the contact record as an imported history leaves them (a send puts only a fatigue mark, no address).
 */
const age = async (waveId: string, emails: readonly string[], at: string) => {
  await stack.ddb.send(
    new UpdateCommand({
      TableName: stack.table,
      Key: waveKey(waveId),
      UpdateExpression: 'SET sendAt = :at, finishedAt = :at, createdAt = :at',
      ExpressionAttributeValues: { ':at': at },
    }),
  );
  for (const email of emails)
    await stack.ddb.send(
      new UpdateCommand({
        TableName: stack.table,
        Key: contactKey(contactIdOf(email)),
        UpdateExpression: 'SET lastSurveyedAt = :at, email = :email ADD waves :waves',
        ExpressionAttributeValues: { ':at': at, ':email': email, ':waves': new Set([waveId]) },
      }),
    );
};

let old: { id: string; emails: string[] };
let young: { id: string; emails: string[] };
let before: Record<string, unknown>;
let eventsBefore: number;
let report: RetentionReport;

beforeAll(async () => {
  stack = await useLocalStack();
  eventsFile = join(mkdtempSync(join(tmpdir(), 'nps-retention-')), 'events.jsonl');
  bus = await startLocalEventBus({ busName: 'nps-retention', file: eventsFile, log: () => undefined });
  process.env[ENV.eventBusName] = bus.busName;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  ({ route } = await import('#functions/survey-http.ts'));
  pollers = [
    await pollStream(stack, 'aggregateResponses', await loadHandler('aggregateResponses'), (m) =>
      problems.push(m),
    ),
    await pollStream(stack, 'publishEvents', await loadHandler('publishEvents'), (m) => problems.push(m)),
  ];
  const oldAudience = audienceCsv(3, 'old');
  const youngAudience = audienceCsv(2, 'young');
  old = { id: await newWave('old', oldAudience.csv), emails: oldAudience.emails };
  young = { id: await newWave('young', youngAudience.csv), emails: youngAudience.emails };
  expect((await sendDueWaves(senderDeps(stack))).sent).toBe(5);
  await answer(old.id, old.emails[0] as string, 3, 'score=3&reason=Old+complaint&improve=Old+wish');
  await answer(old.id, old.emails[1] as string, 10, 'score=10&referral=Old+friend&referralConsent=yes');
  await answer(young.id, young.emails[0] as string, 2, 'score=2&reason=Young+complaint');
  await settled();
  await age(old.id, old.emails, LONG_AGO);
  await settled();
  before = await counters();
  eventsBefore = eventCount();
  expect((await verifyAggregates(stack)).ok).toBe(true);
  // The scheduled function, as the ticker and EventBridge Scheduler run it (default period: 24 months).
  report = (await (
    await loadHandler('applyRetention')
  )({}, lambdaContext('applyRetention'))) as RetentionReport;
  await settled();
});

afterAll(async () => {
  for (const p of pollers) await p.stop();
  await bus?.stop();
});

describe('the retention period', () => {
  it('anonymises the old wave only, and says how much', () => {
    expect(report).toMatchObject({
      waves: [old.id],
      recipients: 3,
      responses: 2,
      contacts: 3,
      unfinished: false,
    });
  });

  it('takes address, name and segment properties from the old wave’s recipients, keeping what they count', async () => {
    const recipients = await itemsOf(old.id, 'RCPT#');
    expect(recipients).toHaveLength(3);
    for (const r of recipients) {
      expect(r).not.toHaveProperty('email');
      expect(r).not.toHaveProperty('name');
      expect(r).not.toHaveProperty('props');
      expect(r).toMatchObject({
        status: 'sent',
        sentDay: expect.any(String),
        anonymisedAt: expect.any(String),
      });
    }
  });

  it('takes the answers, clicks and times from the old wave’s responses, and their feedback index entries', async () => {
    const responses = await itemsOf(old.id, 'RESP#');
    expect(responses.map((r) => r.score).sort()).toEqual([10, 3]);
    for (const r of responses) {
      for (const gone of ['answers', 'clicks', 'history', 'respondedAt', 'gsi1pk', 'gsi1sk'])
        expect(r).not.toHaveProperty(gone);
      expect(r).toMatchObject({
        status: 'committed',
        day: expect.any(String),
        props: { region: expect.any(String) },
      });
    }
    const day = (responses[0] as { day: string }).day;
    const feedback = await stack.ddb.send(
      new QueryCommand({
        TableName: stack.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :d',
        ExpressionAttributeValues: { ':d': feedbackPartition(day) },
      }),
    );
    expect((feedback.Items ?? []).map((i) => i.waveId)).toEqual([young.id]);
  });

  it('takes the address from contacts last surveyed before the period, keeping when that was', async () => {
    for (const email of old.emails) {
      const contact = await stack.ddb.send(
        new GetCommand({ TableName: stack.table, Key: contactKey(contactIdOf(email)), ConsistentRead: true }),
      );
      expect(contact.Item).not.toHaveProperty('email');
      expect(contact.Item).not.toHaveProperty('waves');
      expect(contact.Item?.lastSurveyedAt).toBe(LONG_AGO);
    }
  });

  it('leaves the young wave and its people alone', async () => {
    const [recipient] = (await itemsOf(young.id, 'RCPT#')).filter((r) => r.email === young.emails[0]);
    expect(recipient).toMatchObject({ name: expect.any(String), props: { region: expect.any(String) } });
    const [response] = await itemsOf(young.id, 'RESP#');
    expect(response).toMatchObject({ answers: { reason: 'Young complaint' } });
    expect(response).not.toHaveProperty('anonymisedAt');
    // Their fatigue mark (a send's only contact write) is as the send left it.
    const mark = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: surveyedKey(contactIdOf(young.emails[0] as string)) }),
    );
    expect(mark.Item).toMatchObject({ waveId: young.id, lastSurveyedAt: expect.any(String) });
    expect(mark.Item).not.toHaveProperty('anonymisedAt');
  });

  it('leaves every counter exactly as it was, equal to a recount, and puts no event on the bus', async () => {
    expect(problems).toEqual([]);
    expect(await counters()).toEqual(before);
    expect((await verifyAggregates(stack)).differences).toEqual([]);
    expect(eventCount()).toBe(eventsBefore);
  });

  it('does nothing the second time', async () => {
    const again = await applyRetention({
      ...stack,
      now: new Date(),
      months: 24,
      linkValidityDays: 60,
      shouldStop: () => false,
    });
    expect(again).toMatchObject({ waves: [], recipients: 0, responses: 0, contacts: 0, unfinished: false });
  });

  it('resumes a run cut short where it stopped, and finishes the wave without redoing a page', async () => {
    const audience = audienceCsv(5, 'resume');
    const id = await newWave('resume', audience.csv);
    expect((await sendDueWaves(senderDeps(stack))).sent).toBe(5);
    await answer(id, audience.emails[4] as string, 8, 'score=8&reason=Fine');
    await settled();
    await age(id, audience.emails, LONG_AGO);
    const counted = await counters();
    const deps = { ...stack, now: new Date(), months: 24, linkValidityDays: 60, pageSize: 2 };
    const cursorOf = async () =>
      (
        await stack.ddb.send(
          new GetCommand({ TableName: stack.table, Key: waveKey(id), ConsistentRead: true }),
        )
      ).Item;
    // Two pages of recipients, then its time is up.
    let asked = 0;
    const first = await applyRetention({ ...deps, shouldStop: () => ++asked > 2 });
    expect(first).toMatchObject({ waves: [], recipients: 4, responses: 0, unfinished: true });
    // Still among the recipients (phase 0), at a shard of the wave.
    expect((await cursorOf())?.retentionCursor).toMatchObject({
      phase: 0,
      at: { shard: expect.any(Number) },
    });
    expect((await itemsOf(id, 'RCPT#')).filter((r) => r.anonymisedAt)).toHaveLength(4);
    // The last recipient, then stopped where the responses begin.
    asked = 0;
    const second = await applyRetention({ ...deps, shouldStop: () => ++asked > 1 });
    expect(second).toMatchObject({ waves: [], recipients: 1, responses: 0, unfinished: true });
    expect((await cursorOf())?.retentionCursor).toEqual({ phase: 1 }); // the responses, from their start
    const rest = await applyRetention({ ...deps, shouldStop: () => false });
    expect(rest).toMatchObject({ waves: [id], recipients: 0, responses: 1, unfinished: false });
    expect((await itemsOf(id, 'RCPT#')).filter((r) => r.email !== undefined)).toEqual([]);
    expect((await itemsOf(id, 'RESP#')).filter((r) => r.answers !== undefined)).toEqual([]);
    const finished = await cursorOf();
    expect(finished).not.toHaveProperty('retentionCursor');
    expect(finished?.anonymisedAt).toEqual(expect.any(String));
    await settled();
    expect(await counters()).toEqual(counted);
  });
});
