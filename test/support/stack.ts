/**
 * Per-test-file wiring against the run's DynamoDB Local and SES emulator: the same environment variables
 * the CDK stack sets in AWS, a fresh table built from the one description, and helpers to read the inbox.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localAwsEnvironment } from '#infra/local/environment.ts';
import type { Handler } from '#infra/local/lambda.ts';
import { ensureTable } from '#infra/local/services.ts';
import { type StreamFunctionName, startStreamPoller, streamsClient } from '#infra/local/streams.ts';
import { ENV } from '#infra/system.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { parseSigningKeys } from '#shared/core/links.ts';
import type { SenderDeps } from '#shared/sending/context.ts';
import { createClients } from '#shared/store/clients.ts';

export const SIGNING_KEYS_JSON = JSON.stringify({ t1: 'test-secret-'.padEnd(48, 'x') });
export const signingKeys = parseSigningKeys(SIGNING_KEYS_JSON);

/** Points this process at the local services with a new table; returns what tests need. */
export const useLocalStack = async () => {
  const ddbPort = inject('ddbPort');
  const sesPort = inject('sesPort');
  const table = `test-${randomBytes(6).toString('hex')}`;
  Object.assign(process.env, {
    ...localAwsEnvironment(ddbPort, sesPort),
    [ENV.tableName]: table,
    [ENV.fromAddress]: 'surveys@example.com',
    [ENV.publicBaseUrl]: 'https://survey.example.com',
    [ENV.linkSigningKeys]: SIGNING_KEYS_JSON,
    [ENV.digestTimeZone]: 'Europe/Amsterdam',
    // The stack's configured product: what a wave created without --product asks about.
    [ENV.product]: 'Acme',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  await ensureTable(new DynamoDBClient({}), table);
  const clients = createClients();
  return { ...clients, table, ddbPort, sesPort, sesUrl: `http://127.0.0.1:${sesPort}` };
};

/** The local stream poller feeding one stream function from this test file's table, as `npm start` runs it. */
export const pollStream = (
  stack: { table: string; ddbPort: number },
  name: StreamFunctionName,
  handler: Handler,
  log: (message: string) => void = () => undefined,
) =>
  startStreamPoller({
    ddb: new DynamoDBClient({}),
    streams: streamsClient(`http://127.0.0.1:${stack.ddbPort}`),
    tableName: stack.table,
    stateDir: mkdtempSync(join(tmpdir(), `nps-${name}-`)),
    function: name,
    handler,
    log,
  });

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

/** Emails the SES emulator holds for these addresses. */
export const inbox = async (sesUrl: string, addresses: readonly string[]): Promise<StoredEmail[]> => {
  const res = await fetch(`${sesUrl}/store`);
  const { emails } = (await res.json()) as { emails: StoredEmail[] };
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  return emails.filter((e) => e.destination.to.some((to) => wanted.has(to.toLowerCase())));
};

/** A unique audience of `n` addresses, as CSV text. */
export const audienceCsv = (
  n: number,
  tag = randomBytes(4).toString('hex'),
  extra = '',
): { csv: string; emails: string[] } => {
  const emails = Array.from({ length: n }, (_, i) => `person${i}.${tag}@example.com`);
  const rows = emails.map((e, i) => `${e},Person ${i},${i % 2 ? 'nl' : 'en'},${i % 3 ? 'EU' : 'US'}${extra}`);
  return { csv: ['email,name,locale,region', ...rows].join('\n'), emails };
};

export const linksOf = (email: StoredEmail): string[] =>
  [...(email.body.html ?? '').matchAll(/href="([^"]+)"/g)].map((m) =>
    (m[1] as string).replaceAll('&amp;', '&'),
  );

/** What the sender needs, against this file's table and the SES emulator; tests override the clock or SES. */
export const senderDeps = (
  stack: { ddb: SenderDeps['ddb']; ses: SenderDeps['ses']; table: string },
  overrides: Partial<SenderDeps> = {},
): SenderDeps => ({
  ddb: stack.ddb,
  ses: stack.ses,
  table: stack.table,
  email: { fromAddress: 'surveys@example.com', configurationSet: undefined },
  baseUrl: 'https://survey.example.com',
  keys: signingKeys,
  policy: surveyPolicy(),
  timeZone: 'Europe/Amsterdam',
  now: () => new Date(),
  deadline: Date.now() + 60_000,
  ...overrides,
});
