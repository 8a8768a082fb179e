/** A send run's counts: each chunk worker's own, added after all are awaited. Pure. */
import { describe, expect, it } from 'vitest';
import { addTallies, emptyReport, emptyTally, withWave } from '#shared/sending/report.ts';

describe('adding the counts of chunk workers', () => {
  it('adds every outcome field by field', () => {
    expect(
      addTallies(
        { sent: 3, skipped: 1 },
        { sent: 2, failed: 1, deferred: 4, open: 4 },
        {},
        { skipped: 2, open: 1 },
      ),
    ).toEqual({ sent: 5, skipped: 3, failed: 1, deferred: 4, open: 5 });
  });

  it('adds nothing to nothing', () => {
    expect(addTallies()).toEqual({ sent: 0, skipped: 0, failed: 0, deferred: 0, open: 0 });
    expect(addTallies(emptyTally(), emptyTally())).toEqual(emptyTally());
  });

  it('adds one wave after another into the report, without the internal open count', () => {
    const first = withWave(
      emptyReport(),
      'w1',
      { sent: 10, skipped: 2, failed: 1, deferred: 0, open: 0 },
      'w1b',
    );
    const both = withWave(first, 'w2', { sent: 5, skipped: 0, failed: 0, deferred: 3, open: 3 }, undefined);
    expect(both).toEqual({
      waves: ['w1', 'w2'],
      sent: 15,
      skipped: 2,
      failed: 1,
      deferred: 3,
      scheduled: ['w1b'],
    });
    expect(first).toEqual({
      waves: ['w1'],
      sent: 10,
      skipped: 2,
      failed: 1,
      deferred: 0,
      scheduled: ['w1b'],
    });
  });
});
