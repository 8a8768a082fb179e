/**
 * Erasing a person: their recipient and response items go (the aggregator subtracts them), and the contact
 * becomes a tombstone keyed by a hash of the address, which stops them being surveyed again without keeping
 * the address itself.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#shared/core/errors.ts';
import { contactKey, recipientKey, responseKey } from '#shared/store/keys.ts';
import { contactIdOf, normaliseEmail } from './contacts.ts';

export const eraseContact = async (
  store: { ddb: DynamoDBDocumentClient; table: string },
  rawAddress: string,
  now: Date,
): Promise<{ contactId: string; waves: number; removedItems: number }> => {
  const email = normaliseEmail(rawAddress);
  if (!email)
    throw new ValidationError(`"${rawAddress.slice(0, 100)}" is not a valid email address`, {
      field: 'address',
    });
  const contactId = contactIdOf(email);
  const contact = await store.ddb.send(
    new GetCommand({ TableName: store.table, Key: contactKey(contactId), ConsistentRead: true }),
  );
  const waves = [...((contact.Item?.waves as Set<string> | undefined) ?? [])];
  // 1. The tombstone first: from now on no sender will mail this person, whatever happens next.
  await store.ddb.send(
    new PutCommand({
      TableName: store.table,
      Item: {
        ...contactKey(contactId),
        contactId,
        erasedAt: now.toISOString(),
        waves: waves.length ? new Set(waves) : undefined,
      },
    }),
  );
  // 2. Then their data in each wave they were sent.
  let removedItems = 0;
  for (const waveId of waves) {
    for (const Key of [recipientKey(waveId, contactId), responseKey(waveId, contactId)]) {
      const out = await store.ddb.send(
        new DeleteCommand({ TableName: store.table, Key, ReturnValues: 'ALL_OLD' }),
      );
      if (out.Attributes) removedItems++;
    }
  }
  return { contactId, waves: waves.length, removedItems };
};
