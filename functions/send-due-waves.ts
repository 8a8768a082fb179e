/** Scheduled every minute: sends the survey emails of every due wave, resuming where the last run stopped. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { digestTimeZone, emailConfig, publicBaseUrl, surveyPolicy, tableName } from '#shared/core/config.ts';
import type { SendReport } from '#shared/sending/report.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { recordSendReport } from './commons/metrics.ts';
import { awsClients, logger, metrics, signingKeys, tracer } from './commons/runtime.ts';

/** Leave this much of the invocation for finishing the batch in flight. */
const SAFETY_MS = 60_000;

export const sendDue = async (
  _event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SendReport> => {
  const { ddb, ses } = awsClients();
  const report = await sendDueWaves({
    ddb,
    ses,
    table: tableName(),
    email: emailConfig(),
    baseUrl: publicBaseUrl(),
    keys: await signingKeys(),
    policy: surveyPolicy(),
    timeZone: digestTimeZone(),
    now: () => new Date(),
    deadline: Date.now() + Math.max(1_000, context.getRemainingTimeInMillis() - SAFETY_MS),
    log: (message, detail) => logger.info(message, detail ?? {}),
  });
  if (report.waves.length) {
    logger.info('Sent due waves', { ...report });
    // A run with nothing due (most minutes) adds no data points; alarms read missing data as zero.
    recordSendReport(metrics, report);
  }
  return report;
};

export const handler = middy<ScheduledEvent | Record<string, never>, SendReport>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics))
  .handler(sendDue);
