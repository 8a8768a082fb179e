/**
 * The pipeline's CloudWatch metrics (namespace NpsSurveys): what a send run did, what the stream saw happen to
 * responses and recipients, and how far the stream consumers run behind. Counting is pure; `record*` adds
 * the counts to the Powertools metrics that the `logMetrics` middleware flushes.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { SendReport } from '#shared/sending/report.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { RECIPIENT_PREFIX, RESPONSE_PREFIX } from '#shared/store/keys.ts';

/** What the stream saw: responses that became committed or quarantined, recipients skipped and why. */
export interface StreamCounts {
  committed: number;
  quarantined: number;
  skippedByReason: Map<string, number>;
}

const statusOf = (image: Record<string, unknown> | undefined): unknown => image?.status;

/** A reason as a dimension value: one of the few words the sender writes, anything else as `other`. */
const reasonDimension = (reason: unknown): string =>
  typeof reason === 'string' && /^[a-z][a-z-]{0,31}$/.test(reason) ? reason : 'other';

/** Counts status changes into committed, quarantined and skipped; a change that stays in its status counts nothing. */
export const countChanges = (changes: readonly ItemChange[]): StreamCounts => {
  const counts: StreamCounts = { committed: 0, quarantined: 0, skippedByReason: new Map() };
  for (const change of changes) {
    const before = statusOf(change.oldImage);
    const after = statusOf(change.newImage);
    if (after === undefined || after === before) continue;
    if (change.sk.startsWith(RESPONSE_PREFIX)) {
      if (after === 'committed') counts.committed++;
      else if (after === 'quarantined') counts.quarantined++;
    } else if (change.sk.startsWith(RECIPIENT_PREFIX) && after === 'skipped') {
      const reason = reasonDimension(change.newImage?.reason);
      counts.skippedByReason.set(reason, (counts.skippedByReason.get(reason) ?? 0) + 1);
    }
  }
  return counts;
};

/** How long ago the newest record of the batch was written, in milliseconds (its time has whole seconds). */
export const streamLagMs = (event: DynamoDBStreamEvent, now: number): number | undefined => {
  let newest: number | undefined;
  for (const record of event.Records) {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    if (typeof created === 'number' && (newest === undefined || created > newest)) newest = created;
  }
  return newest === undefined ? undefined : Math.max(0, now - newest * 1000);
};

export const recordSendReport = (metrics: Metrics, report: SendReport): void => {
  metrics.addMetric('Sent', MetricUnit.Count, report.sent);
  metrics.addMetric('Skipped', MetricUnit.Count, report.skipped);
  metrics.addMetric('Failed', MetricUnit.Count, report.failed);
  metrics.addMetric('Deferred', MetricUnit.Count, report.deferred);
};

export const recordStreamCounts = (metrics: Metrics, counts: StreamCounts): void => {
  metrics.addMetric('Committed', MetricUnit.Count, counts.committed);
  metrics.addMetric('Quarantined', MetricUnit.Count, counts.quarantined);
  // One metric, a dimension per reason: each reason gets its own EMF line, as dimensions apply per line.
  for (const [reason, count] of counts.skippedByReason) {
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric('SkippedByReason', MetricUnit.Count, count);
  }
};

/** The stream lag of one consumer (`aggregator`, `publisher`), as its own line with the consumer's name. */
export const recordStreamLag = (
  metrics: Metrics,
  consumer: 'aggregator' | 'publisher',
  event: DynamoDBStreamEvent,
  now = Date.now(),
): void => {
  const lag = streamLagMs(event, now);
  if (lag === undefined) return;
  const single = metrics.singleMetric();
  single.addDimension('consumer', consumer);
  single.addMetric('StreamLag', MetricUnit.Milliseconds, lag);
};
