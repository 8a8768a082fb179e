import { describe, expect, it } from 'vitest';
import {
  adjustedWaldMargin,
  compareMeans,
  compareNps,
  compareShares,
  meanMargin,
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
    expect(summarize('nps', nps(0, 0, 5)).marginOfError).toBeGreaterThan(20);
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
