/**
 * The send path. `cpuMicrosPerRecipient`: CPU our code spends per recipient (the template is rendered once
 * per locale; per recipient only two signed tokens and the substitution data). `throughputRatio`: a wave
 * sent end to end (batch claims, bulk sends, outcomes in DynamoDB Local) against raw SendBulkEmail calls of
 * the same content and batch size to the same SES emulator, as many in flight — 1.0 means no overhead.
 * `dynamoBoundRatio`: the same wave against what DynamoDB Local can take of the item writes an email needs
 * (raw UpdateItem calls, 100 in flight, in the same run): how close the send path comes to the floor the
 * local table sets.
 */
import { Readable } from 'node:stream';
import { SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { emailConfig, publicBaseUrl, surveyPolicy } from '#shared/core/config.ts';
import { parseSigningKeys } from '#shared/core/links.ts';
import { BULK_LIMIT, bulkEntries } from '#shared/sending/bulk-email.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { createWave } from '#shared/waves/create.ts';
import { surveyEmail } from '#templates/index.ts';
import type { Bench } from './support.ts';
import { traced } from './trace.ts';

const RECIPIENTS = 2_000;
const IN_FLIGHT = 4;

const bench: Bench = async (ctx) => {
  const keys = parseSigningKeys(process.env.LINK_SIGNING_KEYS ?? '');
  const baseUrl = publicBaseUrl();
  const policy = surveyPolicy();
  const people = (tag: string) =>
    Array.from({ length: RECIPIENTS }, (_, i) => {
      const email = `p${i}.${tag}@example.com`;
      return { email, contactId: contactIdOf(email), name: `Person ${i}` };
    });

  // 1. CPU per recipient: render once, then per-recipient entries (tokens, data, headers) as sent.
  const cpuPeople = people('cpu');
  const cpuStart = process.cpuUsage();
  const template = surveyEmail({ kind: 'nps', locale: 'en', baseUrl, product: 'Acme' });
  for (let i = 0; i < cpuPeople.length; i += BULK_LIMIT)
    JSON.stringify(
      bulkEntries({ keys, baseUrl, policy }, 'W1', cpuPeople.slice(i, i + BULK_LIMIT), new Date()),
    );
  const cpu = process.cpuUsage(cpuStart);
  const cpuMicrosPerRecipient = (cpu.user + cpu.system) / cpuPeople.length;

  // 2. Raw SendBulkEmail: the same content, batch size and concurrency, nothing else.
  const raw = people('raw');
  const batches: (typeof raw)[] = [];
  for (let i = 0; i < raw.length; i += BULK_LIMIT) batches.push(raw.slice(i, i + BULK_LIMIT));
  const rawStart = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        await ctx.clients.ses.send(
          new SendBulkEmailCommand({
            FromEmailAddress: emailConfig().fromAddress,
            DefaultContent: {
              Template: {
                TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text },
                TemplateData: JSON.stringify({ token: '', unsubscribeToken: '', name: '' }),
              },
            },
            BulkEmailEntries: bulkEntries({ keys, baseUrl, policy }, 'W1', batch, new Date()),
          }),
        );
      }
    }),
  );
  const rawSeconds = (performance.now() - rawStart) / 1000;

  // 3. Raw UpdateItem calls to DynamoDB Local, 100 in flight: what the local table can take.
  const table = await ctx.newTable();
  const updates = 2 * RECIPIENTS;
  const ddbStart = performance.now();
  for (let i = 0; i < updates; i += 100)
    await Promise.all(
      Array.from({ length: 100 }, (_, k) =>
        ctx.clients.ddb.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: `RAW#${i + k}`, sk: 'META' },
            UpdateExpression: 'SET #s = :s ADD version :one',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'sent', ':one': 1 },
          }),
        ),
      ),
    );
  const dynamoUpdatesPerSecond = updates / ((performance.now() - ddbStart) / 1000);

  // 4. A wave end to end through the sender.
  const csv = ['email,name', ...people('wave').map((p) => `${p.email},${p.name}`)].join('\n');
  const store = { ddb: ctx.clients.ddb, table };
  const trace = traced(ctx.clients.ddb);
  await createWave(
    store,
    { name: 'Bench', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() - 1000) },
    () => readAudience(Readable.from([csv]), 'bench.csv'),
    { skipInvalid: false, file: 'bench.csv' },
  );
  trace.state.phase = 'send';
  const waveStart = performance.now();
  const report = await sendDueWaves({
    ...ctx.clients,
    ddb: trace.ddb,
    table,
    email: emailConfig(),
    baseUrl,
    keys,
    policy,
    timeZone: 'Europe/Amsterdam',
    now: () => new Date(),
    deadline: Date.now() + 600_000,
    log: (m, d) => process.stderr.write(`${m} ${JSON.stringify(d ?? {})}\n`),
  });
  const waveSeconds = (performance.now() - waveStart) / 1000;
  if (report.sent !== RECIPIENTS)
    throw new Error(`bench wave sent ${report.sent} of ${RECIPIENTS}: ${JSON.stringify(report)}`);

  return {
    recipients: RECIPIENTS,
    cpuMicrosPerRecipient: Math.round(cpuMicrosPerRecipient * 10) / 10,
    rawEmailsPerSecond: Math.round(RECIPIENTS / rawSeconds),
    waveEmailsPerSecond: Math.round(RECIPIENTS / waveSeconds),
    throughputRatio: Math.round((rawSeconds / waveSeconds) * 100) / 100,
    itemWritesPerEmail: Math.round((trace.writes.length / RECIPIENTS) * 100) / 100,
    dynamoUpdatesPerSecond: Math.round(dynamoUpdatesPerSecond),
    dynamoBoundRatio:
      Math.round(
        ((RECIPIENTS / waveSeconds) * (trace.writes.length / RECIPIENTS) * 100) / dynamoUpdatesPerSecond,
      ) / 100,
  };
};

export default bench;
