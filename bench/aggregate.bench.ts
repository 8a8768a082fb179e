/**
 * Aggregator throughput: stream records applied per second by the real handler (batches of the configured
 * 100, merged counter writes, markers, transactions) against raw single UpdateItem calls per second to the
 * same DynamoDB Local in the same run. The figure is records/s ÷ UpdateItem/s: above 1 means merging makes
 * one record cheaper than one plain counter write, although each record touches ~10 counters.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { FUNCTIONS } from '#infra/system.ts';
import { responseKey } from '#shared/store/keys.ts';
import type { BenchContext } from './support.ts';

const RECORDS = 5_000;
const RAW_UPDATES = 1_500;

const streamRecords = (): DynamoDBRecord[] => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const items = new Map<string, Record<string, unknown>>();
  const records: DynamoDBRecord[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const contact = Math.floor(random() * 1000);
    const key = responseKey('bench', `c${contact}`);
    const old = items.get(key.sk);
    const next = {
      ...key,
      waveId: 'bench',
      contactId: `c${contact}`,
      kind: 'nps',
      locale: ['en', 'nl', 'sv', 'de'][contact % 4],
      props: { region: ['EU', 'US', 'APAC'][contact % 3], plan: ['free', 'pro'][contact % 2] },
      status: 'committed',
      score: Math.floor(random() * 11),
      day: `2026-11-${String(16 + Math.floor(random() * 7)).padStart(2, '0')}`,
      version: Number(old?.version ?? 0) + 1,
    };
    items.set(key.sk, next);
    records.push({
      eventName: old ? 'MODIFY' : 'INSERT',
      dynamodb: {
        Keys: marshall(key) as never,
        ...(old ? { OldImage: marshall(old) as never } : {}),
        NewImage: marshall(next) as never,
        SequenceNumber: String(10n ** 20n + BigInt(i)),
      },
    });
  }
  return records;
};

export default async (ctx: BenchContext) => {
  await ctx.newTable();
  const { ddb } = ctx.clients;
  const table = process.env.TABLE_NAME as string;
  const rawStart = performance.now();
  for (let i = 0; i < RAW_UPDATES; i++) {
    await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `RAW#${i % 50}`, sk: 'ALL' },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
  const rawPerSecond = RAW_UPDATES / ((performance.now() - rawStart) / 1000);

  const { aggregate } = await import('#functions/aggregate-responses.ts');
  const records = streamRecords();
  const batchSize = FUNCTIONS.aggregateResponses.trigger.batchSize;
  const started = performance.now();
  for (let i = 0; i < records.length; i += batchSize) {
    const out = await aggregate({ Records: records.slice(i, i + batchSize) });
    if (out.batchItemFailures.length) throw new Error('the aggregator reported a failure');
  }
  const recordsPerSecond = records.length / ((performance.now() - started) / 1000);
  return {
    figure: Math.round((recordsPerSecond / rawPerSecond) * 100) / 100,
    recordsPerSecond: Math.round(recordsPerSecond),
    rawUpdateItemsPerSecond: Math.round(rawPerSecond),
    batchSize,
    records: records.length,
  };
};
