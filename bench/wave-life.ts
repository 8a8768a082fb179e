/**
 * One wave's whole life through the real code against DynamoDB Local and the SES emulator, every item write
 * traced (trace.ts): import, send, SES's Send events, clicks and answers from a share of the recipients, and
 * the aggregator over the table's own stream. The wave-life benchmark and `npm run simulate` read it.
 */
import { Readable } from 'node:stream';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { toChange } from '#functions/commons/stream-records.ts';
import { streamsClient, toLambdaRecord } from '#infra/local/streams.ts';
import { FUNCTIONS } from '#infra/system.ts';
import { applyChanges } from '#shared/aggregation/apply.ts';
import { commitScore, recordClick, resolveScoreLink } from '#shared/answering/answering.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { emailConfig, publicBaseUrl, surveyPolicy } from '#shared/core/config.ts';
import { parseSigningKeys, signLink } from '#shared/core/links.ts';
import { recordAcceptance } from '#shared/sending/acceptance.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import type { BenchContext } from './support.ts';
import { type TracedRequest, type TracedWrite, traced } from './trace.ts';

export interface WaveLife {
  recipients: number;
  sent: number;
  responders: number;
  writes: TracedWrite[];
  requests: TracedRequest[];
  /** Changes of recipients and responses on the table's stream (what the aggregator was handed). */
  streamRecords: number;
  /** Batches the aggregator was handed. */
  aggregatorBatches: number;
  /** Seconds each phase took locally. */
  seconds: Record<string, number>;
}

const TIME_ZONE = 'Europe/Amsterdam';

export const runWaveLife = async (
  ctx: BenchContext,
  options: { recipients: number; responseRate: number },
): Promise<WaveLife> => {
  const table = await ctx.newTable();
  const trace = traced(ctx.clients.ddb);
  const store = { ddb: trace.ddb, table };
  const keys = parseSigningKeys(process.env.LINK_SIGNING_KEYS ?? '');
  const policy = surveyPolicy();
  const seconds: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    trace.state.phase = name;
    const started = performance.now();
    const out = await work();
    seconds[name] = Math.round((performance.now() - started) / 100) / 10;
    return out;
  };

  const csv = [
    'email,name,locale,region',
    ...Array.from(
      { length: options.recipients },
      (_, i) => `p${i}@example.com,Person ${i},${['en', 'nl', 'sv', 'de'][i % 4]},R${i % 5}`,
    ),
  ].join('\n');
  const wave = await phase('import', () =>
    createWave(
      store,
      { name: 'Life', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() - 1000) },
      () => readAudience(Readable.from([csv]), 'life.csv'),
      { skipInvalid: false, file: 'life.csv' },
    ),
  );
  const report = await phase('send', () =>
    sendDueWaves({
      ...ctx.clients,
      ddb: trace.ddb,
      table,
      email: emailConfig(),
      baseUrl: publicBaseUrl(),
      keys,
      policy,
      timeZone: TIME_ZONE,
      now: () => new Date(),
      deadline: Date.now() + 3_600_000,
    }),
  );
  const recipients = await allWaveItems(store, wave.id, { prefix: 'RCPT#' });
  // SES's Send event for every email (through EventBridge in AWS): the recipient is read, found sent.
  await phase('sesEvents', async () => {
    for (let i = 0; i < recipients.length; i += 50)
      await Promise.all(
        recipients.slice(i, i + 50).map((r) =>
          recordAcceptance(
            { ...store, timeZone: TIME_ZONE },
            {
              waveId: wave.id,
              contactId: String(r.contactId),
              email: String(r.email),
              messageId: String(r.messageId ?? ''),
              at: new Date(),
              kind: 'first',
            },
          ),
        ),
      );
  });
  // A share of the recipients open a score link (a click), then submit the page with a reason.
  const responders = recipients.filter((_, i) => i % Math.round(1 / options.responseRate) === 0);
  const deps = { ...store, keys, policy, timeZone: TIME_ZONE, now: () => new Date() };
  await phase('answers', async () => {
    for (let i = 0; i < responders.length; i += 25)
      await Promise.all(
        responders.slice(i, i + 25).map(async (r, k) => {
          const token = signLink(keys, {
            waveId: wave.id,
            contactId: String(r.contactId),
            purpose: 'r',
            expiresAt: Math.floor(Date.now() / 1000) + 86_400,
          });
          const score = String((i + k) % 11);
          await recordClick(deps, await resolveScoreLink(deps, token, score));
          await commitScore(deps, await resolveScoreLink(deps, token, score), 'submit', { reason: 'Fine' });
        }),
      );
  });
  // The aggregator over the table's stream, in its configured batches, as Lambda would hand them over.
  let streamRecords = 0;
  let aggregatorBatches = 0;
  await phase('aggregate', async () => {
    const changes = await streamChanges(table, ctx.ddbPort);
    const { batchSize, sortKeyPrefixes } = FUNCTIONS.aggregateResponses.trigger as {
      batchSize: number;
      sortKeyPrefixes: readonly string[];
    };
    const wanted = changes.filter((c) => sortKeyPrefixes.some((p) => c.sk.startsWith(p)));
    streamRecords = wanted.length;
    for (let i = 0; i < wanted.length; i += batchSize) {
      aggregatorBatches++;
      const out = await applyChanges(store, wanted.slice(i, i + batchSize));
      if (out.failed.length > 0) throw new Error('the aggregator failed a batch');
    }
  });
  return {
    recipients: options.recipients,
    sent: report.sent,
    responders: responders.length,
    writes: trace.writes,
    requests: trace.requests,
    streamRecords,
    aggregatorBatches,
    seconds,
  };
};

/** Every change on the table's stream so far, shard by shard in order. */
const streamChanges = async (table: string, ddbPort: number): Promise<ItemChange[]> => {
  const described = await new DynamoDBClient({}).send(new DescribeTableCommand({ TableName: table }));
  const streamArn = described.Table?.LatestStreamArn as string;
  const streams = streamsClient(`http://127.0.0.1:${ddbPort}`);
  const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const changes: ItemChange[] = [];
  for (const shard of stream.StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = out.Records ?? [];
      for (const record of records) {
        const change = toChange(toLambdaRecord(record, streamArn));
        if (change) changes.push(change);
      }
      if (records.length === 0) break;
      iterator = out.NextShardIterator;
    }
  }
  return changes;
};
