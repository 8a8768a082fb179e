/**
 * DynamoDB Streams consumer: turns response and recipient changes into exact counters. The batch is merged
 * (each counter written once), so records are not processed one by one as Powertools' BatchProcessor would;
 * changes that could not be applied are reported back as batch item failures and retried by Lambda, and
 * the applied markers make the retry harmless.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { applyChanges, type ItemChange } from '#shared/aggregates.ts';
import { tableName } from '#shared/config.ts';
import { awsClients, logger } from './commons/runtime.ts';

/**
 * DynamoDB Local streams an empty map as `{}` instead of `{ "M": {} }`, which unmarshall rejects; read a
 * typeless value as the empty map it was.
 */
const repair = (value: unknown): unknown => {
  if (!value || typeof value !== 'object') return value;
  const av = value as Record<string, unknown>;
  if (Object.keys(av).length === 0) return { M: {} };
  if (av.M && typeof av.M === 'object') {
    return {
      M: Object.fromEntries(Object.entries(av.M as Record<string, unknown>).map(([k, v]) => [k, repair(v)])),
    };
  }
  if (Array.isArray(av.L)) return { L: av.L.map(repair) };
  return av;
};

const image = (raw: Record<string, unknown> | undefined) =>
  raw
    ? unmarshall(
        Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, repair(v)])) as Record<
          string,
          AttributeValue
        >,
      )
    : undefined;

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

export const aggregate = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const changes = event.Records.map(toChange).filter((c): c is ItemChange => c !== undefined);
  const result = await applyChanges({ ddb: awsClients().ddb, table: tableName() }, changes);
  if (result.failed.length)
    logger.warn('Some changes were not applied; Lambda will retry them', { ...result });
  // Lambda retries from the earliest reported record; already-applied ones are recognised and skipped.
  const order = new Map(event.Records.map((r, i) => [r.dynamodb?.SequenceNumber, i]));
  const earliest = [...result.failed].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))[0];
  return { batchItemFailures: earliest ? [{ itemIdentifier: earliest }] : [] };
};

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler(aggregate);
