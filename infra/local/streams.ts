/**
 * Reads the table's real DynamoDB Streams from DynamoDB Local and invokes the stream function with Lambda's
 * event shape: the spec's batch size and key filter, partial batch failures retried from the failed record,
 * exhausted batches written to a failure file (the on-failure destination's stand-in). Checkpoints survive
 * restarts; a record delivered twice is harmless by design.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { FUNCTIONS, type FunctionName, type Trigger } from '../system.ts';
import type { Handler } from './lambda.ts';
import { lambdaContext } from './lambda.ts';

/** The functions FUNCTIONS wires to the table's stream. */
export type StreamFunctionName = {
  [K in FunctionName]: (typeof FUNCTIONS)[K]['trigger'] extends { kind: 'stream' } ? K : never;
}[FunctionName];

export const STREAM_FUNCTIONS = (Object.keys(FUNCTIONS) as FunctionName[]).filter(
  (name): name is StreamFunctionName => FUNCTIONS[name].trigger.kind === 'stream',
);

type StreamTrigger = Extract<Trigger, { kind: 'stream' }>;

/** Whether Lambda's event filter (built from the same spec in survey-functions.ts) lets the record through. */
export const matchesFilter = (spec: StreamTrigger, record: _Record): boolean => {
  const pk = record.dynamodb?.Keys?.pk?.S ?? '';
  const sk = record.dynamodb?.Keys?.sk?.S ?? '';
  const image = record.dynamodb?.NewImage;
  if (spec.sortKeyPrefixes.some((prefix) => sk.startsWith(prefix))) return true;
  return (spec.alsoWhen ?? []).some(
    (f) =>
      (f.partitionKeyPrefix === undefined || pk.startsWith(f.partitionKeyPrefix)) &&
      (f.sortKeyPrefix === undefined || sk.startsWith(f.sortKeyPrefix)) &&
      Object.entries(f.newImage ?? {}).every(([name, value]) => image?.[name]?.S === value),
  );
};

/** The SDK's stream record, as Lambda delivers it (dates as epoch seconds). */
/**
 * DynamoDB Local streams an empty map as `{}` instead of `{ "M": {} }`, which unmarshall rejects; read a
 * typeless value as the empty map it was.
 */
const repair = (value: unknown): unknown => {
  if (!value || typeof value !== 'object') return value;
  const av = value as Record<string, unknown>;
  if (Object.keys(av).length === 0) return { M: {} };
  if (av.M && typeof av.M === 'object') {
    return {
      M: Object.fromEntries(Object.entries(av.M as Record<string, unknown>).map(([k, v]) => [k, repair(v)])),
    };
  }
  if (Array.isArray(av.L)) return { L: av.L.map(repair) };
  return av;
};

const repairImage = (image: Record<string, unknown> | undefined) =>
  image ? Object.fromEntries(Object.entries(image).map(([k, v]) => [k, repair(v)])) : undefined;

/** A record as Lambda delivers it, with DynamoDB Local's typeless empty maps repaired (AWS never sends them). */
export const toLambdaRecord = (record: _Record, streamArn: string): DynamoDBRecord =>
  ({
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
    dynamodb: {
      ...record.dynamodb,
      Keys: repairImage(record.dynamodb?.Keys),
      NewImage: repairImage(record.dynamodb?.NewImage),
      OldImage: repairImage(record.dynamodb?.OldImage),
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime
        ? Math.floor(new Date(record.dynamodb.ApproximateCreationDateTime).getTime() / 1000)
        : undefined,
    },
  }) as DynamoDBRecord;

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once every record written so far has been handed to the function. */
  settled(): Promise<void>;
}

export const startStreamPoller = async (options: {
  ddb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  stateDir: string;
  /** The stream function (its batch size, filter and retries come from FUNCTIONS) and its handler. */
  function: StreamFunctionName;
  handler: Handler;
  log: (message: string) => void;
}): Promise<StreamPoller> => {
  const name = options.function;
  const spec = FUNCTIONS[name].trigger as StreamTrigger;
  const described = await options.ddb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const checkpointFile = join(options.stateDir, `stream-checkpoints-${name}.json`);
  const checkpoints: Record<string, string> = existsSync(checkpointFile)
    ? (JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, string>)
    : {};
  const active = new Map<string, string | undefined>(); // shardId → iterator
  const finished = new Set<string>();
  let stopped = false;
  let idle = false;

  const discover = async () => {
    let start: string | undefined;
    do {
      const out = await options.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId as string;
        if (active.has(id) || finished.has(id)) continue;
        const parent = shard.ParentShardId;
        if (parent && active.has(parent)) continue; // children after their parent, to keep order
        const checkpoint = checkpoints[id];
        const it = await options.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: id,
            ...(checkpoint
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        );
        active.set(id, it.ShardIterator);
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  };

  const deliver = async (records: DynamoDBRecord[]) => {
    let remaining = records;
    for (let attempt = 0; remaining.length > 0; attempt++) {
      let failedAt: number;
      try {
        const result = (await options.handler({ Records: remaining }, lambdaContext(name))) as
          | DynamoDBBatchResponse
          | undefined;
        const failure = result?.batchItemFailures?.[0]?.itemIdentifier;
        failedAt = failure ? remaining.findIndex((r) => r.dynamodb?.SequenceNumber === failure) : -1;
      } catch (error) {
        options.log(`${name} failed: ${(error as Error).message}`);
        failedAt = 0;
      }
      if (failedAt < 0) return;
      remaining = remaining.slice(failedAt);
      if (attempt >= spec.retryAttempts) {
        const failures = `stream-failures-${name}.jsonl`;
        appendFileSync(join(options.stateDir, failures), `${JSON.stringify(remaining)}\n`);
        options.log(`${name} gave up on ${remaining.length} stream records; see .local/${failures}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** Math.min(attempt, 6)));
    }
  };

  const pollShard = async (shardId: string): Promise<number> => {
    const iterator = active.get(shardId);
    if (!iterator) {
      active.delete(shardId);
      finished.add(shardId);
      return 0;
    }
    const out = await options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records = out.Records ?? [];
    const wanted = records.filter((r) => matchesFilter(spec, r)).map((r) => toLambdaRecord(r, streamArn));
    for (let i = 0; i < wanted.length; i += spec.batchSize)
      await deliver(wanted.slice(i, i + spec.batchSize));
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      checkpoints[shardId] = last;
      writeFileSync(checkpointFile, JSON.stringify(checkpoints));
    }
    active.set(shardId, out.NextShardIterator);
    return records.length;
  };

  let lastDiscovery = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        if (Date.now() - lastDiscovery > 2_000) {
          await discover();
          lastDiscovery = Date.now();
        }
        let seen = 0;
        for (const shardId of [...active.keys()]) seen += await pollShard(shardId);
        idle = seen === 0;
        if (idle) await new Promise((r) => setTimeout(r, 200));
      } catch (error) {
        options.log(`stream poller (${name}): ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
    },
    async settled() {
      // Two idle rounds in a row: everything written before the call has been read and delivered.
      for (let quiet = 0; quiet < 2; ) {
        idle = false;
        while (!idle && !stopped) await new Promise((r) => setTimeout(r, 50));
        quiet++;
      }
    },
  };
};

export const streamsClient = (endpoint: string): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient({
    endpoint,
    region: process.env.AWS_REGION || 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
