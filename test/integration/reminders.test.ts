/**
 * Reminders (`--remind-after`) against DynamoDB Local and the SES emulator, driven by the real sender with
 * its clock moved: once the time has come, one reminder to each recipient who has not answered, in their
 * language, never to one who answered or unsubscribed, once each however often the sender runs; a sender
 * that dies after SES accepted the reminders sends nobody a second one (their Send events settle them), one
 * that dies before loses nobody's, and only a reminder's own Send event records it as sent. The aggregator
 * counts them.
 */
import { Readable } from 'node:stream';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Handler, loadHandler } from '#infra/local/lambda.ts';
import { mirrorSends } from '#infra/local/ses-mirror.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf, markUnsubscribed } from '#shared/contacts/contacts.ts';
import type { SenderDeps } from '#shared/sending/context.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { CLAIM_LEASE_MS } from '#shared/sending/transitions.ts';
import { recipientKey, responseKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import { cancelReminder, getWave } from '#shared/waves/repository.ts';
import { waveStatus } from '#shared/waves/status.ts';
import { t } from '#templates/index.ts';
import { run } from '../../cli/commands.ts';
import { audienceCsv, inbox, pollStream, senderDeps, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let aggregator: StreamPoller;
let sesEvents: Handler;
const T0 = new Date('2026-11-23T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const deps = (now: Date, overrides: Partial<SenderDeps> = {}) =>
  senderDeps(stack, { now: () => now, ...overrides });

const newWave = async (csv: string) =>
  createWave(
    { ...stack, now: () => T0 },
    { name: 'Remind me', kind: 'nps', locale: 'en', product: 'Acme', sendAt: T0, remindAfterSeconds: 3600 },
    () => readAudience(Readable.from([csv]), 'remind.csv'),
    { skipInvalid: false, file: 'remind.csv' },
  );

const reminders = async (emails: readonly string[]) =>
  (await inbox(stack.sesUrl, emails)).filter((m) => /reminder|herinnering/i.test(m.subject ?? ''));

beforeAll(async () => {
  stack = await useLocalStack();
  aggregator = await pollStream(stack, 'aggregateResponses', await loadHandler('aggregateResponses'));
  sesEvents = await loadHandler('sesEvents');
});

const recipientOf = async (waveId: string, email: string) =>
  (
    await stack.ddb.send(
      new GetCommand({
        TableName: stack.table,
        Key: recipientKey(waveId, contactIdOf(email)),
        ConsistentRead: true,
      }),
    )
  ).Item;

afterAll(async () => {
  await aggregator?.stop();
});

describe('reminders', () => {
  it('reach, once and in their language, only those who have not answered and may still be mailed', async () => {
    const { csv, emails } = audienceCsv(5, 'remind');
    const wave = await newWave(csv);
    await sendDueWaves(deps(at(0)));
    expect(await inbox(stack.sesUrl, emails)).toHaveLength(5);
    // person0 answers; person1 unsubscribes.
    const answered = contactIdOf(emails[0] as string);
    await stack.ddb.send(
      new PutCommand({
        TableName: stack.table,
        Item: {
          ...responseKey(wave.id, answered),
          waveId: wave.id,
          contactId: answered,
          kind: 'nps',
          status: 'committed',
          score: 9,
        },
      }),
    );
    await markUnsubscribed(stack.ddb, stack.table, contactIdOf(emails[1] as string), at(10));

    expect((await sendDueWaves(deps(at(30)))).reminders).toBeUndefined(); // not due yet
    expect(await reminders(emails)).toEqual([]);

    const report = await sendDueWaves(deps(at(70)));
    expect(report.reminders).toEqual({ reminded: 3, skipped: 2, failed: 0, handedBack: 0 });
    const sent = await reminders(emails);
    expect(sent.map((m) => m.destination.to[0]).sort()).toEqual([emails[2], emails[3], emails[4]].sort());
    // audienceCsv: odd rows are Dutch.
    const dutch = sent.find((m) => m.destination.to[0] === emails[3]);
    expect(dutch?.subject?.startsWith(t('nl', 'survey.reminder.subject', { subject: '' }).trim())).toBe(true);
    const english = sent.find((m) => m.destination.to[0] === emails[2]);
    expect(english?.subject).toBe(
      t('en', 'survey.reminder.subject', { subject: t('en', 'survey.nps.subject', { product: 'Acme' }) }),
    );
    expect(english?.body.html).toMatch(/\/r\/[^"]+\/10"/); // the score links again

    await sendDueWaves(deps(at(90)));
    await sendDueWaves(deps(at(200)));
    expect(await reminders(emails)).toHaveLength(3);
    expect((await getWave(stack.ddb, stack.table, wave.id)).remindedAt).toBeDefined();
    await aggregator.settled();
    expect(await waveStatus(stack, await getWave(stack.ddb, stack.table, wave.id))).toMatchObject({
      sent: 5,
      reminded: 3,
    });
  });

  it('sends nobody a second reminder when the sender dies after SES accepted them', async () => {
    const { csv, emails } = audienceCsv(3, 'remind-crash');
    const wave = await newWave(csv);
    await sendDueWaves(deps(at(0)));
    // SES accepts the bulk call, then the sender dies before it writes the outcomes.
    const dying = {
      send: async (command: { constructor: { name: string } }) => {
        const out = await stack.ses.send(command as never);
        if (command.constructor.name === 'SendBulkEmailCommand') throw new Error('the sender died');
        return out;
      },
    } as unknown as SESv2Client;
    await expect(sendDueWaves(deps(at(70), { ses: dying }))).rejects.toThrow('the sender died');
    // The first bulk call (one language's recipients: the two English or the one Dutch, whichever the
    // wave's shards hold first) went out; the run died before the other.
    const first = (await reminders(emails)).map((m) => m.destination.to[0] as string);
    expect([1, 2]).toContain(first.length);
    // SES's Send events for those reminders settle their claims.
    await mirrorSends(stack.sesUrl, sesEvents, new Set());
    for (const email of first) expect((await recipientOf(wave.id, email))?.reminder).toBe('sent');
    // The others are reminded by the next run; after the lease nothing is handed back or sent again.
    expect((await sendDueWaves(deps(at(71)))).reminders).toMatchObject({
      reminded: 3 - first.length,
      handedBack: 0,
    });
    const after = await sendDueWaves(deps(new Date(at(70).getTime() + CLAIM_LEASE_MS + 60_000)));
    expect(after.reminders).toBeUndefined(); // nobody left: the wave left the reminder index
    const mail = await reminders(emails);
    expect(mail.map((m) => m.destination.to[0]).sort()).toEqual([...emails].sort());
  });

  it('records a reminder as sent only from its own email’s Send event, and sends it after a crash before SES', async () => {
    const { csv, emails } = audienceCsv(2, 'remind-lost');
    const wave = await newWave(csv);
    await sendDueWaves(deps(at(0)));
    // The reminders are claimed, then the sender dies before its call reaches SES: nothing went out.
    const dead = {
      send: async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'SendBulkEmailCommand') throw new Error('the sender died');
        return stack.ses.send(command as never);
      },
    } as unknown as SESv2Client;
    await expect(sendDueWaves(deps(at(70), { ses: dead }))).rejects.toThrow('the sender died');
    expect(await reminders(emails)).toEqual([]);
    // Every email's Send event again (a restart replays the inbox): the first emails' say nothing of reminders.
    await mirrorSends(stack.sesUrl, sesEvents, new Set());
    const states = await Promise.all(emails.map(async (e) => (await recipientOf(wave.id, e))?.reminder));
    expect(states).toContain('claimed');
    expect(states).not.toContain('sent');
    // After the lease, the claims no Send event settled go out: one reminder each, recorded as sent.
    const later = await sendDueWaves(deps(new Date(at(70).getTime() + CLAIM_LEASE_MS + 60_000)));
    expect(later.reminders).toMatchObject({ handedBack: states.filter((r) => r === 'claimed').length });
    await sendDueWaves(deps(new Date(at(70).getTime() + CLAIM_LEASE_MS + 120_000)));
    const mail = await reminders(emails);
    expect(mail.map((m) => m.destination.to[0]).sort()).toEqual([...emails].sort());
    for (const email of emails) expect((await recipientOf(wave.id, email))?.reminder).toBe('sent');
  });

  it('sends no reminder once it is cancelled, before the wave is sent or after, and cancels it only once', async () => {
    const before = audienceCsv(2, 'remind-cancel-before');
    const after = audienceCsv(2, 'remind-cancel-after');
    const early = await newWave(before.csv);
    const late = await newWave(after.csv);
    // Cancelled while the wave is still scheduled: its finisher indexes the reminder all the same.
    await cancelReminder(stack, early.id, at(-1));
    await sendDueWaves(deps(at(0)));
    expect(await inbox(stack.sesUrl, [...before.emails, ...after.emails])).toHaveLength(4);
    expect((await getWave(stack.ddb, stack.table, late.id)).remindAt).toBeDefined();
    // The CLI's door into the same core function.
    const cancelled = await run(['wave', 'cancel-reminder', late.id], {}, {});
    expect(cancelled.data).toMatchObject({ id: late.id, reminderCancelledAt: expect.any(String) });

    await sendDueWaves(deps(at(70)));
    await sendDueWaves(deps(at(200)));
    expect(await reminders([...before.emails, ...after.emails])).toEqual([]);
    for (const id of [early.id, late.id]) {
      const wave = await getWave(stack.ddb, stack.table, id);
      expect(wave.reminderCancelledAt).toBeDefined();
      expect((wave as unknown as Record<string, unknown>).gsi1pk).toBeUndefined();
      await expect(cancelReminder(stack, id, at(300))).rejects.toMatchObject({ name: 'ConflictError' });
    }
  });

  it('refuses a reminder delay under a minute or over 30 days', async () => {
    const { csv } = audienceCsv(1, 'remind-bad');
    for (const remindAfterSeconds of [30, 31 * 86_400])
      await expect(
        createWave(
          stack,
          { name: 'Bad', kind: 'nps', locale: 'en', product: 'Acme', sendAt: T0, remindAfterSeconds },
          () => readAudience(Readable.from([csv]), 'bad.csv'),
          { skipInvalid: false, file: 'bad.csv' },
        ),
      ).rejects.toThrow('--remind-after must be from 1m to 30d');
  });
});
