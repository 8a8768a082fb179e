/** The digest's readers: who gets the scheduled digest, and in which language. A repository. */
import { DeleteCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { normaliseEmail } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { READER_PREFIX, readerKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Locale } from '#templates/index.ts';

export interface Reader {
  address: string;
  locale: Locale;
}

export const listReaders = async (store: TableStore): Promise<Reader[]> => {
  const readers: Reader[] = [];
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :reader)',
      ExpressionAttributeValues: { ':pk': readerKey('').pk, ':reader': READER_PREFIX },
    },
  );
  for await (const page of pages) {
    readers.push(
      ...(page.Items ?? []).map((i) => ({ address: i.address as string, locale: i.locale as Locale })),
    );
  }
  return readers;
};

/** A reader's address, normalised; throws a ValidationError on one that is not an email address. */
export const readerAddress = (raw: string): string => {
  const address = normaliseEmail(raw);
  if (!address)
    throw new ValidationError(`"${raw.slice(0, 100)}" is not a valid email address`, { field: 'address' });
  return address;
};

export const subscribeReader = async (store: TableStore, raw: string, locale: Locale) => {
  const address = readerAddress(raw);
  await store.ddb.send(
    new PutCommand({ TableName: store.table, Item: { ...readerKey(address), address, locale } }),
  );
  return { address, locale };
};

export const unsubscribeReader = async (store: TableStore, raw: string) => {
  const address = readerAddress(raw);
  const out = await store.ddb.send(
    new DeleteCommand({ TableName: store.table, Key: readerKey(address), ReturnValues: 'ALL_OLD' }),
  );
  return { address, removed: Boolean(out.Attributes) };
};
