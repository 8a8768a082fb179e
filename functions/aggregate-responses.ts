/**
 * DynamoDB Streams consumer: turns response and recipient changes into exact counters. The batch is merged
 * (each counter written once), so records are not processed one by one as Powertools' BatchProcessor would;
 * changes that could not be applied are reported back as batch item failures and retried by Lambda, and
 * the per-partition checkpoints make the retry harmless.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { applyChanges } from '#shared/aggregation/apply.ts';
import { tableName } from '#shared/core/config.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { countChanges, recordStreamCounts, recordStreamLag } from './commons/metrics.ts';
import { awsClients, logger, metrics, tracer } from './commons/runtime.ts';
import { earliestFailure, toChange } from './commons/stream-records.ts';

export const aggregate = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  recordStreamLag(metrics, 'aggregator', event);
  const changes = event.Records.map(toChange).filter((c): c is ItemChange => c !== undefined);
  const result = await applyChanges({ ddb: awsClients().ddb, table: tableName() }, changes);
  if (result.failed.length)
    logger.warn('Some changes were not applied; Lambda will retry them', { ...result });
  // Counted as seen: a retried batch counts again (metrics are a view, the counters are exact).
  recordStreamCounts(metrics, countChanges(changes));
  // Lambda retries from the earliest reported record; already-applied ones are recognised and skipped.
  return earliestFailure(event, result.failed);
};

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics))
  .handler(aggregate);
