/**
 * Answering under load, on loopback only (127.0.0.1), bounded in time and count:
 * 1. raw conditional writes to DynamoDB Local by 32 clients (the baseline),
 * 2. score commits through the local HTTP path (the survey handler, as `npm start` serves it) by 32 clients,
 *    with p50/p99 latency; the figure is their ratio, measured in the same run,
 * 3. a 30-second load of commits and changed scores: server errors, and whether the committed responses in
 *    the table equal the commits the load generator saw accepted.
 * Both measured paths first run unmeasured for a few seconds, so the figures are of warm code.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { freePort } from '#infra/local/environment.ts';
import { startHttp } from '#infra/local/http.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { ENV } from '#shared/core/env.ts';
import { parseSigningKeys, signLink } from '#shared/core/links.ts';
import { RESPONSE_PREFIX } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import type { BenchContext } from './support.ts';

const CLIENTS = 32;
const MEASURE_MS = 5_000;
/** Each path runs this long first, unmeasured, so neither figure includes the JIT warming up. */
const WARM_MS = 3_000;
const WARM_RECIPIENTS = 1_000;
const LOAD_MS = 30_000;
/** Hard cap on requests of the 30-second load, whatever the machine's speed. */
const LOAD_MAX_REQUESTS = 200_000;
const RECIPIENTS = 6_000;

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10
    : null;

/** Runs `CLIENTS` loops of `op` until `ms` pass (or `max` operations); latencies in ms. */
const drive = async (ms: number, max: number, op: (n: number) => Promise<void>) => {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until && n < max) {
        const i = n++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, perSecond: latencies.length / seconds, latencies };
};

export default async (ctx: BenchContext) => {
  const table = await ctx.newTable();
  const { ddb } = ctx.clients;
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

  // A wave of recipients with their signed links.
  const tag = randomBytes(3).toString('hex');
  const emails = Array.from({ length: RECIPIENTS }, (_, i) => `load${i}.${tag}@example.com`);
  const csv = ['email,name,locale,team', ...emails.map((e, i) => `${e},P${i},en,T${i % 4}`)].join('\n');
  const wave = await createWave(
    { ddb, table },
    { name: 'Load', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date() },
    () => readAudience(Readable.from([csv]), 'load.csv'),
    { skipInvalid: false, file: 'load.csv' },
  );
  const keys = parseSigningKeys(process.env[ENV.linkSigningKeys] as string);
  const expiresAt = Math.floor(Date.now() / 1000) + 86_400;
  const tokens = emails.map((e) =>
    signLink(keys, { purpose: 'r', waveId: wave.id, contactId: contactIdOf(e), expiresAt }),
  );

  // 1. Baseline: raw conditional writes of response-sized items, same DynamoDB Local, same concurrency.
  const payload = 'x'.repeat(400);
  const rawWrite = (sk: string) => async (i: number) => {
    await ddb.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `BENCH#${i}`, sk, version: 1, payload },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  };
  await drive(WARM_MS, Number.POSITIVE_INFINITY, rawWrite('WARM'));
  const raw = await drive(MEASURE_MS, Number.POSITIVE_INFINITY, rawWrite('RAW'));

  // The survey handler behind the local HTTP server, as `npm start` runs it. (Its events follow from the
  // table's stream, off this path.)
  const { handler } = await import('#functions/survey-http.ts');
  const port = await freePort();
  const server: Server = await startHttp(port, handler as never, () => true);
  const base = `http://127.0.0.1:${port}`;

  let serverErrors = 0;
  const statuses = new Map<number, number>();
  const accepted = new Set<number>();
  const commit = async (recipient: number, score: number) => {
    const res = await fetch(`${base}/r/${tokens[recipient]}/${score}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `score=${score}&reason=load`,
    });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) serverErrors++;
    if (res.status === 200) accepted.add(recipient);
  };

  try {
    // 2. Score commits through the HTTP path: each a first commit of a fresh recipient.
    const half = RECIPIENTS / 2;
    const warm = await drive(WARM_MS, WARM_RECIPIENTS, (i) => commit(i, 9));
    const http = await drive(MEASURE_MS, half - WARM_RECIPIENTS, (i) => commit(WARM_RECIPIENTS + i, 9));

    // 3. The 30-second load on the other half: first commits and changed scores (9 ↔ 10, never a burst),
    //    each link well under its per-minute limit.
    serverErrors = 0;
    statuses.clear();
    accepted.clear();
    const load = await drive(LOAD_MS, LOAD_MAX_REQUESTS, (i) => {
      const recipient = half + (i % half);
      return commit(recipient, 9 + (Math.floor(i / half) % 2));
    });
    const loadAccepted = new Set([...accepted].filter((r) => r >= half));

    let committed = 0;
    let quarantined = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: 'begins_with(sk, :r) AND #s IN (:c, :q)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':r': RESPONSE_PREFIX, ':c': 'committed', ':q': 'quarantined' },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.status === 'committed') committed++;
        else quarantined++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const committedInLoad = committed - warm.count - http.count;

    return {
      figure: Math.round((http.perSecond / raw.perSecond) * 1000) / 1000,
      clients: CLIENTS,
      rawWritesPerSecond: Math.round(raw.perSecond),
      rawP50Ms: percentile(raw.latencies, 0.5),
      rawP99Ms: percentile(raw.latencies, 0.99),
      httpCommitsPerSecond: Math.round(http.perSecond),
      httpP50Ms: percentile(http.latencies, 0.5),
      httpP99Ms: percentile(http.latencies, 0.99),
      loadSeconds: LOAD_MS / 1000,
      loadRequests: load.count,
      loadRequestsPerSecond: Math.round(load.perSecond),
      loadP50Ms: percentile(load.latencies, 0.5),
      loadP99Ms: percentile(load.latencies, 0.99),
      loadServerErrors: serverErrors,
      loadStatuses: JSON.stringify(Object.fromEntries(statuses)),
      loadAcceptedResponses: loadAccepted.size,
      loadCommittedInTable: committedInLoad,
      loadCountsMatch: String(committedInLoad === loadAccepted.size && serverErrors === 0),
      quarantinedInTable: quarantined,
    };
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
};
