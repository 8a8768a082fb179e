/**
 * Erasure while the waves keep writing: a wave stores a new recipient for the person, and an answer in
 * flight stores their response, after erasure's first sweep read the waves and before it finished. The
 * second sweep (`privacy/erasure.ts`, step 3) exists for exactly this; nothing of the person may remain.
 */
import { Readable } from 'node:stream';
import { BatchGetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newResponse } from '#shared/answering/responses.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { eraseContact } from '#shared/privacy/erasure.ts';
import { contactKey, ERASURE_NOTICE_SORT_KEY, recipientKey } from '#shared/store/keys.ts';
import { createWave } from '#shared/waves/create.ts';
import { pendingRecipient } from '#shared/waves/model.ts';
import { useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
beforeAll(async () => {
  stack = await useLocalStack();
});

const tag = Math.random().toString(36).slice(2, 8);
const PERSON = `robin.race-${tag}@example.org`;
const NAME = `Robin Racewright ${tag}`;

const newWave = (name: string, emails: string[]) =>
  createWave(
    stack,
    { name, kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date(Date.now() + 86_400_000) },
    () =>
      readAudience(
        Readable.from([
          ['email,name,region', ...emails.map((e) => `${e},${e === PERSON ? NAME : 'Someone'},EU`)].join(
            '\n',
          ),
        ]),
        `${name}.csv`,
      ),
    { skipInvalid: false, file: `${name}.csv` },
  );

/** Items of the table that name the person (their id, address or name), but for the tombstone and notice. */
const theirs = async (contactId: string) => {
  const found: Record<string, unknown>[] = [];
  for await (const page of paginateScan(
    { client: stack.ddb },
    { TableName: stack.table, ConsistentRead: true },
  ))
    for (const item of page.Items ?? []) {
      const text = JSON.stringify(item, (_, v) => (v instanceof Set ? [...v] : v)).toLowerCase();
      const kept =
        item.pk === contactKey(contactId).pk &&
        [contactKey(contactId).sk, ERASURE_NOTICE_SORT_KEY].includes(item.sk as string);
      if (!kept && [contactId, PERSON, NAME.toLowerCase()].some((s) => text.includes(s))) found.push(item);
    }
  return found;
};

describe('erasing a person while a wave writes for them', () => {
  it('removes a recipient and a response written after the first sweep, so nothing of them remains', async () => {
    const contactId = contactIdOf(PERSON);
    const inWave = (await newWave('theirs', [PERSON, `other-${tag}@example.com`])).id;
    const later = (await newWave('later', [`someone-${tag}@example.com`])).id;
    const member = { contactId, email: PERSON, name: NAME, locale: 'en' as const, props: { region: 'EU' } };
    // The wave's writes land right after the first sweep read where the person is.
    let wrote = false;
    // The real client (paginators want one) with its send watched.
    const ddb = Object.create(stack.ddb) as typeof stack.ddb;
    ddb.send = (async (command: unknown) => {
      const out = await stack.ddb.send(command as never);
      const keys = command instanceof BatchGetCommand ? command.input.RequestItems?.[stack.table]?.Keys : [];
      const sweep = keys?.some(
        (k) => k.sk === recipientKey(later, contactId).sk && k.pk === recipientKey(later, contactId).pk,
      );
      if (sweep && !wrote) {
        wrote = true;
        const recipient = pendingRecipient(later, 'nps', member);
        await stack.ddb.send(new PutCommand({ TableName: stack.table, Item: recipient }));
        await stack.ddb.send(
          new PutCommand({
            TableName: stack.table,
            Item: newResponse(pendingRecipient(inWave, 'nps', member)),
          }),
        );
      }
      return out;
    }) as never;
    const result = await eraseContact({ ddb, table: stack.table }, PERSON, new Date());
    expect(wrote).toBe(true);
    expect(await theirs(contactId)).toEqual([]);
    // Counted with the rest: their recipient in both waves, and the response.
    expect(result.removed).toMatchObject({ recipient: 2, response: 1 });
    expect(result.waves).toBe(2);
  });
});
