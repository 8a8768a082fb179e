/**
 * The trend's periods (ISO weeks across a year with 53 weeks, calendar months across a year end) and its
 * points: n, NPS and margin per period, and a change marked significant only when `compareNps` says so and
 * both periods have the minimum n.
 */
import { describe, expect, it } from 'vitest';
import { trendJson, trendPeriods, trendPointsOf } from '#shared/insights/trend.ts';

const h = (promoters: number, detractors: number): number[] => {
  const histogram = new Array<number>(11).fill(0);
  histogram[10] = promoters;
  histogram[0] = detractors;
  return histogram;
};

describe('trendPeriods', () => {
  it('counts ISO weeks back from the one holding today, oldest first, through week 53', () => {
    // 1 January 2026 is a Thursday, so 2026 has 53 weeks; W53 runs Monday 28 December to Sunday 3 January.
    expect(trendPeriods('week', 3, '2027-01-02')).toEqual([
      { label: '2026-W51', since: '2026-12-14', until: '2026-12-21' },
      { label: '2026-W52', since: '2026-12-21', until: '2026-12-28' },
      { label: '2026-W53', since: '2026-12-28', until: '2027-01-04' },
    ]);
    expect(trendPeriods('week', 1, '2027-01-04')).toEqual([
      { label: '2027-W01', since: '2027-01-04', until: '2027-01-11' },
    ]);
  });

  it('counts calendar months back across a year end', () => {
    expect(trendPeriods('month', 3, '2026-01-31')).toEqual([
      { label: '2025-11', since: '2025-11-01', until: '2025-12-01' },
      { label: '2025-12', since: '2025-12-01', until: '2026-01-01' },
      { label: '2026-01', since: '2026-01-01', until: '2026-02-01' },
    ]);
  });
});

describe('trendPointsOf', () => {
  const periods = trendPeriods('week', 4, '2026-09-30');
  // W37: 2 promoters, 18 detractors (20, below the minimum of 30). W38: 30 and 10 of 40 (NPS +50).
  // W39: 10 and 30 of 40 (NPS −50). W40: nothing.
  const points = trendPointsOf('nps', periods, [h(2, 18), h(30, 10), h(10, 30), h(0, 0)], 30);

  it('gives one point per period after the first, with n, NPS and margin', () => {
    // Adjusted Wald: p' = 30.75/43, d' = 10.75/43, var = p' + d' − (p' − d')², margin 195.9964·√(var/43) = 25.86.
    expect(points.map((p) => [p.label, p.responses, p.nps, p.marginOfError])).toEqual([
      ['2026-W38', 40, 50, 25.9],
      ['2026-W39', 40, -50, 25.9],
      ['2026-W40', 0, null, null],
    ]);
  });

  it('marks a significant change only when both weeks have the minimum n', () => {
    // W37→W38: Δ = 50 + 80 = 130, se = 100·√(0.75/40 + 0.36/20) = 19.17, z = 6.8 — but W37 has 20 < 30.
    expect(points[0]?.change).toEqual({ delta: 130, significant: false });
    // W38→W39: Δ = −100, se = 100·√(0.75/40 + 0.75/40) = 19.36, z = −5.2: significant.
    expect(points[1]?.change).toEqual({ delta: -100, significant: true });
    expect(points[2]?.change).toBeNull(); // no responses, nothing to compare
    expect(points.map((p) => p.belowMinimum)).toEqual([false, false, true]);
  });

  it('judges a change and leaves the minimum flag off from exactly the minimum n on', () => {
    // n promoters against n detractors the week before: Δ = 200 with no variance, significant whenever judged.
    const at = (n: number) => trendPointsOf('nps', periods.slice(0, 2), [h(0, n), h(n, 0)], 30)[0];
    expect([29, 30, 31].map((n) => at(n)?.change?.significant)).toEqual([false, true, true]);
    expect([29, 30, 31].map((n) => at(n)?.belowMinimum)).toEqual([true, false, false]);
  });

  it('keys each point by its unit in the JSON', () => {
    const [first] = trendJson('week', points);
    expect(first).toMatchObject({ week: '2026-W38', responses: 40, nps: 50, marginOfError: 25.9 });
    expect(first).not.toHaveProperty('histogram');
  });
});
