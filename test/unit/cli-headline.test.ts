/** The headline each survey kind gets in the CLI's text output: CSAT and CES are not NPS. */
import { describe, expect, it } from 'vitest';
import { summarize } from '#shared/core/stats.ts';
import { headline } from '../../cli/format.ts';

describe('headline', () => {
  it('gives NPS signed with its margin', () => {
    // 6 promoters, 2 passives, 2 detractors of 10: NPS +40.
    const s = summarize('nps', [0, 0, 1, 0, 0, 1, 0, 1, 1, 3, 3]);
    expect(headline('nps', s)).toBe(`NPS +40 ±${s.marginOfError}`);
  });

  it('gives CSAT its share satisfied, never an NPS', () => {
    // Ratings 1…5 = [5, 5, 6, 5, 19]: 24 of 40 satisfied; margin 1.96·√(0.6·0.4/40) = 15.2 points.
    expect(headline('csat', summarize('csat', [5, 5, 6, 5, 19]))).toBe(
      'CSAT 60% satisfied (4–5 of 5) ±15.2 points',
    );
  });

  it('gives CES its mean ease, where higher is easier', () => {
    // Scores 1…7 = [5, 5, 4, 4, 4, 4, 4]: mean 115/30 = 3.83; margin 0.74.
    expect(headline('ces', summarize('ces', [5, 5, 4, 4, 4, 4, 4]))).toBe(
      'CES 3.83 of 7, higher is easier ±0.74',
    );
  });

  it('says n/a without responses', () => {
    expect(headline('csat', summarize('csat', [0, 0, 0, 0, 0]))).toBe('CSAT n/a');
  });
});
