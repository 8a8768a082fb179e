/**
 * Scheduled daily: the personal data of waves older than the retention period goes (docs/security.md),
 * resuming where the last run stopped; the counters do not move.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { retentionMonths, surveyPolicy, tableName } from '#shared/core/config.ts';
import { applyRetention, type RetentionReport } from '#shared/privacy/retention.ts';
import { awsClients, logger, tracer } from './commons/runtime.ts';

/** Leave this much of the invocation for the page in flight. */
const SAFETY_MS = 30_000;

export const retain = async (
  _event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<RetentionReport> => {
  const report = await applyRetention({
    ddb: awsClients().ddb,
    table: tableName(),
    now: new Date(),
    months: retentionMonths(),
    linkValidityDays: surveyPolicy().linkValidityDays,
    shouldStop: () => context.getRemainingTimeInMillis() < SAFETY_MS,
  });
  if (report.waves.length || report.unfinished) logger.info('Applied the retention period', { ...report });
  return report;
};

export const handler = middy<ScheduledEvent | Record<string, never>, RetentionReport>()
  .use(injectLambdaContext(logger))
  .use(captureLambdaHandler(tracer))
  .handler(retain);
