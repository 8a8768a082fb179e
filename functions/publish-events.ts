/**
 * DynamoDB Streams consumer: the outbox of response events. Every committed or changed response in the table
 * becomes its events on the EventBridge bus (docs/events.md). The answer is saved before anything is
 * announced, and an event the bus does not take is retried by the stream (partial batch response), then lands
 * in the failure queue: none is dropped. Event ids are deterministic, so a redelivery is recognisable.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { tableName } from '#shared/core/config.ts';
import { announceChanges } from '#shared/events/publish.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { recordStreamLag } from './commons/metrics.ts';
import { awsClients, eventPublisher, logger, metrics, tracer } from './commons/runtime.ts';
import { earliestFailure, toChange } from './commons/stream-records.ts';

export const announce = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  recordStreamLag(metrics, 'publisher', event);
  const changes = event.Records.map(toChange).filter((c): c is ItemChange => c !== undefined);
  const result = await announceChanges(
    { ddb: awsClients().ddb, table: tableName(), events: eventPublisher() },
    changes,
  );
  if (result.failed.length)
    logger.warn('The bus did not take some events; the stream will deliver their changes again', {
      ...result,
    });
  return earliestFailure(event, result.failed);
};

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics))
  .handler(announce);
