import { Readable } from 'node:stream';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { readCounts } from '#shared/aggregation/counts.ts';
import {
  applyClick,
  applyCommit,
  getRecipient,
  type ResponseItem,
  updateResponse,
} from '#shared/answering/responses.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { responseKey } from '#shared/store/keys.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import { audienceCsv, pollStream, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let poller: StreamPoller;
let waveId: string;
let contactIds: string[];
const faults = { duplicates: 0, crashes: 0, partial: 0 };

/** A seeded generator, so a failure can be replayed. */
const random = (() => {
  let seed = 20261123;
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
})();

beforeAll(async () => {
  stack = await useLocalStack();
  const { aggregate } = await import('#functions/aggregate-responses.ts');
  const audience = audienceCsv(40);
  const wave = await createWave(
    stack,
    { name: 'Counts', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date() },
    () => readAudience(audience.csv),
    { skipInvalid: false, file: 'a.csv' },
  );
  waveId = wave.id;
  const recipients = { Items: await allWaveItems(stack, waveId, { prefix: 'RCPT#', consistent: true }) };
  contactIds = (recipients.Items ?? []).map((r) => r.contactId as string);

  // The aggregator as Lambda would run it, with at-least-once delivery made worse on purpose.
  const faulty: Handler = async (event) => {
    const batch = event as DynamoDBStreamEvent;
    const roll = random();
    if (roll < 0.15 && batch.Records.length > 1) {
      // Crash mid-batch: the first half is applied, then the function dies before answering.
      faults.crashes++;
      await aggregate({ Records: batch.Records.slice(0, Math.ceil(batch.Records.length / 2)) });
      throw new Error('injected crash');
    }
    if (roll < 0.3) {
      faults.duplicates++;
      await aggregate(batch); // delivered twice
    }
    const result = await aggregate(batch);
    if (roll > 0.85 && batch.Records.length > 1 && result.batchItemFailures.length === 0) {
      // Report a failure Lambda will retry from, although it was applied.
      faults.partial++;
      const middle = batch.Records[Math.floor(batch.Records.length / 2)];
      return {
        batchItemFailures: [{ itemIdentifier: middle?.dynamodb?.SequenceNumber as string }],
      } satisfies DynamoDBBatchResponse;
    }
    return result;
  };
  poller = await pollStream(stack, 'aggregateResponses', faulty);
});

afterAll(async () => {
  await poller?.stop();
});

const readAudience = async function* (csv: string) {
  const { readAudience: read } = await import('#shared/audience/audience.ts');
  yield* read(Readable.from([csv]), 'a.csv');
};

const recount = async (): Promise<{ histogram: number[]; quarantined: number }> => {
  const out = { Items: await allWaveItems(stack, waveId, { prefix: 'RESP#', consistent: true }) };
  const histogram = Array.from({ length: 11 }, () => 0);
  let quarantined = 0;
  for (const r of (out.Items ?? []) as unknown as ResponseItem[]) {
    if (r.status === 'committed' && r.score !== undefined) histogram[r.score] = (histogram[r.score] ?? 0) + 1;
    if (r.status === 'quarantined') quarantined++;
  }
  return { histogram, quarantined };
};

describe('aggregation from the real DynamoDB stream', () => {
  it('equals a recount of the responses after duplicates, crashes mid-batch, retries, score changes and erasure', async () => {
    const policy = surveyPolicy();
    let clock = Date.now();
    for (let i = 0; i < 250; i++) {
      const contactId = contactIds[Math.floor(random() * contactIds.length)] as string;
      const recipient = await getRecipient(stack, waveId, contactId);
      const score = Math.floor(random() * 11);
      const roll = random();
      clock += 40_000; // far enough apart that a person's changes are not a burst
      const now = new Date(clock);
      if (roll < 0.5) {
        await updateResponse(stack, recipient, (s) =>
          applyCommit(
            s,
            { score, answers: undefined, via: 'submit', day: now.toISOString().slice(0, 10) },
            now,
            policy,
          ),
        );
      } else if (roll < 0.8) {
        await updateResponse(stack, recipient, (s) => applyClick(s, score, now, policy));
      } else if (roll < 0.9) {
        // A scanner: a burst of different scores within a second.
        for (const s of [1, 5, 9])
          await updateResponse(stack, recipient, (st) => applyClick(st, s, now, policy));
      } else {
        await stack.ddb.send(
          new DeleteCommand({ TableName: stack.table, Key: responseKey(waveId, contactId) }),
        );
      }
    }
    await poller.settled();
    const expected = await recount();
    const counts = await readCounts(stack, 'nps', `wave#${waveId}`);
    const everything = await readCounts(stack, 'nps', 'all');
    expect(counts.histogram).toEqual(expected.histogram);
    expect(counts.n).toBe(expected.histogram.reduce((a, b) => a + b, 0));
    expect(counts.quarantined).toBe(expected.quarantined);
    expect(everything.histogram).toEqual(expected.histogram);
    expect(faults.duplicates + faults.crashes + faults.partial).toBeGreaterThan(3);
  }, 120_000);
});
