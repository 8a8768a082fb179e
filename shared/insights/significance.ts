/**
 * p-values and their correction for the number of comparisons. Pure.
 *
 * Holm (step-down Bonferroni) rather than Benjamini–Hochberg: a segment and "everyone else" overlap with every
 * other comparison of the same column, so the tests are dependent in ways BH's positive-dependence condition
 * does not cover for two-sided tests; Holm holds under any dependence, and it bounds the chance that the
 * digest names even one driver that is not real at 5%.
 */

/** Coefficients of Numerical Recipes' `erfcc` polynomial, constant term first. */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** Complementary error function (Numerical Recipes `erfcc`; relative error below 1.2e-7). */
export const erfc = (x: number): number => {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = ERFC.reduceRight((sum, c) => c + t * sum, 0);
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
};

/** Two-sided p-value of a standard normal z: P(|Z| ≥ |z|). */
export const twoSidedP = (z: number): number =>
  Number.isFinite(z) ? Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) : 0;

/**
 * Holm-adjusted p-values, in the order given: sort ascending, multiply the i-th smallest (from 0) by m − i,
 * keep them non-decreasing, cap at 1. A comparison is significant when its adjusted p is at most α.
 */
export const holmAdjust = (pValues: readonly number[]): number[] => {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
};
