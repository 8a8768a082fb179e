/**
 * Alert webhooks (an EventBridge rule on the survey bus's ResponseDetails events): each matching
 * subscription of `nps alert add` gets a POST; a failed one makes the event come back (EventBridge retries,
 * then the rule's dead-letter queue), and only the failed ones are posted again.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { outboundPost } from '#shared/alerts/outbound-post.ts';
import { deliverWebhooks } from '#shared/alerts/webhooks.ts';
import { tableName, webhookPolicy } from '#shared/core/config.ts';
import type { ResponseDetailsEvent } from '#shared/events/response-events.ts';
import { awsClients, logger, tracer } from './commons/runtime.ts';

export const webhooksFromEvent = async (
  event: EventBridgeEvent<string, ResponseDetailsEvent>,
): Promise<{ delivered: string[]; skipped: string[] }> => {
  const post = outboundPost(webhookPolicy());
  const outcome = await deliverWebhooks({ ddb: awsClients().ddb, table: tableName(), post }, event.detail);
  logger.info('Webhooks', { event: event.detail.metadata.id, ...outcome });
  return outcome;
};

export const handler = middy<
  EventBridgeEvent<string, ResponseDetailsEvent>,
  { delivered: string[]; skipped: string[] }
>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .handler(webhooksFromEvent);
