/**
 * The handlers' CloudWatch metrics as they leave the process: EMF lines on stdout, written by the
 * `logMetrics` middleware of the send and stream handlers, against DynamoDB Local and the SES emulator.
 */
import { Readable } from 'node:stream';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext, loadHandler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf, markUnsubscribed } from '#shared/contacts/contacts.ts';
import { signLink } from '#shared/core/links.ts';
import { createWave } from '#shared/waves/create.ts';
import { audienceCsv, pollStream, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let aggregator: StreamPoller;
let waveId: string;
let emails: string[];
let stdout = '';
let sendReport: unknown;

/** The EMF documents printed so far that carry `metric`. */
const emf = (metric: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((doc) => metric in doc);

const namespaceOf = (doc: Record<string, unknown> | undefined): unknown =>
  (doc?._aws as { CloudWatchMetrics?: { Namespace: string }[] } | undefined)?.CloudWatchMetrics?.[0]
    ?.Namespace;

beforeAll(async () => {
  stack = await useLocalStack();
  process.env.BURST_WINDOW_SECONDS = '30';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  aggregator = await pollStream(stack, 'aggregateResponses', await loadHandler('aggregateResponses'));
  const audience = audienceCsv(4);
  emails = audience.emails;
  // The last person unsubscribed before the wave goes out: the sender skips them.
  await markUnsubscribed(stack.ddb, stack.table, contactIdOf(emails[3] as string), new Date());
  const wave = await createWave(
    stack,
    { name: 'Metrics', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() - 1000) },
    () => readAudience(Readable.from([audience.csv]), 'a.csv'),
    { skipInvalid: false, file: 'a.csv' },
  );
  waveId = wave.id;
  const { handler } = await import('#functions/send-due-waves.ts');
  sendReport = await handler({}, lambdaContext('sendDueWaves'));
});

afterAll(async () => {
  await aggregator?.stop();
  vi.restoreAllMocks();
});

const token = (i: number) =>
  signLink(signingKeys, {
    purpose: 'r',
    waveId,
    contactId: contactIdOf(emails[i] as string),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });

const request = async (method: 'GET' | 'POST', path: string, body?: string) => {
  const { handler } = await import('#functions/survey-http.ts');
  return (await handler(
    {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: {
        host: 'survey.example.com',
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      requestContext: {
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 't' },
      },
      ...(body !== undefined ? { body } : {}),
      isBase64Encoded: false,
    } as unknown as LambdaFunctionURLEvent,
    lambdaContext('surveyHttp'),
  )) as Exclude<LambdaFunctionURLResult, string>;
};

describe('metrics', () => {
  it('a send run publishes how many it sent, skipped and failed', async () => {
    expect(sendReport).toMatchObject({ sent: 3, skipped: 1, failed: 0 });
    const [sent] = emf('Sent');
    expect(sent).toMatchObject({ service: 'nps', Sent: 3, Skipped: 1, Failed: 0, Deferred: 0 });
    expect(namespaceOf(sent)).toBe('NpsSurveys');
  });

  it('the aggregator publishes commits, quarantines, skips by reason and its lag behind the stream', async () => {
    expect((await request('POST', `/r/${token(0)}/9`, 'reason=great')).statusCode).toBe(200);
    // Three different scores from one link within the burst window: a link scanner, quarantined.
    for (const score of [1, 5, 9])
      expect((await request('GET', `/r/${token(1)}/${score}`)).statusCode).toBe(200);
    await aggregator.settled();

    const sum = (metric: string, where: (doc: Record<string, unknown>) => boolean = () => true) =>
      emf(metric)
        .filter(where)
        .reduce((total, doc) => total + Number(doc[metric]), 0);
    expect(sum('Committed')).toBe(1);
    expect(sum('Quarantined')).toBe(1);
    expect(sum('SkippedByReason', (doc) => doc.reason === 'unsubscribed')).toBe(1);
    expect(emf('SkippedByReason').map((doc) => doc.reason)).toEqual(['unsubscribed']);
    const lags = emf('StreamLag');
    expect(lags.length).toBeGreaterThan(0);
    for (const lag of lags) {
      expect(lag.consumer).toBe('aggregator');
      // Never negative, and bounded; generous, as a busy host decides how far the poller falls behind
      // (it passed a fixed minute at a load average of 26).
      expect(lag.StreamLag).toBeGreaterThanOrEqual(0);
      expect(lag.StreamLag).toBeLessThan(300_000);
    }
  });
});
