/**
 * Alert webhooks against DynamoDB Local and a real HTTP receiver: `nps alert add|list|remove` as the CLI runs
 * them, refused URLs, and ResponseDetails events delivered through the local rules (as the bus delivers
 * them) to the real handler: a receiver that fails twice gets the same payload a third time and never again,
 * a Slack subscription gets `{ "text": … }`, and only the subscriptions whose trigger matches get a POST.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhooksFromEvent } from '#functions/deliver-webhooks.ts';
import { startEventRules } from '#infra/local/event-rules.ts';
import type { Handler } from '#infra/local/lambda.ts';
import { checkWebhookUrl, type Subscription } from '#shared/alerts/subscriptions.ts';
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

beforeAll(async () => {
  await useLocalStack();
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
});

afterAll(async () => {
  await new Promise<void>((r) => receiver?.close(() => r()));
});

describe('webhook URLs', () => {
  it('must be https in AWS, and never link-local, metadata or carry credentials', () => {
    expect(checkWebhookUrl('https://hooks.slack.com/services/T/B/x', { httpsOnly: true })).toBe(
      'https://hooks.slack.com/services/T/B/x',
    );
    expect(() => checkWebhookUrl('http://example.com/hook', { httpsOnly: true })).toThrow(/https/);
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', { httpsOnly: false })).toBe(
      'http://127.0.0.1:9000/hook',
    );
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
