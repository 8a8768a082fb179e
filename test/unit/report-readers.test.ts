/** The readers' repository writes and reads `DIGEST / READER#address`; the table is a stub that records. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { listReaders, subscribeReader, unsubscribeReader } from '#shared/reporting/readers.ts';

const stubTable = (answer: (name: string) => Record<string, unknown>) => {
  const commands: { name: string; input: Record<string, unknown> }[] = [];
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  ddb.send = (async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    commands.push({ name: command.constructor.name, input: command.input });
    return answer(command.constructor.name);
  }) as never;
  return { store: { ddb, table: 'nps' }, commands };
};

describe('digest readers', () => {
  it('subscribes a reader under their normalised address with their language', async () => {
    const { store, commands } = stubTable(() => ({}));
    expect(await subscribeReader(store, '  CFO@Example.com ', 'nl')).toEqual({
      address: 'cfo@example.com',
      locale: 'nl',
      added: true,
    });
    // First whether the address was erased (the contact record), then the reader as it stands, then the write.
    expect(commands.map((c) => c.name)).toEqual(['GetCommand', 'GetCommand', 'TransactWriteCommand']);
    expect(commands[0]?.input.Key).toMatchObject({ pk: expect.stringMatching(/^CONTACT#/) });
    const [reader, optOut] = (commands[2]?.input.TransactItems ?? []) as {
      Put: { Item: Record<string, string> };
    }[];
    const token = reader?.Put.Item.optOut ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(reader?.Put.Item).toEqual({
      pk: 'DIGEST',
      sk: 'READER#cfo@example.com',
      address: 'cfo@example.com',
      locale: 'nl',
      optOut: token,
    });
    expect(optOut?.Put.Item).toEqual({
      pk: 'DIGEST',
      sk: `OPTOUT#${token}`,
      address: 'cfo@example.com',
      locale: 'nl',
    });
  });

  it("keeps a reader's opt-out token when their language changes, so old digests' links still work", async () => {
    const { store, commands } = stubTable((name) =>
      name === 'GetCommand'
        ? { Item: { address: 'cfo@example.com', locale: 'nl', optOut: 'A'.repeat(22) } }
        : {},
    );
    expect(await subscribeReader(store, 'CFO@Example.com', 'de')).toEqual({
      address: 'cfo@example.com',
      locale: 'de',
      added: false,
      previous: 'nl',
    });
    const [reader] = (commands[2]?.input.TransactItems ?? []) as { Put: { Item: Record<string, string> } }[];
    expect(reader?.Put.Item).toMatchObject({ locale: 'de', optOut: 'A'.repeat(22) });
  });

  it('says whether an unsubscribed reader was subscribed', async () => {
    const was = stubTable(() => ({ Attributes: { address: 'cfo@example.com' } }));
    expect(await unsubscribeReader(was.store, 'CFO@example.com')).toEqual({
      address: 'cfo@example.com',
      removed: true,
    });
    expect(was.commands[0]?.input).toMatchObject({ Key: { pk: 'DIGEST', sk: 'READER#cfo@example.com' } });
    const wasNot = stubTable(() => ({}));
    expect(await unsubscribeReader(wasNot.store, 'cmo@example.com')).toEqual({
      address: 'cmo@example.com',
      removed: false,
    });
  });

  it('refuses an address that is not one, and writes nothing', async () => {
    const { store, commands } = stubTable(() => ({}));
    await expect(subscribeReader(store, 'cfo at example', 'en')).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(unsubscribeReader(store, '')).rejects.toMatchObject({ name: 'ValidationError' });
    expect(commands).toEqual([]);
  });

  it('lists the readers of the DIGEST partition with their languages', async () => {
    const { store, commands } = stubTable(() => ({
      Items: [
        { pk: 'DIGEST', sk: 'READER#ceo@example.com', address: 'ceo@example.com', locale: 'en' },
        { pk: 'DIGEST', sk: 'READER#cmo@example.com', address: 'cmo@example.com', locale: 'sv' },
      ],
    }));
    expect(await listReaders(store)).toEqual([
      { address: 'ceo@example.com', locale: 'en' },
      { address: 'cmo@example.com', locale: 'sv' },
    ]);
    expect(commands[0]?.input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :reader)',
      ExpressionAttributeValues: { ':pk': 'DIGEST', ':reader': 'READER#' },
    });
  });
});
