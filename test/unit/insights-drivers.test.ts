/**
 * Drivers against values worked out by hand, with the formulas beside them: each segment value against
 * everyone else (the overall histogram minus its own), z = ΔNPS / √(var₁/n₁ + var₂/n₂) with
 * var = p + d − (p − d)², two-sided p = erfc(|z|/√2), then Holm over every comparison made.
 */
import { describe, expect, it } from 'vitest';
import { type Driver, driversOf } from '#shared/insights/drivers.ts';
import { erfc, holmAdjust, twoSidedP } from '#shared/insights/significance.ts';

/** An NPS histogram of `promoters` 10s, `passives` 8s and `detractors` 0s. */
const h = (promoters: number, passives: number, detractors: number): number[] => {
  const histogram = new Array<number>(11).fill(0);
  histogram[10] = promoters;
  histogram[8] = passives;
  histogram[0] = detractors;
  return histogram;
};
const plus = (...hs: number[][]) => hs.reduce((a, b) => a.map((x, i) => x + (b[i] ?? 0)));

describe('significance', () => {
  it('gives the two-sided normal tail from tables', () => {
    // Φ tables: P(|Z| ≥ 1.959964) = 0.05, P(|Z| ≥ 2.575829) = 0.01, P(|Z| ≥ 0) = 1.
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(-2.575829)).toBeCloseTo(0.01, 6);
    expect(twoSidedP(0)).toBeCloseTo(1, 6);
    expect(twoSidedP(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(1)).toBeCloseTo(0.157299207, 6); // erfc(1) = 0.1572992070…
  });

  it('Holm-adjusts in the order given: the i-th smallest times m − i, kept non-decreasing', () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted.map((p) => Math.round(p * 1e6) / 1e6)).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]); // capped at 1
  });
});

describe('driversOf', () => {
  it('finds a planted driver and leaves a planted null alone', () => {
    // plan=free: 20 promoters, 10 passives, 10 detractors of 40: NPS +25, var 0.75 − 0.0625 = 0.6875.
    // plan=paid (everyone else): 15, 15, 30 of 60: NPS −25, var 0.6875.
    // Δ = 50; se = 100·√(0.6875/40 + 0.6875/60) = 16.925; z = 2.954; p = 0.003135;
    // 95% interval 50 ± 1.959964·16.925 = 16.8 … 83.2.
    // region=north: 18, 12, 20 of 50 against 17, 13, 20: Δ = 100·(−0.04 + 0.06) = 2, se = 17.290, z = 0.116,
    // p = 0.908. region=south (10 responses) is below the minimum and is no comparison.
    const free = h(20, 10, 10);
    const paid = h(15, 15, 30);
    const north = h(18, 12, 20);
    const rest = h(17, 13, 20);
    const overall = plus(free, paid);
    expect(plus(north, rest)).toEqual(overall);
    const drivers = driversOf(
      'nps',
      overall,
      [
        { column: 'plan', value: 'free', histogram: free },
        { column: 'plan', value: 'paid', histogram: paid },
        { column: 'region', value: 'north', histogram: north },
        { column: 'region', value: 'south', histogram: h(5, 2, 3) },
      ],
      { minResponses: 30 },
    );
    const byValue = Object.fromEntries(drivers.map((d) => [d.value, d]));
    expect(Object.keys(byValue).sort()).toEqual(['free', 'north', 'paid']);
    expect(byValue.free).toMatchObject({
      responses: 40,
      nps: 25,
      others: { responses: 60, nps: -25 },
      difference: 50,
      low: 16.8,
      high: 83.2,
      z: 2.95,
      p: 0.00313,
      significant: true,
    });
    // Holm over three: 0.003135 × 3 = 0.0094 for the smallest (free and paid tie), 0.908 × 1 for north.
    expect(byValue.free?.adjustedP).toBeCloseTo(0.0094, 4);
    expect(byValue.paid).toMatchObject({ difference: -50, significant: true });
    expect(byValue.north).toMatchObject({ difference: 2, z: 0.12, p: 0.908, significant: false });
  });

  it('never calls a difference significant that the correction does not support', () => {
    // team=a: 25, 10, 15 of 50 (NPS +20, var 0.76); the three others 15, 15, 20 each (NPS −10, var 0.69).
    // a against the other 150: Δ = 30, se = 100·√(0.76/50 + 0.69/150) = 14.071, z = 2.132, p = 0.0330 < 0.05,
    // but Holm over four comparisons makes it 4 × 0.0330 = 0.132: not significant.
    const a = h(25, 10, 15);
    const other = h(15, 15, 20);
    const segments = [
      { column: 'team', value: 'a', histogram: a },
      { column: 'team', value: 'b', histogram: other },
      { column: 'team', value: 'c', histogram: other },
      { column: 'team', value: 'd', histogram: other },
    ];
    const drivers = driversOf('nps', plus(a, other, other, other), segments, { minResponses: 30 });
    const teamA = drivers.find((d) => d.value === 'a');
    expect(teamA).toMatchObject({ difference: 30, z: 2.13, p: 0.033, significant: false });
    expect(teamA?.adjustedP).toBeCloseTo(0.132, 3);
    expect(drivers.filter((d) => d.significant)).toEqual([]);
  });

  it('compares a segment from exactly the minimum n on, on its side and on the rest’s', () => {
    const min = 10;
    // A segment of all promoters against a rest of all detractors: n = min − 1 is left out, min and min + 1 compared.
    const compared = (own: number, rest: number) =>
      driversOf(
        'nps',
        plus(h(own, 0, 0), h(0, 0, rest)),
        [{ column: 'plan', value: 'x', histogram: h(own, 0, 0) }],
        {
          minResponses: min,
        },
      ).length;
    expect([compared(min - 1, min), compared(min, min), compared(min + 1, min)]).toEqual([0, 1, 1]);
    expect([compared(min, min - 1), compared(min, min), compared(min, min + 1)]).toEqual([0, 1, 1]);
  });

  it('lists the strongest evidence first (then the larger difference), and is significant at exactly alpha', () => {
    // Four teams of 40 against the rest: a strong effect, a middling one, and two alike (c and d).
    const teams = {
      a: h(30, 5, 5),
      b: h(20, 10, 10),
      c: h(14, 12, 14),
      d: h(14, 12, 14),
    };
    const all = plus(...Object.values(teams), h(14, 12, 14));
    const segments = Object.entries(teams).map(([value, histogram]) => ({
      column: 'team',
      value,
      histogram,
    }));
    const drivers = driversOf('nps', all, [...segments].reverse(), { minResponses: 30 });
    expect(drivers).toHaveLength(4);
    expect(drivers[0]?.value).toBe('a');
    for (let i = 1; i < drivers.length; i++) {
      const [before, after] = [drivers[i - 1], drivers[i]] as [Driver, Driver];
      expect(after.adjustedP).toBeGreaterThanOrEqual(before.adjustedP);
      if (after.adjustedP === before.adjustedP)
        expect(Math.abs(after.difference)).toBeLessThanOrEqual(Math.abs(before.difference));
    }
    const first = drivers[0];
    expect(
      driversOf('nps', all, segments, { minResponses: 30, alpha: first?.adjustedP })[0]?.significant,
    ).toBe(true);
  });

  it('calls a difference with no variance on either side certain, and none at all nothing', () => {
    const promoters = h(40, 0, 0);
    const certain = driversOf(
      'nps',
      plus(promoters, h(0, 0, 40)),
      [{ column: 'team', value: 'x', histogram: promoters }],
      {
        minResponses: 30,
      },
    )[0];
    expect(certain).toMatchObject({ difference: 200, z: Number.POSITIVE_INFINITY, p: 0, significant: true });
    const same = driversOf(
      'nps',
      plus(promoters, promoters),
      [{ column: 'team', value: 'x', histogram: promoters }],
      {
        minResponses: 30,
      },
    )[0];
    expect(same).toMatchObject({ difference: 0, z: 0, p: 1, significant: false });
  });

  it('compares nothing when the rest is below the minimum', () => {
    const all = h(30, 0, 0);
    expect(
      driversOf('nps', all, [{ column: 'plan', value: 'x', histogram: all }], { minResponses: 30 }),
    ).toEqual([]);
  });
});
