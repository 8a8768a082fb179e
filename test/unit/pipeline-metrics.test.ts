import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  countChanges,
  recordSendReport,
  recordStreamCounts,
  recordStreamLag,
  streamLagMs,
} from '#functions/commons/metrics.ts';
import { metrics } from '#functions/commons/runtime.ts';
import type { ItemChange } from '#shared/store/item-change.ts';

const change = (
  sk: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): ItemChange => ({
  pk: 'WAVE#w1',
  sk,
  oldImage: before && { sk, ...before },
  newImage: after && { sk, ...after },
  expired: false,
  sequenceNumber: '1',
});

const streamEvent = (...createdSeconds: (number | undefined)[]): DynamoDBStreamEvent => ({
  Records: createdSeconds.map((seconds) => ({ dynamodb: { ApproximateCreationDateTime: seconds } })),
});

/** The EMF documents the metrics print on stdout while `body` runs. */
const emfOf = (body: () => void): Record<string, unknown>[] => {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  body();
  vi.restoreAllMocks();
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

afterEach(() => {
  vi.restoreAllMocks();
  metrics.clearMetrics();
});

describe('countChanges', () => {
  it('counts responses that became committed or quarantined, and recipients skipped by reason', () => {
    const counts = countChanges([
      change('RESP#a', { status: 'pending' }, { status: 'committed' }),
      change('RESP#b', undefined, { status: 'committed' }),
      change('RESP#c', { status: 'pending' }, { status: 'quarantined' }),
      change('RCPT#d', { status: 'pending' }, { status: 'skipped', reason: 'unsubscribed' }),
      change('RCPT#e', { status: 'pending' }, { status: 'skipped', reason: 'fatigue' }),
      change('RCPT#f', { status: 'pending' }, { status: 'skipped', reason: 'fatigue' }),
    ]);
    expect(counts).toEqual({
      committed: 2,
      quarantined: 1,
      skippedByReason: new Map([
        ['unsubscribed', 1],
        ['fatigue', 2],
      ]),
    });
  });

  it('counts nothing for a change that stays in its status, a removal, or another kind of item', () => {
    const counts = countChanges([
      change('RESP#a', { status: 'committed', score: 7 }, { status: 'committed', score: 9 }),
      change('RESP#b', { status: 'quarantined' }, { status: 'quarantined', clicks: 5 }),
      change('RESP#c', { status: 'committed' }, undefined),
      change('RCPT#d', { status: 'skipped', reason: 'erased' }, { status: 'skipped', reason: 'erased' }),
      change('RCPT#e', { status: 'claimed' }, { status: 'sent' }),
      change('WAVE', { status: 'scheduled' }, { status: 'committed' }),
    ]);
    expect(counts).toEqual({ committed: 0, quarantined: 0, skippedByReason: new Map() });
  });

  it('files a reason that is not a short word under "other", so a dimension cannot grow without bound', () => {
    const counts = countChanges([
      change('RCPT#a', undefined, {
        status: 'skipped',
        reason: 'MessageRejected: Email address is not verified',
      }),
      change('RCPT#b', undefined, { status: 'skipped' }),
    ]);
    expect(counts.skippedByReason).toEqual(new Map([['other', 2]]));
  });
});

describe('streamLagMs', () => {
  it('measures from the newest record of the batch', () => {
    // Newest record written at 1,700,000,010 s; now is 1,700,000,012.5 s → 2.5 s behind.
    expect(streamLagMs(streamEvent(1_700_000_000, 1_700_000_010, 1_700_000_005), 1_700_000_012_500)).toBe(
      2_500,
    );
  });

  it('is never negative (the record time has whole seconds) and absent without times', () => {
    expect(streamLagMs(streamEvent(1_700_000_010), 1_700_000_009_900)).toBe(0);
    expect(streamLagMs(streamEvent(undefined), 1_700_000_000_000)).toBeUndefined();
    expect(streamLagMs(streamEvent(), 1_700_000_000_000)).toBeUndefined();
  });
});

describe('what reaches CloudWatch (EMF lines on stdout)', () => {
  it('publishes a send run as Sent, Skipped, Failed and Deferred in the NpsSurveys namespace', () => {
    const [emf] = emfOf(() => {
      recordSendReport(metrics, {
        waves: ['w1'],
        sent: 40,
        skipped: 3,
        failed: 2,
        deferred: 5,
        scheduled: [],
      });
      metrics.publishStoredMetrics();
    });
    expect(emf).toMatchObject({ service: 'nps', Sent: 40, Skipped: 3, Failed: 2, Deferred: 5 });
    type Directive = { Namespace: string; Metrics: { Name: string }[] };
    const [directive] =
      (emf?._aws as { CloudWatchMetrics: Directive[] } | undefined)?.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe('NpsSurveys');
    expect(directive?.Metrics.map((m) => m.Name).sort()).toEqual(['Deferred', 'Failed', 'Sent', 'Skipped']);
  });

  it('publishes each skip reason as its own line with a reason dimension', () => {
    const lines = emfOf(() => {
      recordStreamCounts(metrics, {
        committed: 4,
        quarantined: 1,
        skippedByReason: new Map([
          ['bounced', 2],
          ['fatigue', 6],
        ]),
      });
      metrics.publishStoredMetrics();
    });
    expect(lines.filter((l) => 'SkippedByReason' in l).map((l) => [l.reason, l.SkippedByReason])).toEqual([
      ['bounced', 2],
      ['fatigue', 6],
    ]);
    expect(lines.find((l) => 'Committed' in l)).toMatchObject({ Committed: 4, Quarantined: 1 });
  });

  it('publishes the stream lag per consumer', () => {
    const now = 1_700_000_030_000;
    const [emf] = emfOf(() => recordStreamLag(metrics, 'publisher', streamEvent(1_700_000_000), now));
    expect(emf).toMatchObject({ consumer: 'publisher', StreamLag: 30_000 });
  });
});
