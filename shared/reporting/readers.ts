/**
 * The digest's readers: who gets the scheduled digest, and in which language. A repository.
 * Each reader has an unguessable opt-out token (in the digest's List-Unsubscribe header and its visible
 * link): `DIGEST / OPTOUT#token` names the reader, so the public unsubscribe page finds them by key.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, paginateQuery, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { normaliseEmail, refuseErased } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import type { Locale } from '#shared/core/locale.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { ifFound } from '#shared/store/item.ts';
import { READER_PREFIX, readerKey, readerOptOutKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { optOutFromItem, optOutToItem, readerFromItem, readerToItem } from './reader-item.ts';

export interface Reader {
  address: string;
  locale: Locale;
  /**
   * The reader's one-click unsubscribe token, given when they are added. A reader added before tokens has
   * none until added again (the digest, which cannot change who reads it, never writes one).
   */
  optOut?: string;
}

/** 128 random bits, URL-safe: 22 characters. */
export const OPT_OUT_TOKEN = /^[A-Za-z0-9_-]{22}$/;
const newOptOutToken = (): string => randomBytes(16).toString('base64url');

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
    readers.push(...(page.Items ?? []).map(readerFromItem));
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

/** The reader and their opt-out item, in one transaction. */
const writeReader = async (store: TableStore, reader: Required<Reader>) => {
  await store.ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: store.table, Item: readerToItem(reader) } },
        { Put: { TableName: store.table, Item: optOutToItem(reader.optOut, reader) } },
      ],
    }),
  );
};

const getReader = async (store: TableStore, address: string): Promise<Reader | undefined> => {
  const out = await store.ddb.send(new GetCommand({ TableName: store.table, Key: readerKey(address) }));
  return ifFound(out.Item, readerFromItem);
};

/**
 * Adds a reader, or changes their language; a reader keeps their opt-out token, so old digests' links work.
 * The address is normalised as audience addresses are (`CEO@x` is `ceo@x`): `added` says whether it is new,
 * `previous` is an existing reader's language before.
 */
export const subscribeReader = async (
  store: TableStore,
  raw: string,
  locale: Locale,
): Promise<{ address: string; locale: Locale; added: boolean; previous?: Locale }> => {
  const address = readerAddress(raw);
  await refuseErased(store, address, 'address');
  const existing = await getReader(store, address);
  await writeReader(store, { address, locale, optOut: existing?.optOut ?? newOptOutToken() });
  return existing
    ? { address, locale, added: false, previous: existing.locale }
    : { address, locale, added: true };
};

const deleteOptOut = async (store: TableStore, token: unknown) => {
  if (typeof token === 'string')
    await store.ddb.send(new DeleteCommand({ TableName: store.table, Key: readerOptOutKey(token) }));
};

export const unsubscribeReader = async (store: TableStore, raw: string) => {
  const address = readerAddress(raw);
  const out = await store.ddb.send(
    new DeleteCommand({ TableName: store.table, Key: readerKey(address), ReturnValues: 'ALL_OLD' }),
  );
  await deleteOptOut(store, out.Attributes?.optOut);
  return { address, removed: Boolean(out.Attributes) };
};

/** Who an opt-out token names, if anyone (a malformed or unknown token names nobody). */
export const readerOfOptOut = async (
  store: TableStore,
  token: string,
): Promise<{ address: string; locale: Locale } | undefined> => {
  if (!OPT_OUT_TOKEN.test(token)) return undefined;
  const out = await store.ddb.send(new GetCommand({ TableName: store.table, Key: readerOptOutKey(token) }));
  return ifFound(out.Item, optOutFromItem);
};

/**
 * One click from the digest: the reader named by the token stops getting it, their reader and opt-out items
 * deleted (nothing of them is kept). Only the reader whose token it is: a token of an earlier subscription of
 * the same address that was since replaced removes nothing. Idempotent.
 */
export const optOutReader = async (
  store: TableStore,
  token: string,
): Promise<{ locale: Locale } | undefined> => {
  const named = await readerOfOptOut(store, token);
  if (!named) return undefined;
  try {
    await store.ddb.send(
      new DeleteCommand({
        TableName: store.table,
        Key: readerKey(named.address),
        ConditionExpression: 'optOut = :token',
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  await deleteOptOut(store, token);
  return { locale: named.locale };
};
