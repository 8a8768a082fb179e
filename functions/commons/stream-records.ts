/**
 * Decoding DynamoDB stream records as Lambda delivers them, shared by the stream consumers, and the partial
 * batch response that makes Lambda retry from the earliest record that failed.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ItemChange } from '#shared/store/item-change.ts';
import { logger } from './runtime.ts';

const image = (raw: Record<string, unknown> | undefined) =>
  raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;

/** Validates and decodes one stream record; an undecodable record is skipped with an error log. */
export const toChange = (record: DynamoDBRecord): ItemChange | undefined => {
  const keys = image(record.dynamodb?.Keys as Record<string, unknown> | undefined);
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!keys || typeof keys.pk !== 'string' || typeof keys.sk !== 'string' || !sequenceNumber) {
    logger.error('Skipping a stream record without keys', { eventID: record.eventID });
    return undefined;
  }
  return {
    pk: keys.pk,
    sk: keys.sk,
    oldImage: image(record.dynamodb?.OldImage as Record<string, unknown> | undefined),
    newImage: image(record.dynamodb?.NewImage as Record<string, unknown> | undefined),
    // TTL deletions are made by the DynamoDB service principal.
    expired:
      record.eventName === 'REMOVE' &&
      record.userIdentity?.type === 'Service' &&
      record.userIdentity?.principalId === 'dynamodb.amazonaws.com',
    sequenceNumber,
  };
};

/** The batch response naming the earliest of the failed records (by sequence number) for Lambda to retry from. */
export const earliestFailure = (
  event: DynamoDBStreamEvent,
  failed: readonly string[],
): DynamoDBBatchResponse => {
  const order = new Map(event.Records.map((r, i) => [r.dynamodb?.SequenceNumber, i]));
  const earliest = [...failed].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))[0];
  return { batchItemFailures: earliest ? [{ itemIdentifier: earliest }] : [] };
};
