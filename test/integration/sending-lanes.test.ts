/**
 * Sending in lanes against DynamoDB Local and the SES emulator: a wave large enough for four lanes sent by
 * two senders at once (one email per recipient, every shard in exactly one lane), and a lane whose sender
 * died mid-batch taken over within seconds, with SES's Send events keeping what it sent from going out twice.
 */
import { Readable } from 'node:stream';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Handler, loadHandler } from '#infra/local/lambda.ts';
import { mirrorSends } from '#infra/local/ses-mirror.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import type { SenderDeps } from '#shared/sending/context.ts';
import { HOLDER_GRACE_MS } from '#shared/sending/lane-lock.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { laneShards, shardOf, WAVE_SHARDS } from '#shared/store/keys.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import { getWave } from '#shared/waves/repository.ts';
import { audienceCsv, inbox, senderDeps, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let sesEvents: Handler;
beforeAll(async () => {
  stack = await useLocalStack();
  sesEvents = await loadHandler('sesEvents');
});

const deps = (overrides: Partial<SenderDeps> = {}): SenderDeps => senderDeps(stack, overrides);

const newWave = async (csv: string) =>
  createWave(
    stack,
    { name: 'Lanes', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() - 1000) },
    () => readAudience(Readable.from([csv]), 'lanes.csv'),
    { skipInvalid: false, file: 'lanes.csv' },
  );

/** How many emails each address got. */
const emailsPerAddress = async (emails: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const m of await inbox(stack.sesUrl, emails)) {
    const to = m.destination.to[0] as string;
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
};

const statusesOf = async (waveId: string) =>
  (await allWaveItems(stack, waveId, { prefix: 'RCPT#', consistent: true })).map((r) => String(r.status));

describe('a wave in four lanes, sent by two senders at once', () => {
  it('sends one email per recipient, and its lanes cover every shard exactly once (laneShards ends do not overlap)', {
    timeout: 400_000,
  }, async () => {
    const { csv, emails } = audienceCsv(800, 'lanes');
    const wave = await newWave(csv);
    const stored = await getWave(stack.ddb, stack.table, wave.id);
    expect(stored.lanes).toBeGreaterThanOrEqual(3);
    const lanes = stored.lanes as number;

    // Every shard in exactly one lane, and every recipient's shard in one.
    const owners = Array.from({ length: WAVE_SHARDS }, () => 0);
    for (let lane = 0; lane < lanes; lane++) {
      const [first, last] = laneShards(lane, lanes);
      for (let shard = first; shard <= last; shard++) owners[shard] = (owners[shard] ?? 0) + 1;
    }
    expect(owners.filter((n) => n !== 1)).toEqual([]);
    expect(new Set(emails.map((e) => shardOf(contactIdOf(e)))).size).toBeGreaterThan(lanes);

    const reports = await Promise.all([sendDueWaves(deps()), sendDueWaves(deps())]);
    // Whatever one of them left (a lane it found held at its end) the next run finishes.
    for (let run = 0; run < 3 && (await statusesOf(wave.id)).some((s) => s !== 'sent'); run++)
      reports.push(await sendDueWaves(deps()));
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(800);
    // Both ran at once over the same lanes; on a busy host one may finish them all before the other starts
    // a batch, so what is held to is the sum above and one email each below, not a share per sender.
    const counts = await emailsPerAddress(emails);
    expect(counts.size).toBe(800);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect((await statusesOf(wave.id)).every((s) => s === 'sent')).toBe(true);
  });
});

describe('a lane whose sender died mid-batch', () => {
  it('is taken over once its holder has not beaten for the grace (seconds, not the lease), and nobody gets two', async () => {
    const { csv, emails } = audienceCsv(120, 'takeover');
    const wave = await newWave(csv);
    let calls = 0;
    // SES takes the second bulk call, then the sender dies holding its batch.
    const dying = {
      send: async (command: Parameters<SESv2Client['send']>[0]) => {
        const out = await stack.ses.send(command as never);
        if (command.constructor.name === 'SendBulkEmailCommand' && ++calls === 2)
          throw new Error('the sender died');
        return out;
      },
    } as unknown as SESv2Client;
    await expect(sendDueWaves(deps({ ses: dying }))).rejects.toThrow('the sender died');
    const outBeforeTakeover = (await emailsPerAddress(emails)).size;
    expect(outBeforeTakeover).toBeGreaterThan(0);
    // SES's Send events settle what the dead sender sent.
    await mirrorSends(stack.sesUrl, sesEvents, new Set());
    // A sender a little past the grace, long before the claim's lease: it takes the lane over.
    const takeover = await sendDueWaves(deps({ now: () => new Date(Date.now() + HOLDER_GRACE_MS + 5_000) }));
    expect(takeover.sent).toBe(120 - outBeforeTakeover);
    const counts = await emailsPerAddress(emails);
    expect(counts.size).toBe(120);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect((await statusesOf(wave.id)).every((s) => s === 'sent')).toBe(true);
  });
});
