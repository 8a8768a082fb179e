import { describe, expect, it } from 'vitest';
import {
  adjustedWaldMargin,
  compareMeans,
  compareNps,
  compareShares,
  meanMargin,
  npsOf,
  shareMargin,
  summarize,
  waldMargin,
} from '#shared/core/stats.ts';

/** Builds an NPS histogram from counts of detractors (score 0), passives (7) and promoters (10). */
const nps = (detractors: number, passives: number, promoters: number): number[] => {
  const h = Array.from({ length: 11 }, () => 0);
  h[0] = detractors;
  h[7] = passives;
  h[10] = promoters;
  return h;
};

describe('NPS arithmetic', () => {
  it('counts 9–10 as promoters, 7–8 as passives and 0–6 as detractors', () => {
    const s = summarize('nps', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(s).toMatchObject({ responses: 11, detractors: 7, passives: 2, promoters: 2 });
    expect(s.nps).toBe(-45); // −45.45… shown as a whole number
  });

  it('gives NPS 30 and a plain-Wald margin of about ±7.7 for p=0.5, d=0.2, n=400', () => {
    const s = summarize('nps', nps(80, 120, 200));
    expect(s.nps).toBe(30);
    expect(waldMargin(200, 80, 400)).toBeCloseTo(7.65, 1);
    // Adjusted Wald: (200.75 − 80.75)/403 etc., computed by hand: 7.62.
    expect(adjustedWaldMargin(200, 80, 400)).toBeCloseTo(7.62, 1);
    expect(s.marginOfError).toBe(7.6);
  });

  it('spans −100…+100 and keeps a non-zero margin at the extremes', () => {
    expect(summarize('nps', nps(0, 0, 5)).nps).toBe(100);
    expect(summarize('nps', nps(5, 0, 0)).nps).toBe(-100);
    expect(summarize('nps', nps(0, 0, 5)).marginOfError).toBe(45); // worked out below
  });

  it('reports no NPS rather than zero when there are no responses', () => {
    expect(summarize('nps', nps(0, 0, 0))).toMatchObject({ responses: 0, nps: null, marginOfError: null });
  });

  it('calls a 30-point rise on 400 responses each significant and a 2-point one not', () => {
    const before = summarize('nps', nps(160, 120, 120)); // NPS −10
    const after = summarize('nps', nps(80, 120, 200)); // NPS 30
    expect(compareNps(after, before)).toMatchObject({ delta: 40, significant: true });
    const slightly = summarize('nps', nps(152, 120, 128)); // NPS −6
    expect(compareNps(slightly, before)?.significant).toBe(false);
  });

  it('scores CSAT as the share of 4–5 and CES as the mean', () => {
    const csat = summarize('csat', [1, 1, 0, 3, 5]);
    expect(csat.satisfied).toBe(0.8);
    const ces = summarize('ces', [0, 0, 0, 0, 0, 2, 2]);
    expect(ces.mean).toBe(6.5);
  });
});

/** Values below were computed by hand (a calculator, not this code): the formulas are in each comment. */
describe('statistics against independently computed values', () => {
  it('gives an adjusted-Wald margin of ±45.0 for five promoters out of five', () => {
    // p' = 5.75/8 = 0.71875, d' = 0.75/8 = 0.09375, var = p'+d' − (p'−d')² = 0.421875,
    // 100 × 1.959964 × sqrt(0.421875 / 8) = 45.01; plain Wald would claim ±0.
    expect(summarize('nps', nps(0, 0, 5)).marginOfError).toBe(45);
    expect(waldMargin(5, 0, 5)).toBe(0);
  });

  it('gives the z of a change from the two samples’ variances', () => {
    // before p=0.3 d=0.4 (var 0.69), after p=0.5 d=0.2 (var 0.61), n=400 each:
    // se = 100 × sqrt((0.69 + 0.61)/400) = 5.7009, z = 40 / 5.7009 = 7.016.
    const change = compareNps(summarize('nps', nps(80, 120, 200)), summarize('nps', nps(160, 120, 120)));
    expect(change?.z).toBeCloseTo(7.02, 2);
  });

  it('draws the line of significance at |z| = 1.96', () => {
    const before = summarize('nps', nps(120, 160, 120)); // NPS 0, var 0.6
    // p=0.355 d=0.25: ΔNPS 10.5, var 0.593975, se 5.4635, z 1.922: not significant.
    const below = compareNps(summarize('nps', nps(100, 158, 142)), before);
    expect(below).toMatchObject({ delta: 10.5, significant: false });
    expect(below?.z).toBeCloseTo(1.92, 2);
    // p=0.36 d=0.245: ΔNPS 11.5, var 0.591775, se 5.4582, z 2.107: significant.
    const above = compareNps(summarize('nps', nps(98, 158, 144)), before);
    expect(above).toMatchObject({ delta: 11.5, significant: true });
    expect(above?.z).toBeCloseTo(2.11, 2);
    // And a fall is as significant as a rise.
    expect(compareNps(before, summarize('nps', nps(98, 158, 144)))).toMatchObject({
      delta: -11.5,
      significant: true,
    });
  });

  it('gives the mean score and keeps the whole distribution', () => {
    const histogram = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]; // (0 + 3×10) / 4 = 7.5
    const s = summarize('nps', histogram);
    expect(s.mean).toBe(7.5);
    expect(s.histogram).toEqual(histogram);
    expect(s.nps).toBe(50); // 75% − 25%
  });

  it('gives CSAT as the share satisfied (4–5) and CES as the mean effort on 1–7', () => {
    // CSAT 1–5: 2 unsatisfied, 1 neutral, 5 satisfied of 8 → 62.5%; mean (1+2+3+4+4+5+5+5)/8 = 3.625 → 3.63.
    expect(summarize('csat', [1, 1, 1, 2, 3])).toMatchObject({ satisfied: 0.625, mean: 3.63, responses: 8 });
    // CES 1–7: scores 1, 4, 4, 7 → mean 4; 1 of 4 low effort (5–7).
    expect(summarize('ces', [1, 0, 0, 2, 0, 0, 1])).toMatchObject({ mean: 4, satisfied: 0.25 });
  });
});

describe('CSAT and CES figures against independently computed values', () => {
  it('gives the CSAT share satisfied a Wald margin and tests its change', () => {
    const now = summarize('csat', [5, 5, 10, 40, 40]); // 80 of 100 rate 4–5
    const before = summarize('csat', [10, 10, 10, 35, 35]); // 70 of 100
    expect(now.satisfied).toBe(0.8);
    expect(shareMargin(now)).toBe(7.8); // 196 · √(0.8 · 0.2 / 100) = 7.84
    expect(compareShares(now, before)).toEqual({ delta: 10, z: 1.64, significant: false });
    expect(shareMargin(summarize('csat', [0, 0, 0, 0, 0]))).toBeNull();
  });

  it('gives the CES mean a margin from the sample variance and tests its change', () => {
    const now = summarize('ces', [10, 20, 30, 20, 10, 5, 5]); // mean 3.35, s² = 232.75 / 99
    const before = summarize('ces', [30, 30, 20, 10, 5, 3, 2]); // mean 2.47, s² = 210.91 / 99
    expect(now.mean).toBe(3.35);
    expect(meanMargin('ces', now)).toBe(0.3); // 1.96 · √(2.351 / 100) = 0.3005
    expect(compareMeans('ces', now, before)).toEqual({ delta: 0.88, z: 4.16, significant: true });
    expect(compareMeans('ces', now, summarize('ces', []))).toBeNull();
  });
});

/** An NPS histogram of exact scores: `scores(0, 0, 10)` is two zeros and one ten. */
const scores = (...given: number[]): number[] => {
  const h = Array.from({ length: 11 }, () => 0);
  for (const s of given) h[s] = (h[s] ?? 0) + 1;
  return h;
};

describe('NPS as a whole number, rounded half up (not truncated, not floored)', () => {
  // NPS = 100 × (promoters − detractors) / n, worked out by hand.
  it.each([
    ['2 promoters, 1 detractor of 3: 33.33', nps(1, 0, 2), 33],
    ['2 promoters, 1 passive of 3: 66.67 rounds up where truncation gives 66', nps(0, 1, 2), 67],
    ['1 promoter, 2 detractors of 3: −33.33 rounds to −33 where flooring gives −34', nps(2, 0, 1), -33],
    ['2 detractors, 1 passive of 3: −66.67 rounds to −67 where truncation gives −66', nps(2, 1, 0), -67],
    ['7 promoters, 2 detractors of 12: 41.67', nps(2, 3, 7), 42],
    ['1 promoter, 7 passives of 8: exactly 12.5 goes up', nps(0, 7, 1), 13],
    ['1 detractor, 7 passives of 8: exactly −12.5 goes up too', nps(1, 7, 0), -12],
    ['as many promoters as detractors', nps(10, 10, 10), 0],
  ])('%s → %i', (_, histogram, expected) => {
    expect(summarize('nps', histogram).nps).toBe(expected);
  });

  it('exposes the unrounded NPS', () => {
    expect(npsOf(2, 1, 3)).toBeCloseTo(33.3333, 4); // 100 / 3
    expect(npsOf(1, 2, 3)).toBeCloseTo(-33.3333, 4);
    expect(npsOf(3, 0, 4)).toBe(75);
  });
});

describe('the summary of a histogram', () => {
  it('counts each NPS score into its category, weighs the mean by score and keeps the distribution', () => {
    // Scores 6, 7, 8, 9, 9: one detractor, two passives, two promoters; NPS (2 − 1)/5 = 20; mean 39/5 = 7.8.
    // Adjusted Wald: p' = 2.75/8, d' = 1.75/8, var = 0.5625 − 0.125² = 0.546875,
    // 195.9964 × √(0.546875 / 8) = 51.24 → 51.2.
    expect(summarize('nps', scores(6, 7, 8, 9, 9))).toEqual({
      responses: 5,
      promoters: 2,
      passives: 2,
      detractors: 1,
      nps: 20,
      marginOfError: 51.2,
      mean: 7.8,
      satisfied: 0.4,
      histogram: [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 0],
    });
  });

  it('reads missing counts of a short histogram as zero and always returns every scale point', () => {
    expect(summarize('nps', [])).toEqual({
      responses: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      marginOfError: null,
      mean: null,
      satisfied: null,
      histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
    // Two detractors at 0 and 1, nothing above: NPS −100, mean 0.5.
    expect(summarize('nps', [1, 1])).toMatchObject({
      responses: 2,
      detractors: 2,
      nps: -100,
      mean: 0.5,
      histogram: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
    expect(summarize('csat', [0, 2]).histogram).toEqual([0, 2, 0, 0, 0]);
    expect(summarize('ces', []).histogram).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it.each([
    // Each rounded, not truncated: 2/3 → 0.67 (truncation 0.66), 0.6667 (truncation 0.6666).
    ['mean 2/3', scores(0, 1, 1), { mean: 0.67, satisfied: 0 }],
    ['mean 1/3', scores(0, 0, 1), { mean: 0.33 }],
    ['share of promoters 2/3', scores(9, 9, 0), { satisfied: 0.6667, mean: 6 }],
    ['share of promoters 1/3', scores(9, 0, 0), { satisfied: 0.3333, mean: 3 }],
  ])('rounds the %s to its shown digits', (_, histogram, expected) => {
    expect(summarize('nps', histogram)).toMatchObject(expected);
  });

  it('counts CSAT 1–2 as unsatisfied, 3 as neutral and 4–5 as satisfied', () => {
    // One answer at each of 1…5: 2 low, 1 neutral, 2 high; mean 15/5 = 3.
    expect(summarize('csat', [1, 1, 1, 1, 1])).toMatchObject({
      responses: 5,
      detractors: 2,
      passives: 1,
      promoters: 2,
      satisfied: 0.4,
      mean: 3,
    });
  });

  it('counts CES 1–3 as high effort, 4 as neutral and 5–7 as low effort', () => {
    // One answer at each of 1…7: 3 high, 1 neutral, 3 low effort; mean 28/7 = 4.
    expect(summarize('ces', [1, 1, 1, 1, 1, 1, 1])).toMatchObject({
      responses: 7,
      detractors: 3,
      passives: 1,
      promoters: 3,
      satisfied: 0.4286, // 3/7 = 0.428571…
      mean: 4,
    });
  });
});

describe('margin of error for a known n (values from a calculator)', () => {
  // Adjusted Wald: p' = (P + ¾)/(n + 3), d' = (D + ¾)/(n + 3), var = p' + d' − (p' − d')²,
  // margin = 100 × 1.959964 × √(var / (n + 3)). Plain Wald: the same with P/n, D/n and n.
  it.each([
    // P, D, n, plain Wald, adjusted Wald, shown (adjusted, one decimal)
    [50, 20, 100, 15.3078, 15.0751, 15.1], // rounds up where truncation gives 15.0
    [2, 1, 3, 106.6869, 67.9998, 68],
    [1, 0, 8, 22.9172, 27.6555, 27.7],
    [0, 1, 8, 22.9172, 27.6555, 27.7],
    [10, 10, 30, 29.2174, 27.5393, 27.5],
    [7, 2, 12, 42.9552, 38.8346, 38.8],
    [0, 0, 1, 0, 60.0114, 60],
  ])('promoters %i, detractors %i of %i', (promoters, detractors, n, wald, adjusted, shown) => {
    expect(waldMargin(promoters, detractors, n)).toBeCloseTo(wald, 3);
    expect(adjustedWaldMargin(promoters, detractors, n)).toBeCloseTo(adjusted, 3);
    const passives = n - promoters - detractors;
    expect(summarize('nps', nps(detractors, passives, promoters)).marginOfError).toBe(shown);
  });
});

describe('significance of a change, at the 1.96 line', () => {
  // Before: 120 detractors, 160 passives, 120 promoters of 400: NPS 0, var 0.6.
  const before = summarize('nps', nps(120, 160, 120));
  // After, both with ΔNPS = 11 (the variance alone decides):
  // d 115, passives 126, p 159: p = .3975, d = .2875, var = .685 − .11² = .6729,
  //   se = 100·√((.6729 + .6)/400) = 5.6411, z = 11/5.6411 = 1.950: below the line.
  const justBelow = summarize('nps', nps(115, 126, 159));
  // d 110, passives 136, p 154: p = .385, d = .275, var = .66 − .11² = .6479,
  //   se = 100·√((.6479 + .6)/400) = 5.5855, z = 11/5.5855 = 1.969: above the line (and below 2).
  const justAbove = summarize('nps', nps(110, 136, 154));

  it('does not call z = 1.95 significant', () => {
    expect(compareNps(justBelow, before)).toEqual({ delta: 11, z: 1.95, significant: false });
    expect(compareNps(before, justBelow)).toEqual({ delta: -11, z: -1.95, significant: false });
  });

  it('calls z = 1.97 significant, a rise and a fall alike', () => {
    expect(compareNps(justAbove, before)).toEqual({ delta: 11, z: 1.97, significant: true });
    expect(compareNps(before, justAbove)).toEqual({ delta: -11, z: -1.97, significant: true });
  });

  it('has no change to report when either period has no responses', () => {
    const empty = summarize('nps', []);
    expect(compareNps(empty, before)).toBeNull();
    expect(compareNps(before, empty)).toBeNull();
  });

  it('treats a change with no spread at all as infinitely significant, and no change as none', () => {
    const allPromoters = summarize('nps', nps(0, 0, 5));
    const allDetractors = summarize('nps', nps(4, 0, 0));
    expect(compareNps(allPromoters, allPromoters)).toEqual({ delta: 0, z: 0, significant: false });
    expect(compareNps(allPromoters, allDetractors)).toEqual({
      delta: 200,
      z: Number.POSITIVE_INFINITY,
      significant: true,
    });
    expect(compareNps(allDetractors, allPromoters)).toEqual({
      delta: -200,
      z: Number.NEGATIVE_INFINITY,
      significant: true,
    });
  });
});

describe('CSAT share and CES mean: edges and the direction of a change', () => {
  it('gives the share margin for a small n and zero when everyone agrees', () => {
    // 3 of 4 satisfied: 195.9964 × √(0.75 × 0.25 / 4) = 42.43 → 42.4.
    expect(shareMargin(summarize('csat', [1, 0, 0, 0, 3]))).toBe(42.4);
    expect(shareMargin(summarize('csat', [0, 0, 0, 0, 1]))).toBe(0);
  });

  it('tests a fall of the share as a negative change, and a large rise as significant', () => {
    const seventy = summarize('csat', [10, 10, 10, 35, 35]); // 70 of 100
    const eighty = summarize('csat', [5, 5, 10, 40, 40]); // 80 of 100
    const eightyFive = summarize('csat', [5, 5, 5, 45, 40]); // 85 of 100
    // −10 / 100·√(.16/100 + .21/100) = −1.644.
    expect(compareShares(seventy, eighty)).toEqual({ delta: -10, z: -1.64, significant: false });
    // 15 / 100·√(.1275/100 + .21/100) = 2.582.
    expect(compareShares(eightyFive, seventy)).toEqual({ delta: 15, z: 2.58, significant: true });
    const empty = summarize('csat', []);
    expect(compareShares(empty, seventy)).toBeNull();
    expect(compareShares(seventy, empty)).toBeNull();
  });

  it('gives the mean margin from the sample variance (n − 1) and none from one answer', () => {
    // Scores 1 and 7: mean 4, s² = (9 + 9)/1 = 18, 1.959964 × √(18/2) = 5.88.
    expect(meanMargin('ces', summarize('ces', [1, 0, 0, 0, 0, 0, 1]))).toBe(5.88);
    // Scores 2, 4, 6: s² = (4 + 0 + 4)/2 = 4, 1.959964 × √(4/3) = 2.263 → 2.26.
    expect(meanMargin('ces', summarize('ces', [0, 1, 0, 1, 0, 1, 0]))).toBe(2.26);
    expect(meanMargin('ces', summarize('ces', [0, 0, 0, 1]))).toBe(0);
    expect(meanMargin('ces', summarize('ces', []))).toBeNull();
  });

  it('tests a change of the mean in both directions', () => {
    const low = summarize('ces', [0, 1, 0, 1, 0, 1, 0]); // 2, 4, 6: mean 4, s² 4
    const high = summarize('ces', [0, 0, 0, 0, 1, 1, 1]); // 5, 6, 7: mean 6, s² 1
    // Δ = −2, se = √(4/3 + 1/3) = 1.291, z = −1.549.
    expect(compareMeans('ces', low, high)).toEqual({ delta: -2, z: -1.55, significant: false });
    expect(compareMeans('ces', high, low)).toEqual({ delta: 2, z: 1.55, significant: false });
    expect(compareMeans('ces', summarize('ces', []), high)).toBeNull();
  });
});
