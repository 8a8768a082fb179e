/**
 * The grants of infra/system.ts against what the code really does: every function runs its real work against
 * DynamoDB Local (survey pages, a recurring wave's send, the stream consumers, the digest, an SES bounce,
 * retention), and every DynamoDB call it makes is recorded from the client's own middleware stack (nothing is
 * stubbed) with its action and partition keys. Each call must fall within the function's declared access:
 * a grant too narrow would fail in AWS with AccessDenied, and this finds it here first.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '#functions/commons/runtime.ts';
import { type LocalEventBus, startLocalEventBus } from '#infra/local/event-bus.ts';
import { type Handler, lambdaContext, loadHandler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { ENV, FUNCTIONS, type FunctionName } from '#infra/system.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { signLink } from '#shared/core/links.ts';
import { subscribeReader } from '#shared/reporting/readers.ts';
import { contactKey, waveKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import { type Touch as CallTouch, refusal, touchesOf } from '../support/grants.ts';
import { audienceCsv, pollStream, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let bus: LocalEventBus;
let pollers: StreamPoller[] = [];
const running = new AsyncLocalStorage<FunctionName>();

/** One DynamoDB call of a function: the action IAM authorises and the partitions (or index) it touches. */
type Touch = CallTouch & { fn: FunctionName };
const touches: Touch[] = [];

/** The handler of a FUNCTIONS entry, run so that its DynamoDB calls are recorded as its own. */
const as = async (name: FunctionName): Promise<Handler> => {
  const handler = await loadHandler(name);
  return (event, context) => running.run(name, () => handler(event, context));
};
const invoke = async (name: FunctionName, event: unknown = {}) =>
  (await as(name))(event, lambdaContext(name));

const settled = async () => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the stream consumers did not settle within 30 s')), 30_000);
  });
  await Promise.race([Promise.all(pollers.map((p) => p.settled())), late]).finally(() => clearTimeout(timer));
};

const httpEvent = (method: string, path: string, body?: string) =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'survey.example.com',
      ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'test' },
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  }) as unknown as LambdaFunctionURLEvent;

beforeAll(async () => {
  stack = await useLocalStack();
  bus = await startLocalEventBus({
    busName: 'nps-grants',
    file: join(mkdtempSync(join(tmpdir(), 'nps-grants-')), 'events.jsonl'),
    log: () => undefined,
  });
  process.env[ENV.eventBusName] = bus.busName;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  awsClients().ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const fn = running.getStore();
      if (fn) {
        for (const t of touchesOf(String(context.commandName), args.input as Record<string, unknown>))
          touches.push({ fn, ...t });
      }
      return next(args);
    },
    { step: 'build', name: 'recordGrantUse' },
  );
  pollers = [
    await pollStream(stack, 'aggregateResponses', await as('aggregateResponses')),
    await pollStream(stack, 'publishEvents', await as('publishEvents')),
  ];

  // A recurring wave, sent by the scheduled sender (which also schedules its next occurrence).
  const { csv, emails } = audienceCsv(3, 'grants');
  const wave = await createWave(
    stack,
    {
      name: 'Grants',
      kind: 'nps',
      locale: 'en',
      product: 'Acme',
      sendAt: new Date(Date.now() - 1000),
      every: 'P30D',
    },
    () => readAudience(Readable.from([csv]), 'grants.csv'),
    { skipInvalid: false, file: 'grants.csv' },
  );
  await invoke('sendDueWaves');
  // The survey pages: health, a score page, a submit with answers, the trap link, a one-click unsubscribe.
  const link = (purpose: 'r' | 'u', i: number) =>
    signLink(signingKeys, {
      purpose,
      waveId: wave.id,
      contactId: contactIdOf(emails[i] as string),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  const survey = await as('surveyHttp');
  const ctx = lambdaContext('surveyHttp');
  await survey(httpEvent('GET', '/health'), ctx);
  await survey(httpEvent('GET', `/r/${link('r', 0)}/3`), ctx);
  await survey(httpEvent('POST', `/r/${link('r', 0)}/3`, 'score=3&reason=Slow'), ctx);
  await survey(httpEvent('GET', `/r/${link('r', 1)}/trap`), ctx);
  await survey(httpEvent('POST', `/u/${link('u', 2)}`, 'List-Unsubscribe=One-Click'), ctx);
  await settled();
  // The digest to a reader, an SES bounce, and retention over the wave made old.
  await subscribeReader(stack, 'ceo@example.com', 'en');
  await invoke('sendDigest');
  await invoke('sesEvents', {
    source: 'aws.ses',
    'detail-type': 'Email Bounced',
    time: new Date().toISOString(),
    detail: {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: emails[1] }] },
    },
  });
  const longAgo = new Date(Date.now() - 30 * 31 * 86_400_000).toISOString();
  await stack.ddb.send(
    new UpdateCommand({
      TableName: stack.table,
      Key: waveKey(wave.id),
      UpdateExpression: 'SET sendAt = :at, finishedAt = :at',
      ExpressionAttributeValues: { ':at': longAgo },
    }),
  );
  await stack.ddb.send(
    new UpdateCommand({
      TableName: stack.table,
      Key: contactKey(contactIdOf(emails[0] as string)),
      UpdateExpression: 'SET lastSurveyedAt = :at',
      ExpressionAttributeValues: { ':at': longAgo },
    }),
  );
  await invoke('applyRetention');
  await settled();
});

afterAll(async () => {
  for (const p of pollers) await p.stop();
  await bus?.stop();
});

describe('the grants of infra/system.ts', () => {
  const pipeline: FunctionName[] = [
    'surveyHttp',
    'sendDueWaves',
    'aggregateResponses',
    'publishEvents',
    'sendDigest',
    'sesEvents',
    'applyRetention',
  ];

  it.each(pipeline)('%s made DynamoDB calls in this run (so the check below means something)', (name) => {
    expect(touches.filter((t) => t.fn === name).length).toBeGreaterThan(0);
  });

  it.each(pipeline)(
    '%s stays within its declared table access: every action, partition and index',
    (name) => {
      const refused = touches
        .filter((t) => t.fn === name)
        .map((t) => refusal(FUNCTIONS[name].table, t) && `${t.fn}: ${refusal(FUNCTIONS[name].table, t)}`)
        .filter((r): r is string => r !== undefined);
      expect([...new Set(refused)]).toEqual([]);
    },
  );

  it('saw the calls that need the broader grants: the recurrence’s batch write, the index queries, the health check', () => {
    const seen = (fn: FunctionName, action: string, index?: string) =>
      touches.some((t) => t.fn === fn && t.action === action && t.index === index);
    expect(seen('sendDueWaves', 'BatchWriteItem')).toBe(true);
    expect(seen('sendDueWaves', 'Query', 'gsi1')).toBe(true);
    expect(seen('sendDigest', 'Query', 'gsi1')).toBe(true);
    expect(seen('applyRetention', 'Query', 'waves')).toBe(true);
    expect(seen('surveyHttp', 'DescribeTable')).toBe(true);
    expect(touches.some((t) => t.action === 'Scan')).toBe(false);
  });
});
