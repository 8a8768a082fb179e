/**
 * `npm run simulate -- [--recipients 1000000] [--rate 1000 | --rate 14,200,1000] [--capture 3000] [--response-rate 0.3]`
 *
 * The capacity model of docs/scale.md, in code. 1. Capture: one wave of `--capture` recipients lives its whole
 * life through the real code against DynamoDB Local (bench/wave-life.ts): import, send, SES's Send events,
 * clicks and answers, the aggregator over the table's stream. Every request is traced with the keys it
 * writes and the capacity DynamoDB Local says it consumed. 2. Replay: that request pattern, per recipient,
 * per batch, per responder and per aggregator batch, is laid out for a wave of `--recipients` sent at
 * `--rate` emails a second: each recipient's writes go to the shard its contact id hashes to (the real
 * `shardOf`), each batch's to its lane (the real `lanesFor`), so the per-key figures are the code's own.
 * Prints JSON: the hottest partition key's writes per second while the wave sends, capacity units and cost
 * per 1,000 recipients, and the time budget figures docs/scale.md explains.
 */
import { parseArgs } from 'node:util';
import { FUNCTIONS } from '#infra/system.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { BULK_LIMIT } from '#shared/sending/bulk-email.ts';
import { lanesFor, shardOf, WAVE_SHARDS } from '#shared/store/keys.ts';
import { startBenchServices } from '../bench/support.ts';
import { keyClass, type TracedWrite } from '../bench/trace.ts';
import { runWaveLife } from '../bench/wave-life.ts';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '1000' },
    capture: { type: 'string', default: '3000' },
    'response-rate': { type: 'string', default: '0.3' },
  },
});
const N = Number(values.recipients);
const RATES = String(values.rate).split(',').map(Number);
const CAPTURE = Number(values.capture);
const RESPONSE_RATE = Number(values['response-rate']);
for (const [name, v] of Object.entries({
  recipients: N,
  capture: CAPTURE,
  'response-rate': RESPONSE_RATE,
  ...Object.fromEntries(RATES.map((r) => ['rate', r])),
}))
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`--${name} must be a positive number`);

/** On-demand prices (us-east-1, per million request units) the cost figures use; change them here. */
const PRICE_PER_MILLION = { write: 0.625, read: 0.125 };
/** Assumed AWS latencies (not measured here) for the sender's time budget, in milliseconds. */
const AWS_LATENCY_MS = { dynamo: 6, sesBulkCall: 150 };

// 1. Capture.
process.stderr.write(`simulate: capturing one wave of ${CAPTURE} through the real code…\n`);
const { ctx, stop } = await startBenchServices();
const life = await runWaveLife(ctx, { recipients: CAPTURE, responseRate: RESPONSE_RATE });
await stop();
if (life.sent !== CAPTURE) throw new Error(`the captured wave sent ${life.sent} of ${CAPTURE}`);

// 2. The captured pattern per unit of work.
const batchesCaptured =
  life.writes.filter((w) => w.phase === 'send' && keyClass(w.pk).includes('lane lock')).length / 2;
const aggregatorBatches = life.aggregatorBatches;
const streamRecordsPerRecipient = life.streamRecords / CAPTURE;
const per = (phase: string, cls: string) =>
  life.writes.filter((w) => w.phase === phase && keyClass(w.pk) === cls);
const sum = (ws: readonly TracedWrite[]) => ws.reduce((n, w) => n + w.units, 0);

// Each shard's writes per recipient (import, send) and per responder (answers), in write units.
const shardClass = 'WAVE#id#NNN (shard)';
const unitsPerRecipientOnShards = (sum(per('import', shardClass)) + sum(per('send', shardClass))) / CAPTURE;
const unitsPerResponderOnShards = sum(per('answers', shardClass)) / life.responders;
const laneUnitsPerBatch = sum(per('send', 'WAVE#id#Lg (lane lock)')) / batchesCaptured;
const rateUnitsPerBatch = sum(per('send', 'SENDRATE#ses')) / batchesCaptured;

// 3. Replay for N at RATE: the real shard of every contact, the real lanes.
const shardCounts = new Array<number>(WAVE_SHARDS).fill(0);
for (let i = 0; i < N; i++) {
  const s = shardOf(contactIdOf(`person${i}@example.com`));
  shardCounts[s] = (shardCounts[s] ?? 0) + 1;
}
const model = (RATE: number) => {
  const lanes = lanesFor(N);
  const batchSize = Math.min(BULK_LIMIT, RATE);
  const batches = Math.ceil(N / batchSize);
  const sendSeconds = N / RATE;
  const hottestShard = Math.max(...shardCounts);
  // While sending, senders take the lanes in turn, a batch each: a shard's recipients go out evenly over the send.
  const sendUnitsPerRecipient = sum(per('send', shardClass)) / CAPTURE;
  const shardWcuPerSecond = (hottestShard * sendUnitsPerRecipient) / sendSeconds;
  const laneWcuPerSecond = ((batches / lanes) * laneUnitsPerBatch) / sendSeconds;
  const sendRateWcuPerSecond = (RATE / batchSize) * rateUnitsPerBatch;
  // The aggregator: Lambda hands it up to its batch size, or what a second brings (the batching window).
  const aggregatorBatchSize =
    FUNCTIONS.aggregateResponses.trigger.kind === 'stream'
      ? FUNCTIONS.aggregateResponses.trigger.batchSize
      : 1000;
  const recordsPerSecond =
    RATE * (life.writes.filter((w) => w.phase === 'send' && keyClass(w.pk) === shardClass).length / CAPTURE);
  const aggregatorBatchesPerSecond = Math.max(1, recordsPerSecond / aggregatorBatchSize);
  const aggWrites = life.writes.filter((w) => w.phase === 'aggregate');
  const hottestAggKey = (() => {
    const counts = new Map<string, number>();
    for (const w of aggWrites) counts.set(w.pk, (counts.get(w.pk) ?? 0) + w.units);
    const [pk, units] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    return { key: keyClass(pk), unitsPerBatch: units / Math.max(1, aggregatorBatches) };
  })();

  // Capacity and cost per 1,000 recipients, from what DynamoDB Local said each request consumed.
  const units = (phase?: string) =>
    life.requests
      .filter((r) => phase === undefined || r.phase === phase)
      .reduce((t, r) => ({ read: t.read + r.readUnits, write: t.write + r.writeUnits }), {
        read: 0,
        write: 0,
      });
  const perThousand = (u: { read: number; write: number }) => ({
    readUnits: Math.round((u.read / CAPTURE) * 1000),
    writeUnits: Math.round((u.write / CAPTURE) * 1000),
    dollars:
      Math.round(
        (((u.read / CAPTURE) * 1000 * PRICE_PER_MILLION.read +
          (u.write / CAPTURE) * 1000 * PRICE_PER_MILLION.write) /
          1e6) *
          1e5,
      ) / 1e5,
  });

  // The sender's time budget: one lane turn is a chain of requests and one SES call.
  const turnMs = AWS_LATENCY_MS.dynamo * 7 + AWS_LATENCY_MS.sesBulkCall;
  const lanesInFlight = 4;
  const emailsPerSenderSecond = (lanesInFlight * batchSize * 1000) / turnMs;
  const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    wave: { recipients: N, sesRatePerSecond: RATE, lanes, shards: WAVE_SHARDS, batchSize, batches },
    captured: {
      recipients: CAPTURE,
      responders: life.responders,
      itemWritesPerRecipient: round(life.writes.length / CAPTURE, 2),
      localSeconds: life.seconds,
    },
    hottestKeyWhileSending: {
      key: shardWcuPerSecond >= laneWcuPerSecond ? shardClass : 'WAVE#id#Lg (lane lock)',
      writeUnitsPerSecond: round(Math.max(shardWcuPerSecond, laneWcuPerSecond)),
      limitPerKey: 1000,
    },
    perKeyWhileSending: {
      shardWriteUnitsPerSecond: round(shardWcuPerSecond),
      shardRecipientsHottest: hottestShard,
      shardRecipientsMean: round(N / WAVE_SHARDS),
      laneLockWriteUnitsPerSecond: round(laneWcuPerSecond),
      sendRateCounterWriteUnitsPerSecond: round(sendRateWcuPerSecond),
    },
    perKeyOverTheWave: {
      shardWriteUnitsPerRecipient: round(
        (hottestShard * unitsPerRecipientOnShards +
          hottestShard * RESPONSE_RATE * unitsPerResponderOnShards) /
          N,
        4,
      ),
    },
    aggregator: {
      streamRecordsPerSecond: round(recordsPerSecond),
      streamRecordsPerRecipient: round(streamRecordsPerRecipient, 2),
      batchesPerSecond: round(aggregatorBatchesPerSecond, 2),
      hottestKey: hottestAggKey.key,
      hottestKeyWriteUnitsPerSecond: round(hottestAggKey.unitsPerBatch * aggregatorBatchesPerSecond),
      lagSecondsEstimate: round(1 + (AWS_LATENCY_MS.dynamo * 6) / 1000, 2),
    },
    perThousandRecipients: {
      all: perThousand(units()),
      import: perThousand(units('import')),
      send: perThousand(units('send')),
      sesEvents: perThousand(units('sesEvents')),
      answers: perThousand(units('answers')),
      aggregate: perThousand(units('aggregate')),
      prices: PRICE_PER_MILLION,
    },
    timeBudget: {
      sendMinutes: round(sendSeconds / 60),
      laneTurnMs: turnMs,
      emailsPerSenderPerSecond: round(emailsPerSenderSecond),
      sendersNeeded: Math.ceil(RATE / emailsPerSenderSecond),
      senderInvocationSeconds: FUNCTIONS.sendDueWaves.timeoutSeconds,
      importMinutesAt10kItemsPerSecond: round(N / 10_000 / 60),
      assumedAwsLatencyMs: AWS_LATENCY_MS,
    },
  };
};
const results = RATES.map(model);
process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
process.exit(0);
