/**
 * Owner alerts (an EventBridge rule on the survey bus's ResponseDetails events): a detractor's or passive's
 * answers, or a promoter's referral consent, emailed to the contact's account manager once per version.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { type AlertOutcome, sendOwnerAlert } from '#shared/alerts/owner-alerts.ts';
import { consoleUrl, emailConfig, tableName } from '#shared/core/config.ts';
import type { ResponseDetailsEvent } from '#shared/events/response-events.ts';
import { awsClients, logger, tracer } from './commons/runtime.ts';

export const alertFromEvent = async (
  event: EventBridgeEvent<string, ResponseDetailsEvent>,
): Promise<AlertOutcome> => {
  const { ddb, ses } = awsClients();
  const url = consoleUrl();
  const outcome = await sendOwnerAlert(
    { ddb, ses, table: tableName(), ...emailConfig(), ...(url ? { consoleUrl: url } : {}) },
    event.detail.data,
  );
  // Without the owner's address: the log keeps no personal data.
  logger.info('Owner alert', {
    waveId: event.detail.data.waveId,
    revision: event.detail.data.revision,
    ...(outcome.sent ? { sent: true, kind: outcome.kind } : outcome),
  });
  return outcome;
};

export const handler = middy<EventBridgeEvent<string, ResponseDetailsEvent>, AlertOutcome>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .handler(alertFromEvent);
