import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  type SESv2Client,
  SendBulkEmailCommand,
  type SendBulkEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttp } from '#infra/local/http.ts';
import { loadHandler } from '#infra/local/lambda.ts';
import { deliverSesEvent, SES_EVENTS_PATH } from '#infra/local/ses-events.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf, markUnsubscribed } from '#shared/contacts/contacts.ts';
import { eraseContact } from '#shared/privacy/erasure.ts';
import type { SenderDeps } from '#shared/sending/context.ts';
import { SharedRateLimiter } from '#shared/sending/rate-limiter.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { contactKey, sendRateKey } from '#shared/store/keys.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import { run } from '../../cli/commands.ts';
import { audienceCsv, inbox, linksOf, pollStream, senderDeps, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let server: Server;
let eventsUrl: string;
beforeAll(async () => {
  stack = await useLocalStack();
  // The local runtime's route, with the handler loaded from its entry in FUNCTIONS, as `npm start` does.
  const sesEvents = await loadHandler('sesEvents');
  server = await startHttp(
    0,
    async () => ({ statusCode: 404 }),
    () => true,
    {
      [SES_EVENTS_PATH]: (body) => deliverSesEvent(sesEvents, body),
    },
  );
  eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SES_EVENTS_PATH}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
});

const deps = (overrides: Partial<SenderDeps> = {}): SenderDeps => senderDeps(stack, overrides);

const newWave = (csv: string, skipInvalid = false) =>
  createWave(
    stack,
    {
      name: 'Deliverability',
      kind: 'nps',
      locale: 'en',
      product: 'Acme',
      sendAt: new Date(Date.now() - 1000),
    },
    () => readAudience(Readable.from([csv]), 'audience.csv'),
    { skipInvalid, file: 'audience.csv' },
  );

/** An SES event exactly as EventBridge delivers it from a configuration set. */
const sesEvent = (eventType: 'Bounce' | 'Complaint' | 'Delivery', address: string, extra: object = {}) => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': {
    Bounce: 'Email Bounced',
    Complaint: 'Email Complaint Received',
    Delivery: 'Email Delivered',
  }[eventType],
  source: 'aws.ses',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventType,
    mail: { destination: [address], tags: { 'ses:configuration-set': ['nps'] } },
    ...(eventType === 'Bounce'
      ? { bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: address }] } }
      : {}),
    ...(eventType === 'Complaint'
      ? { complaint: { complainedRecipients: [{ emailAddress: address }] } }
      : {}),
    ...extra,
  },
});

const post = (body: unknown) =>
  fetch(eventsUrl, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

const contact = async (email: string) =>
  (await stack.ddb.send(new GetCommand({ TableName: stack.table, Key: contactKey(contactIdOf(email)) })))
    .Item;

describe('SES bounce and complaint events, locally through the same handler', () => {
  it('suppresses a contact; duplicate and out-of-order events change nothing', async () => {
    const { emails } = audienceCsv(3);
    const [bounced, complained, transient] = emails as [string, string, string];
    expect((await post(sesEvent('Bounce', bounced))).status).toBe(202);
    const first = await contact(bounced);
    expect(first).toMatchObject({ suppressed: 'bounced' });
    // The same event again, then a complaint about the same mail arriving late: the first reason stays.
    expect((await post(sesEvent('Bounce', bounced))).status).toBe(202);
    expect((await post(sesEvent('Complaint', bounced))).status).toBe(202);
    expect(await contact(bounced)).toMatchObject({
      suppressed: 'bounced',
      suppressedAt: first?.suppressedAt,
    });
    expect((await post(sesEvent('Complaint', complained))).status).toBe(202);
    expect(await contact(complained)).toMatchObject({ suppressed: 'complained' });
    // A soft bounce does not suppress; a delivery event is filtered out by the rule (204), as in AWS.
    await post(
      sesEvent('Bounce', transient, {
        bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: transient }] },
      }),
    );
    expect((await post(sesEvent('Delivery', transient))).status).toBe(204);
    expect((await contact(transient))?.suppressed).toBeUndefined();
    expect((await post({ detail: { nope: 1 } })).status).toBe(400);
  });
});

describe('the skip ledger', () => {
  let poller: StreamPoller;
  afterAll(async () => poller?.stop());

  it('nps wave status counts skipped recipients by reason', async () => {
    const problems: string[] = [];
    const { aggregate } = await import('#functions/aggregate-responses.ts');
    poller = await pollStream(
      stack,
      'aggregateResponses',
      (event) => aggregate(event as never) as Promise<unknown>,
      (m) => problems.push(m),
    );
    const { emails } = audienceCsv(7);
    const [ok, unsubscribed, bounced, complained, fatigued, erased] = emails as string[];
    await markUnsubscribed(stack.ddb, stack.table, contactIdOf(unsubscribed as string), new Date());
    await post(sesEvent('Bounce', bounced as string));
    await post(sesEvent('Complaint', complained as string));
    await newWave(`email\n${fatigued}\n${erased}\n`);
    await sendDueWaves(deps());
    await eraseContact(stack, erased as string, new Date());
    const csv = ['email', ok, unsubscribed, bounced, complained, fatigued, erased, ok, 'not-an-address'].join(
      '\n',
    );
    const wave = await newWave(csv, true);
    await sendDueWaves(deps());
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the aggregator did not settle within 20 s')), 20_000);
    });
    await Promise.race([poller.settled(), late]).finally(() => clearTimeout(timer));
    expect(problems).toEqual([]);
    const status = (await run(['wave', 'status', wave.id], {}, {})).data as {
      sent: number;
      skipped: Record<string, number>;
    };
    expect(status.sent).toBe(1);
    expect(status.skipped).toEqual({
      duplicate: 1,
      invalid: 1,
      unsubscribed: 1,
      bounced: 1,
      complained: 1,
      fatigue: 1,
      erased: 1,
    });
  });
});

describe('what each survey email carries', () => {
  it('a plain-text part with every link, and no SES click tracking on our links', async () => {
    const { csv, emails } = audienceCsv(2);
    await newWave(csv);
    await sendDueWaves(deps());
    const mail = await inbox(stack.sesUrl, emails);
    expect(mail).toHaveLength(2);
    for (const m of mail) {
      const text = m.body.text ?? '';
      expect(
        [...text.matchAll(/https:\/\/survey\.example\.com\/r\/[\w.-]+\/(\d+)/g)].map((x) => Number(x[1])),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(text).toMatch(/https:\/\/survey\.example\.com\/u\/[\w.-]+/);
      expect(text).not.toMatch(/<[a-z]/i);
      const anchors = [...(m.body.html ?? '').matchAll(/<a\b[^>]*>/g)].map((x) => x[0]);
      const visible = anchors.filter((a) => !a.includes('/trap'));
      expect(visible.length).toBe(12);
      for (const a of visible) expect(a).toContain('ses:no-track');
      expect(linksOf(m).some((l) => l.includes('/u/'))).toBe(true);
    }
  });
});

/** The real SES client, with what SendBulkEmail did recorded and GetAccount's send rate set. */
const recordingSes = (
  rate: number,
  intercept?: (
    command: SendBulkEmailCommand,
    call: number,
  ) => Promise<SendBulkEmailCommandOutput> | undefined,
) => {
  const calls: { at: number; entries: string[] }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      if (command.constructor.name === 'GetAccountCommand') return { SendQuota: { MaxSendRate: rate } };
      if (command instanceof SendBulkEmailCommand) {
        calls.push({
          at: Date.now(),
          entries: (command.input.BulkEmailEntries ?? []).map((e) => e.Destination?.ToAddresses?.[0] ?? ''),
        });
        const replaced = intercept?.(command, calls.length);
        if (replaced) return replaced;
      }
      return stack.ses.send(command as never);
    },
  } as unknown as SESv2Client;
  return { client, calls };
};

describe('pacing and retries', () => {
  it('keeps two concurrent senders together under the account send rate', async () => {
    const rate = 40;
    const { csv, emails } = audienceCsv(160);
    await newWave(csv);
    const { client, calls } = recordingSes(rate);
    await Promise.all([sendDueWaves(deps({ ses: client })), sendDueWaves(deps({ ses: client }))]);
    const sent = calls.flatMap((c) => c.entries);
    expect(new Set(sent).size).toBe(160);
    expect(sent).toHaveLength(160);
    expect(Math.max(...calls.map((c) => c.entries.length))).toBeLessThanOrEqual(rate);
    // The shared budget is per calendar second: 160 emails at 40 a second fill four seconds' budgets, so the
    // first and last call are more than two full seconds apart, whichever sender sends them.
    const first = calls[0]?.at ?? 0;
    expect((calls.at(-1)?.at ?? 0) - first).toBeGreaterThanOrEqual(1_950);
    // Each calendar second's budget is `rate`; a call granted late in one second may land early in the next,
    // so no calendar second sees more than two seconds' budgets.
    const perSecond = new Map<number, number>();
    for (const c of calls)
      perSecond.set(
        Math.floor(c.at / 1000),
        (perSecond.get(Math.floor(c.at / 1000)) ?? 0) + c.entries.length,
      );
    for (const n of perSecond.values()) expect(n).toBeLessThanOrEqual(2 * rate);
    expect(await inbox(stack.sesUrl, emails)).toHaveLength(160);
  });

  it('does not send on a grant that came back after its second ended', async () => {
    // The limiter's own clock, in a second no other test takes from; it moves when the slow answer lands.
    let now = Date.UTC(2040, 0, 1, 0, 0, 0, 10);
    const first = Math.floor(now / 1000);
    const askedIn: number[] = [];
    // A slow DynamoDB: the first grant is answered only after its second is over.
    const slow = {
      send: async (command: never) => {
        askedIn.push(Math.floor(now / 1000));
        const out = await stack.ddb.send(command);
        if (askedIn.length === 1) now += 1000;
        return out;
      },
    } as unknown as typeof stack.ddb;
    const limiter = new SharedRateLimiter(slow, stack.table, 40, () => now);
    await limiter.take(40);
    // Asked again in the next second, and granted there.
    expect(askedIn).toEqual([first, first + 1]);
    const used = async (second: number) =>
      (await stack.ddb.send(new GetCommand({ TableName: stack.table, Key: sendRateKey(second) }))).Item?.used;
    // The stale grant stays counted: its second's budget was used, never handed out twice.
    expect(await used(first)).toBe(40);
    expect(await used(first + 1)).toBe(40);
  });

  it('retries only the entries SES throttled, with backoff, and sends each once', async () => {
    const { csv, emails } = audienceCsv(30, undefined, '');
    const onlyEnglish = csv.replaceAll(',nl,', ',en,');
    const wave = await newWave(onlyEnglish);
    const throttled: string[] = [];
    const { client, calls } = recordingSes(1000, (command, call) => {
      if (call !== 1) return undefined;
      // SES accepts every other entry and throttles the rest (per-entry ACCOUNT_THROTTLED).
      const entries = command.input.BulkEmailEntries ?? [];
      const accepted = entries.filter((_, i) => i % 2 === 0);
      return stack.ses
        .send(new SendBulkEmailCommand({ ...command.input, BulkEmailEntries: accepted }))
        .then((out) => {
          const results = entries.map((e, i) => {
            if (i % 2 === 0) return out.BulkEmailEntryResults?.[i / 2] ?? {};
            throttled.push(e.Destination?.ToAddresses?.[0] ?? '');
            return { Status: 'ACCOUNT_THROTTLED' as const, Error: 'Maximum sending rate exceeded.' };
          });
          return { ...out, BulkEmailEntryResults: results };
        });
    });
    const report = await sendDueWaves(deps({ ses: client }));
    expect(report).toMatchObject({ sent: 30, failed: 0, deferred: 0 });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.entries.sort()).toEqual(throttled.sort());
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(50);
    const mail = await inbox(stack.sesUrl, emails);
    expect(mail).toHaveLength(30);
    expect(new Set(mail.map((m) => m.destination.to[0])).size).toBe(30);
    const items = { Items: await allWaveItems(stack, wave.id, { prefix: 'RCPT#', consistent: true }) };
    expect((items.Items ?? []).every((r) => r.status === 'sent')).toBe(true);
  });
});
