/** Scheduled weekly (and callable from the CLI): emails the leadership digest to its readers. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { digestSettings, emailConfig, tableName } from '#shared/core/config.ts';
import { type DigestSent, sendDigest } from '#shared/reporting/send.ts';
import { awsClients, logger, tracer } from './commons/runtime.ts';

/** The scheduled run at `now`: the last complete week's digest to every reader, once each. */
export const scheduledDigest = async (now: Date): Promise<DigestSent> => {
  const { ddb, ses } = awsClients();
  const email = emailConfig();
  const sent = await sendDigest(
    {
      ddb,
      ses,
      table: tableName(),
      ...email,
      ...digestSettings(),
    },
    // The last complete week, Monday to Sunday: consecutive runs cover consecutive weeks.
    { now, days: 7, completeWeek: true, oncePerPeriod: true },
  );
  logger.info('Sent the digest', {
    period: sent.period,
    readers: sent.recipients.length,
    alreadySent: sent.alreadySent.length,
  });
  return sent;
};

export const sendScheduledDigest = (): Promise<DigestSent> => scheduledDigest(new Date());

export const handler = middy<ScheduledEvent | Record<string, never>, DigestSent>()
  .use(injectLambdaContext(logger))
  // The result lists the readers' addresses: no trace keeps them.
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .handler(sendScheduledDigest);
