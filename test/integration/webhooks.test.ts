/**
 * Alert webhooks against DynamoDB Local and a real HTTP receiver: `nps alert add|list|remove` as the CLI runs
 * them, refused URLs, and ResponseDetails events delivered through the local rules (as the bus delivers
 * them) to the real handler: a receiver that fails twice gets the same payload a third time and never again,
 * a Slack subscription gets `{ "text": … }`, and only the subscriptions whose trigger matches get a POST.
 * Receivers here are on loopback (WEBHOOK_ALLOW_LOOPBACK=1, as tests run them); a name that resolves inside
 * the network is refused at delivery with nothing sent, and the connection goes to the address checked.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhooksFromEvent } from '#functions/deliver-webhooks.ts';
import { startEventRules } from '#infra/local/event-rules.ts';
import type { Handler } from '#infra/local/lambda.ts';
import { outboundPost, type Resolver } from '#shared/alerts/outbound-post.ts';
import { checkWebhookUrl, type Subscription } from '#shared/alerts/subscriptions.ts';
import { deliverWebhooks, WebhookDeliveryError } from '#shared/alerts/webhooks.ts';
import { webhookPolicy } from '#shared/core/config.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { pendingRecipient } from '#shared/waves/model.ts';
import { run } from '../../cli/commands.ts';
import { busEvent, commitAnswer } from '../support/responses.ts';
import { useLocalStack } from '../support/stack.ts';

let receiver: Server;
let base: string;
const received: { path: string; headers: IncomingHttpHeaders; body: unknown }[] = [];
/** How many more requests to /flaky fail with 500 before it accepts. */
let flaky = 2;

const recipient = (email: string, name: string) =>
  pendingRecipient('w-hooks', 'nps', {
    contactId: contactIdOf(email),
    email,
    name,
    locale: 'en',
    props: { plan: 'Pro' },
  });

const cli = async (argv: string[], options: Record<string, string> = {}) =>
  (await run(argv, options, {})).data as Subscription & Subscription[];

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let pinnedReceiver: Server;
let pinnedPort = 0;

beforeAll(async () => {
  stack = await useLocalStack();
  process.env.WEBHOOK_ALLOW_LOOPBACK = '1';
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      if (req.url === '/flaky' && flaky-- > 0) res.writeHead(500).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // Only on 127.0.0.2: a connection that looked `localhost` up again (127.0.0.1, ::1) would not reach it.
  pinnedReceiver = createServer((req, res) => {
    received.push({ path: `pinned:${req.url}`, headers: req.headers, body: null });
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => pinnedReceiver.listen(0, '127.0.0.2', () => r()));
  pinnedPort = (pinnedReceiver.address() as AddressInfo).port;
});

afterAll(async () => {
  delete process.env.WEBHOOK_ALLOW_LOOPBACK;
  await new Promise<void>((r) => receiver?.close(() => r()));
  await new Promise<void>((r) => pinnedReceiver?.close(() => r()));
});

describe('webhook URLs', () => {
  it('must be https in AWS, and never link-local, metadata or carry credentials', () => {
    expect(checkWebhookUrl('https://hooks.slack.com/services/T/B/x', { httpsOnly: true })).toBe(
      'https://hooks.slack.com/services/T/B/x',
    );
    expect(() => checkWebhookUrl('http://example.com/hook', { httpsOnly: true })).toThrow(/https/);
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', { httpsOnly: false, allowLoopback: true })).toBe(
      'http://127.0.0.1:9000/hook',
    );
    expect(() => checkWebhookUrl('http://127.0.0.1:9000/hook', { httpsOnly: false })).toThrow(/inside/);
    for (const bad of [
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://[fe80::1]/hook',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://user:secret@example.com/hook',
      'ftp://example.com/hook',
      'not a url',
    ])
      expect(() => checkWebhookUrl(bad, { httpsOnly: false }), bad).toThrow();
  });
});

describe('nps alert', () => {
  it('adds, lists and removes subscriptions, and refuses an unknown trigger or format', async () => {
    const added = await cli(['alert', 'add'], { webhook: `${base}/temp`, on: 'passive' });
    expect(added).toMatchObject({ url: `${base}/temp`, on: 'passive', format: 'json' });
    expect((await cli(['alert', 'list'])).map((s) => s.id)).toContain(added.id);
    await cli(['alert', 'remove', added.id]);
    expect((await cli(['alert', 'list'])).map((s) => s.id)).not.toContain(added.id);
    await expect(run(['alert', 'add'], { webhook: `${base}/x`, on: 'angry' }, {})).rejects.toThrow(
      /--on must be one of/,
    );
    await expect(
      run(['alert', 'add'], { webhook: `${base}/x`, on: 'detractor', format: 'xml' }, {}),
    ).rejects.toThrow(/--format must be json or slack/);
    await expect(run(['alert', 'remove', 'nope'], {}, {})).rejects.toThrow(/No alert subscription nope/);
  });

  it('delivers a detractor’s answers to a failing URL until it accepts, with one id, and never after', async () => {
    const hook = await cli(['alert', 'add'], { webhook: `${base}/flaky`, on: 'detractor' });
    const slack = await cli(['alert', 'add'], { webhook: `${base}/slack`, on: 'detractor', format: 'slack' });
    await cli(['alert', 'add'], { webhook: `${base}/promoters`, on: 'promoter' });
    const rules = await startEventRules({
      log: () => undefined,
      firstDelayMs: 20,
      handlers: { deliverWebhooks: webhooksFromEvent as Handler, sendOwnerAlerts: async () => undefined },
    });
    const { details } = commitAnswer(recipient(`dee@webhooks.example.com`, 'Dee'), undefined, 3, {
      reason: 'Support never called back.',
    });
    const event = busEvent(details);
    rules.deliver({ ...event, version: '0', detail: event.detail });
    await rules.settled();

    const flakyCalls = received.filter((r) => r.path === '/flaky');
    expect(flakyCalls).toHaveLength(3);
    const ids = new Set(flakyCalls.map((r) => r.headers['x-nps-delivery-id']));
    expect(ids).toEqual(new Set([`${details.metadata.id}:${hook.id}`]));
    expect(flakyCalls[2]?.body).toMatchObject({
      id: `${details.metadata.id}:${hook.id}`,
      type: 'detractor',
      score: 3,
      category: 'detractor',
      waveId: 'w-hooks',
      contact: { email: 'dee@webhooks.example.com', name: 'Dee', props: { plan: 'Pro' } },
      answers: { reason: 'Support never called back.' },
    });
    const slackCalls = received.filter((r) => r.path === '/slack');
    expect(slackCalls).toHaveLength(1);
    expect(slackCalls[0]?.body).toEqual({
      text: '*Detractor*: Dee scored 3 of 10 (NPS, wave w-hooks)\n> Support never called back.',
    });
    expect(slackCalls[0]?.headers['x-nps-delivery-id']).toBe(`${details.metadata.id}:${slack.id}`);
    expect(received.filter((r) => r.path === '/promoters')).toEqual([]);

    // The bus delivers the same event again: nothing is posted twice.
    rules.deliver({ ...event, version: '0', detail: event.detail });
    await rules.settled();
    expect(received.filter((r) => r.path === '/flaky')).toHaveLength(3);
    expect(received.filter((r) => r.path === '/slack')).toHaveLength(1);
  });
});

describe('webhook delivery', () => {
  const passive = (email: string) =>
    busEvent(commitAnswer(recipient(email, 'Pat'), undefined, 7, { reason: 'Fine.' }).details).detail;

  it('refuses a name that resolves to 127.0.0.1 at delivery, and sends it nothing', async () => {
    const port = (receiver.address() as AddressInfo).port;
    // The name passes when added (it looks public); only its address gives it away.
    const hook = await cli(['alert', 'add'], {
      webhook: `http://hooks.rebind.example.com:${port}/rebind`,
      on: 'passive',
    });
    const lookups: string[] = [];
    const resolver: Resolver = async (name) => {
      lookups.push(name);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const deps = { ...stack, post: outboundPost(webhookPolicy(), resolver) };
    const delivery = deliverWebhooks(deps, passive('pat@rebind.example.com'));
    await expect(delivery).rejects.toThrow(WebhookDeliveryError);
    await expect(delivery).rejects.toThrow(/refused .*127\.0\.0\.1 is loopback/);
    expect(lookups).toEqual(['hooks.rebind.example.com']);
    expect(received.filter((r) => r.path === '/rebind')).toEqual([]);
    await cli(['alert', 'remove', hook.id]);
  });

  it('connects to the address it checked, never looking the name up again', async () => {
    await cli(['alert', 'add'], { webhook: `http://localhost:${pinnedPort}/pinned`, on: 'passive' });
    let lookups = 0;
    const resolver: Resolver = async () => {
      lookups += 1;
      // ::1 first, where nothing listens: the connection tries the next checked address, as fetch would.
      return [
        { address: '::1', family: 6 },
        { address: '127.0.0.2', family: 4 },
      ];
    };
    const deps = { ...stack, post: outboundPost(webhookPolicy(), resolver) };
    const outcome = await deliverWebhooks(deps, passive('pia@pinned.example.com'));
    expect(outcome.delivered).toHaveLength(1);
    expect(lookups).toBe(1);
    expect(received.filter((r) => r.path === 'pinned:/pinned')).toHaveLength(1);
  });
});
