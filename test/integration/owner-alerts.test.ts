/**
 * Owner alerts against DynamoDB Local and the SES emulator: a wave created from an audience with owner and
 * owner_locale columns and a fallback alert address; ResponseDetails events as the publisher raises them
 * (the real eventsOfChange on real response transitions), handed to the real handler as EventBridge delivers
 * them, redeliveries included. The local rules deliver the same events with retries.
 */
import { Readable } from 'node:stream';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '#functions/commons/runtime.ts';
import { alertFromEvent } from '#functions/send-owner-alerts.ts';
import { startEventRules } from '#infra/local/event-rules.ts';
import type { Handler } from '#infra/local/lambda.ts';
import { FUNCTIONS } from '#infra/system.ts';
import { sendOwnerAlert } from '#shared/alerts/owner-alerts.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { EVENT_SOURCE } from '#shared/events/catalog.ts';
import { alertKey, recipientKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import type { Recipient } from '#shared/waves/model.ts';
import { recordTouches, refusal, type Touch } from '../support/grants.ts';
import { busEvent, commitAnswer } from '../support/responses.ts';
import { inbox, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let waveId: string;
let handlerCalls: Touch[] = [];
const D = 'owner-alerts.example.com';
const AUDIENCE = [
  'email,name,locale,owner,owner_locale,plan',
  `det@${D},Dana Detractor,en,am.nl@${D},nl,Enterprise`,
  `pas@${D},Pat Passive,de,,,Team`,
  `pro@${D},Pia Promoter,sv,am.sv@${D},sv,Pro`,
  `quiet@${D},Quinn,en,am.quiet@${D},,Free`,
].join('\n');

const recipientOf = async (address: string): Promise<Recipient> =>
  (
    await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: recipientKey(waveId, contactIdOf(address)) }),
    )
  ).Item as Recipient;

const commit = commitAnswer;
const delivered = busEvent;

const mailTo = (address: string) => inbox(stack.sesUrl, [address]);

beforeAll(async () => {
  stack = await useLocalStack();
  process.env.CONSOLE_URL = 'http://localhost:3000/console';
  const created = await createWave(
    stack,
    {
      name: 'Q4 accounts',
      kind: 'nps',
      locale: 'en',
      product: 'Acme Cloud',
      sendAt: new Date('2026-11-20T09:00:00Z'),
      alertTo: `cs-team@${D}`,
    },
    () => readAudience(Readable.from([AUDIENCE]), 'owners.csv'),
    { skipInvalid: false, file: 'owners.csv' },
  );
  waveId = created.id;
  handlerCalls = recordTouches(awsClients().ddb);
});

describe('owner alerts', () => {
  it('keeps the owner and the language of their alerts with the recipient, not as a segment', async () => {
    expect(await recipientOf(`det@${D}`)).toMatchObject({
      owner: `am.nl@${D}`,
      ownerLocale: 'nl',
      props: { plan: 'Enterprise' },
    });
    expect((await recipientOf(`pas@${D}`)).owner).toBeUndefined();
  });

  it('emails a detractor’s answers to their owner once, in the owner’s language, however often it is delivered', async () => {
    const recipient = await recipientOf(`det@${D}`);
    const { details } = commit(recipient, undefined, 2, {
      reason: 'Exports time out <b>every</b> Monday.',
      improve: 'Fix the exports\nand call me.',
    });
    for (let i = 0; i < 3; i++) await alertFromEvent(delivered(details));
    const mail = await mailTo(`am.nl@${D}`);
    expect(mail).toHaveLength(1);
    const [email] = mail;
    expect(email?.subject).toBe('Neem contact op met Dana Detractor: 2 van 10 voor Acme Cloud');
    const html = email?.body.html ?? '';
    expect(html).toContain('<html lang="nl"');
    expect(html).toContain('Exports time out &lt;b&gt;every&lt;/b&gt; Monday.');
    expect(html).toContain('Fix the exports<br>and call me.');
    expect(html).toContain('lang="en"'); // the answers are in the contact's language
    expect(html).toContain(`det@${D}`);
    expect(html).toContain('Enterprise');
    expect(html).toContain('Q4 accounts');
    expect(html).toContain(`href="http://localhost:3000/console/waves/${waveId}"`);
    expect(email?.body.text).toContain('Fix the exports\nand call me.');
    const claim = await stack.ddb.send(
      new GetCommand({
        TableName: stack.table,
        Key: alertKey(waveId, recipient.contactId, `v${details.data.revision}`),
      }),
    );
    expect(claim.Item).toMatchObject({ status: 'sent' });
    expect(JSON.stringify(claim.Item)).not.toContain('@');
  });

  it('sends again for a new version of the answers, once', async () => {
    const recipient = await recipientOf(`det@${D}`);
    const first = commit(recipient, undefined, 2, { reason: 'Exports time out every Monday.' });
    const second = commit(recipient, first.after, 3, {
      reason: 'Exports time out every Monday.',
      improve: 'Faster exports.',
    });
    expect(second.details.data.revision).toBeGreaterThan(first.details.data.revision);
    const before = (await mailTo(`am.nl@${D}`)).length;
    await alertFromEvent(delivered(second.details));
    await alertFromEvent(delivered(second.details));
    expect((await mailTo(`am.nl@${D}`)).length).toBe(before + 1);
  });

  it('sends nothing for a response without answers', async () => {
    const recipient = await recipientOf(`quiet@${D}`);
    const { details } = commit(recipient, undefined, 1);
    expect(await alertFromEvent(delivered(details))).toEqual({ sent: false, why: 'nothing to act on' });
    expect(await mailTo(`am.quiet@${D}`)).toEqual([]);
  });

  it('sends a passive’s answers to the wave’s alert address, in English, when the audience names no owner', async () => {
    const recipient = await recipientOf(`pas@${D}`);
    const { details } = commit(recipient, undefined, 7, { improve: 'Mehr Integrationen, bitte.' });
    expect(await alertFromEvent(delivered(details))).toMatchObject({ sent: true, kind: 'passive' });
    const [email] = await mailTo(`cs-team@${D}`);
    expect(email?.subject).toBe('Follow up with Pat Passive: 7 of 10 for Acme Cloud');
    expect(email?.body.html).toContain('lang="de"');
    expect(email?.body.html).toContain('Mehr Integrationen, bitte.');
  });

  it('introduces a promoter who consented to a referral to their owner, once per response', async () => {
    const recipient = await recipientOf(`pro@${D}`);
    const noConsent = commit(recipient, undefined, 10, { referral: 'Northwind AB' });
    expect(await alertFromEvent(delivered(noConsent.details))).toEqual({
      sent: false,
      why: 'nothing to act on',
    });
    const consent = commit(recipient, noConsent.after, 10, {
      referral: 'Northwind AB, their CTO',
      referralConsent: true,
    });
    await alertFromEvent(delivered(consent.details));
    const again = commit(recipient, consent.after, 9, {
      referral: 'Northwind AB, their CTO',
      referralConsent: true,
    });
    await alertFromEvent(delivered(again.details));
    const mail = await mailTo(`am.sv@${D}`);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.subject).toBe('Pia Promoter vill presentera Acme Cloud för andra');
    expect(mail[0]?.body.html).toContain('Northwind AB, their CTO');
  });

  it('lets the next delivery send an alert whose email failed', async () => {
    const recipient = await recipientOf(`quiet@${D}`);
    const { details } = commit(recipient, undefined, 4, { reason: 'Too expensive.' });
    const failing = { send: () => Promise.reject(new Error('SES is down')) } as unknown as SESv2Client;
    const deps = {
      ddb: stack.ddb,
      table: stack.table,
      fromAddress: 'surveys@example.com',
      configurationSet: undefined,
    };
    await expect(sendOwnerAlert({ ...deps, ses: failing }, details.data)).rejects.toThrow('SES is down');
    expect(await mailTo(`am.quiet@${D}`)).toEqual([]);
    expect(await sendOwnerAlert({ ...deps, ses: stack.ses }, details.data)).toMatchObject({ sent: true });
    expect(await mailTo(`am.quiet@${D}`)).toHaveLength(1);
  });
});

describe('the alert function’s table grant', () => {
  it('allows every call the handler made above', () => {
    expect(handlerCalls.length).toBeGreaterThan(0);
    const refused = handlerCalls.map((c) => refusal(FUNCTIONS.sendOwnerAlerts.table, c)).filter(Boolean);
    expect([...new Set(refused)]).toEqual([]);
  });
});

describe('the local event rules', () => {
  it('deliver a bus event to the alert function, retrying a failed attempt with the same event', async () => {
    const seen: string[] = [];
    let failures = 2;
    const handler: Handler = async (event) => {
      seen.push((event as { id: string }).id);
      if (failures-- > 0) throw new Error('not yet');
      return undefined;
    };
    const rules = await startEventRules({
      log: () => undefined,
      firstDelayMs: 10,
      handlers: { sendOwnerAlerts: handler },
    });
    const event = {
      version: '0' as const,
      id: 'e-1',
      'detail-type': 'ResponseDetails',
      source: EVENT_SOURCE,
      account: '0',
      time: '',
      region: '',
      resources: [],
      detail: {},
    };
    rules.deliver(event);
    rules.deliver({ ...event, id: 'e-2', 'detail-type': 'ResponseCommitted' });
    rules.deliver({ ...event, id: 'e-3', source: 'someone.else' });
    await rules.settled();
    expect(seen).toEqual(['e-1', 'e-1', 'e-1']);
  });
});
