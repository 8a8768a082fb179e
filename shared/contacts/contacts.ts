/** Contacts: identity by a hash of the normalised address, consent and suppression state. */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#shared/core/errors.ts';
import { contactIdOf, normaliseEmail } from '#shared/core/identity.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import { contactKey, surveyedKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { CONTACT_SORT_KEY, contactFromItem, surveyedFromItem } from './contact-item.ts';

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained' | 'erased';

export interface Contact {
  contactId: string;
  /** Absent once erased. */
  email?: string;
  lastSurveyedAt?: string;
  unsubscribedAt?: string;
  suppressed?: 'bounced' | 'complained';
  erasedAt?: string;
}

export { contactIdOf, normaliseEmail } from '../core/identity.ts';

/** Why a contact must not be surveyed now, or undefined. */
export const blockedReason = (
  contact: Contact | undefined,
  now: Date,
  fatigueDays: number,
): SuppressionReason | 'fatigue' | undefined => {
  if (!contact) return undefined;
  if (contact.erasedAt) return 'erased';
  if (contact.suppressed) return contact.suppressed;
  if (contact.unsubscribedAt) return 'unsubscribed';
  if (contact.lastSurveyedAt) {
    // Whole calendar days (UTC): a wave recurring every N days reaches its contacts again on day N, even when
    // the previous occurrence reached them a few hours after its start.
    const day = (at: number) => Math.floor(at / 86_400_000);
    if (day(now.getTime()) - day(Date.parse(contact.lastSurveyedAt)) < fatigueDays) return 'fatigue';
  }
  return undefined;
};

export const getContacts = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  contactIds: readonly string[],
): Promise<Map<string, Contact>> => {
  const ids = [...new Set(contactIds)];
  const items = await batchGetAll(ddb, table, [...ids.map(contactKey), ...ids.map(surveyedKey)]);
  // The record (consent, suppression, an imported history's last survey) and the fatigue mark, as one.
  const contacts = new Map<string, Contact>();
  for (const item of items) {
    const read = item.sk === CONTACT_SORT_KEY ? contactFromItem(item) : surveyedFromItem(item);
    const id = read.contactId;
    const known = contacts.get(id) ?? { contactId: id };
    const surveyed = [known.lastSurveyedAt, read.lastSurveyedAt]
      .filter((at): at is string => typeof at === 'string')
      .sort()
      .at(-1);
    contacts.set(id, {
      ...known,
      ...(item.sk === CONTACT_SORT_KEY ? read : {}),
      ...(surveyed ? { lastSurveyedAt: surveyed } : {}),
    });
  }
  return contacts;
};

export const markUnsubscribed = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  contactId: string,
  at: Date,
): Promise<void> => {
  await ddb.send(
    new UpdateCommand({
      TableName: table,
      Key: contactKey(contactId),
      UpdateExpression: 'SET contactId = :id, unsubscribedAt = if_not_exists(unsubscribedAt, :at)',
      ExpressionAttributeValues: { ':id': contactId, ':at': at.toISOString() },
    }),
  );
};

export const markSuppressed = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  contactId: string,
  reason: 'bounced' | 'complained',
  at: Date,
): Promise<void> => {
  await ddb.send(
    new UpdateCommand({
      TableName: table,
      Key: contactKey(contactId),
      UpdateExpression:
        'SET contactId = :id, suppressed = if_not_exists(suppressed, :r), suppressedAt = if_not_exists(suppressedAt, :at)',
      ExpressionAttributeValues: { ':id': contactId, ':r': reason, ':at': at.toISOString() },
    }),
  );
};

/** An erased person's address offered again: as a digest reader, an owner, an alert address or a console user. */
export class ErasedAddressError extends ValidationError {
  override name = 'ErasedAddressError';
}

/** Whether the address (normalised, or it is normalised here) is an erased person's. One consistent read. */
export const isErased = async (store: TableStore, address: string): Promise<boolean> => {
  const contactId = contactIdOf(normaliseEmail(address) ?? address);
  const out = await store.ddb.send(
    new GetCommand({ TableName: store.table, Key: contactKey(contactId), ConsistentRead: true }),
  );
  return Boolean(out.Item?.erasedAt);
};

/**
 * Refuses a (normalised) address whose contact is a tombstone: erasure promised it is kept nowhere, so no
 * door stores it again. One consistent read of the contact item.
 */
export const refuseErased = async (store: TableStore, address: string, field: string): Promise<void> => {
  if (await isErased(store, address))
    throw new ErasedAddressError(
      `${address} was erased at the person’s request and cannot be stored again (${field})`,
      { field },
    );
};
