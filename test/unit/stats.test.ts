import { describe, expect, it } from 'vitest';
import { adjustedWaldMargin, compareNps, summarize, waldMargin } from '#shared/stats.ts';

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
