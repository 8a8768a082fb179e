/**
 * One hostile comment through every channel staff read it in: typed into the answer form (bidi overrides, a
 * C1 control, zero-width characters, a Slack channel ping, a disguised Slack link and a script tag), taken in
 * by the real answer boundary, then read back from the owner alert email and the digest (SES emulator), the
 * console's Responses page and CSV export (console on the real Cognito emulator), and the JSON and Slack
 * webhooks (a receiver on loopback). Nowhere does an invisible character survive, a tag run, or Slack see a
 * mention or a link.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/console/routes.ts';
import { outboundPost } from '#shared/alerts/outbound-post.ts';
import { sendOwnerAlert } from '#shared/alerts/owner-alerts.ts';
import { addSubscription } from '#shared/alerts/subscriptions.ts';
import { deliverWebhooks } from '#shared/alerts/webhooks.ts';
import { parseAnswers } from '#shared/answering/responses.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { PERSONAL_DATA } from '#shared/privacy/personal-data.ts';
import { sendDigest } from '#shared/reporting/send.ts';
import { ALL_SCOPE, aggregateKey, dayPeriod, recipientKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import type { Recipient } from '#shared/waves/model.ts';
import {
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  serveConsole,
  startCognito,
} from '../support/console.ts';
import { busEvent, commitAnswer } from '../support/responses.ts';
import { inbox, useLocalStack } from '../support/stack.ts';

const D = 'hostile-comment.example.com';
const SLACK_PING = '<!channel> <https://evil.test/sso|Reset your SSO password here>';
/** As typed: RLO and RLI overrides, CSI (a C1 control), a zero-width space and joiner, a BOM, a ping, a script. */
const TYPED = `Slow\u202Etroppus\u2067 \u009b2J support\u200B\u200D\uFEFF. ${SLACK_PING} <script>alert(1)</script> <@U123> & co`;
/** What the answer boundary keeps: the words, with every invisible and control character gone. */
const CLEAN = `Slowtroppus 2J support. ${SLACK_PING} <script>alert(1)</script> <@U123> & co`;
/** No channel may carry any of these. */
const INVISIBLE = /[\u0080-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff]/;

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let cognito: CognitoLocal;
let app: Awaited<ReturnType<typeof serveConsole>>;
let viewer: ConsoleBrowser;
let receiver: Server;
const posted: { path: string; body: string }[] = [];
let details: ReturnType<typeof commitAnswer>['details'];

const NOW = new Date('2026-11-25T10:00:00Z');

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posted.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));

  const { id: waveId } = await createWave(
    stack,
    {
      name: 'Hostile',
      kind: 'nps',
      locale: 'en',
      product: 'Acme',
      sendAt: new Date('2026-11-20T09:00:00Z'),
      alertTo: `cs@${D}`,
    },
    () =>
      readAudience(
        Readable.from([`email,name,owner\neve@${D},Eve <!here> & co,owner@${D}\n`]),
        'hostile.csv',
      ),
    { skipInvalid: false, file: 'hostile.csv' },
  );
  const recipient = (
    await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: recipientKey(waveId, contactIdOf(`eve@${D}`)) }),
    )
  ).Item as Recipient;
  // The answer boundary: the form as the survey page posts it.
  const answers = parseAnswers(new URLSearchParams({ reason: TYPED, improve: `Call\u2066 me\u0085back` }));
  const committed = commitAnswer(recipient, undefined, 2, answers);
  details = committed.details;
  await stack.ddb.send(new PutCommand({ TableName: stack.table, Item: committed.after }));
  // Counted as the aggregator would: the console reads comments of the days that have a counter.
  await stack.ddb.send(
    new UpdateCommand({
      TableName: stack.table,
      Key: aggregateKey('nps', ALL_SCOPE, dayPeriod('2026-11-23')),
      UpdateExpression: 'ADD s2 :one, n :one',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );

  app = await serveConsole(consoleDeps(stack, cognito, { now: () => NOW }), ROUTES);
  await addConsoleUser(cognito, `viewer@${D}`, 'viewer');
  viewer = new ConsoleBrowser(app.url);
  expect((await viewer.signIn(`viewer@${D}`, 'Correct-horse-9-battery')).status).toBe(303);
});

afterAll(async () => {
  await app?.stop();
  await cognito?.stop();
  await new Promise<void>((r) => receiver?.close(() => r()));
});

/** What an HTML channel must show: the comment escaped, as text; no tag, no link, nothing invisible. */
const expectInertHtml = (html: string) => {
  expect(html).toContain('Slowtroppus 2J support.');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('&lt;!channel&gt;');
  expect(html).not.toContain('<script>alert');
  expect(html).not.toMatch(/href="https:\/\/evil/);
  expect(html).not.toMatch(INVISIBLE);
};

describe('a hostile comment', () => {
  it('loses its bidi, C1 and zero-width characters at the answer boundary, and keeps its words', () => {
    expect(details.data.answers?.reason).toBe(CLEAN);
    expect(details.data.answers?.improve).toBe('Call me\nback');
  });

  it('is inert in the owner alert email', async () => {
    expect(
      await sendOwnerAlert(
        { ...stack, fromAddress: 'surveys@example.com', configurationSet: undefined },
        details.data,
      ),
    ).toMatchObject({ sent: true });
    const [email] = await inbox(stack.sesUrl, [`owner@${D}`]);
    expectInertHtml(email?.body.html ?? '');
    expect(email?.body.text).toContain(CLEAN);
    expect(email?.body.text).not.toMatch(INVISIBLE);
  });

  it('is inert in the digest', async () => {
    const to = [{ address: `cfo@${D}`, locale: 'en' as const }];
    await sendDigest(
      {
        ...stack,
        fromAddress: 'surveys@example.com',
        configurationSet: undefined,
        timeZone: 'Europe/Amsterdam',
        minSegmentResponses: 30,
        title: 'Acme',
      },
      { now: new Date('2026-11-24T07:00:00Z'), days: 7, to },
    );
    const [email] = await inbox(stack.sesUrl, [`cfo@${D}`]);
    expectInertHtml(email?.body.html ?? '');
    expect(email?.body.text ?? '').not.toMatch(INVISIBLE);
  });

  it('is inert on the console’s Responses page', async () => {
    const page = await viewer.get('/console/responses');
    expect(page.status).toBe(200);
    expectInertHtml(page.body);
  });

  it('is plain text in the CSV export', async () => {
    const answer = await viewer.get('/console/responses/export.csv');
    expect(answer.status).toBe(200);
    const rows = parse(answer.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.reason)).toEqual([CLEAN]);
    expect(answer.body.replace(/^\uFEFF/, '')).not.toMatch(INVISIBLE);
  });

  it('is data in the JSON webhook and pings no one in the Slack webhook', async () => {
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const policy = { httpsOnly: false, allowLoopback: true };
    await addSubscription(stack, { url: `${base}/json`, on: 'detractor' }, { ...policy, now: NOW });
    await addSubscription(
      stack,
      { url: `${base}/slack`, on: 'detractor', format: 'slack' },
      { ...policy, now: NOW },
    );
    await deliverWebhooks({ ...stack, post: outboundPost(policy) }, busEvent(details).detail);

    const json = posted.find((p) => p.path === '/json');
    expect(JSON.parse(json?.body ?? '{}')).toMatchObject({ answers: { reason: CLEAN } });
    expect(json?.body).not.toMatch(INVISIBLE);

    const slack = JSON.parse(posted.find((p) => p.path === '/slack')?.body ?? '{}') as { text: string };
    expect(slack.text).toContain('Eve &lt;!here&gt; &amp; co scored 2');
    expect(slack.text).toContain(
      '&lt;!channel&gt; &lt;https://evil.test/sso|Reset your SSO password here&gt;',
    );
    expect(slack.text).toContain('&lt;@U123&gt; &amp; co');
    // Slack reads <…> as a mention or a link: none may come from the respondent.
    expect(slack.text).not.toMatch(/<[!@#]|<https?:/);
    expect(slack.text).not.toMatch(INVISIBLE);
  });

  it('leaves claims (ALERT#, DELIVERY#) that hold no address or text, in the personal-data map, expiring in 30 days', async () => {
    const scan = await stack.ddb.send(new ScanCommand({ TableName: stack.table }));
    const claims = (scan.Items ?? []).filter((i) => /^(ALERT|DELIVERY)#/.test(String(i.pk)));
    expect(claims.map((c) => String(c.pk).split('#')[0]).sort()).toEqual(['ALERT', 'DELIVERY', 'DELIVERY']);
    const inThirtyDays = Date.now() / 1000 + 30 * 86_400;
    for (const claim of claims) {
      expect(Number(claim.expiresAt)).toBeGreaterThan(inThirtyDays - 3_600);
      expect(Number(claim.expiresAt)).toBeLessThan(inThirtyDays + 3_600);
      expect(JSON.stringify(claim)).not.toMatch(/@|Slowtroppus|Eve/);
    }
    expect(PERSONAL_DATA.alertClaim.retention).toEqual({ expires: 'TTL 30 days after the alert' });
    expect(PERSONAL_DATA.webhookDelivery.retention).toEqual({ expires: 'TTL 30 days after the delivery' });
  });
});
