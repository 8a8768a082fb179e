/**
 * SES's Send event for a recipient whose outcome is recorded already (by the sender, or an earlier delivery
 * of the event) changes nothing: not the status, the time, the message id or the version. The local stack
 * replays every stored email as a Send event (`mirrorSends`), so this case is the common one.
 */
import { Readable } from 'node:stream';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { recordAcceptance } from '#shared/sending/acceptance.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { recipientKey, surveyedKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import { audienceCsv, senderDeps, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
beforeAll(async () => {
  stack = await useLocalStack();
});

const read = async (key: { pk: string; sk: string }) =>
  (await stack.ddb.send(new GetCommand({ TableName: stack.table, Key: key, ConsistentRead: true }))).Item;

describe('an SES Send event for a recipient already settled', () => {
  it('answers already and leaves a sent recipient’s sentAt, messageId, version and fatigue mark as they were', async () => {
    const { csv, emails } = audienceCsv(2);
    const wave = await createWave(
      stack,
      { name: 'Settled', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() - 1000) },
      () => readAudience(Readable.from([csv]), 'a.csv'),
      { skipInvalid: false, file: 'a.csv' },
    );
    await sendDueWaves(senderDeps(stack));
    const email = emails[0] as string;
    const contactId = contactIdOf(email);
    const before = await read(recipientKey(wave.id, contactId));
    const markBefore = await read(surveyedKey(contactId));
    expect(before).toMatchObject({
      status: 'sent',
      messageId: expect.any(String),
      sentAt: expect.any(String),
    });
    expect(markBefore).toBeDefined();

    // The event arrives (again) later, with another message id: a replay, or a stray duplicate.
    const outcome = await recordAcceptance(
      { ddb: stack.ddb, table: stack.table, timeZone: 'Europe/Amsterdam' },
      {
        waveId: wave.id,
        contactId,
        email,
        messageId: 'another-message-id',
        kind: 'first',
        at: new Date(Date.parse(before?.sentAt as string) + 3 * 86_400_000),
      },
    );
    expect(outcome).toBe('already');
    const after = await read(recipientKey(wave.id, contactId));
    expect(after).toEqual(before);
    expect(after?.version).toBe(before?.version);
    expect(await read(surveyedKey(contactId))).toEqual(markBefore);
  });
});
