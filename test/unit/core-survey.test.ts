/** Survey kinds, their scales and categories, against tables written out by hand. */
import { describe, expect, it } from 'vitest';
import { categoryOf, isScore, isSurveyKind, SCALES, SURVEY_KINDS, scalePoints } from '#shared/core/survey.ts';

describe('survey kinds', () => {
  it('knows NPS, CSAT and CES and nothing else', () => {
    expect(SURVEY_KINDS).toEqual(['nps', 'csat', 'ces']);
    for (const kind of ['nps', 'csat', 'ces']) expect(isSurveyKind(kind)).toBe(true);
    for (const other of ['NPS', 'Csat', '', 'nps ', 'ces2', 'toString', 'constructor'])
      expect(isSurveyKind(other)).toBe(false);
  });

  it('gives each kind its scale: NPS 0–10, CSAT 1–5, CES 1–7', () => {
    expect(SCALES).toEqual({ nps: { min: 0, max: 10 }, csat: { min: 1, max: 5 }, ces: { min: 1, max: 7 } });
    expect(scalePoints('nps')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(scalePoints('csat')).toEqual([1, 2, 3, 4, 5]);
    expect(scalePoints('ces')).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('isScore', () => {
  it.each([
    ['nps', 0, true],
    ['nps', 10, true],
    ['nps', 5, true],
    ['nps', -1, false],
    ['nps', 11, false],
    ['nps', 6.5, false],
    ['nps', Number.NaN, false],
    ['csat', 1, true],
    ['csat', 5, true],
    ['csat', 0, false],
    ['csat', 6, false],
    ['ces', 1, true],
    ['ces', 7, true],
    ['ces', 0, false],
    ['ces', 8, false],
    ['ces', 4.5, false],
  ] as const)('%s %d → %s', (kind, score, expected) => {
    expect(isScore(kind, score)).toBe(expected);
  });
});

describe('categoryOf', () => {
  const D = 'detractor';
  const P = 'passive';
  const R = 'promoter';

  it('puts NPS 0–6 in detractors, 7–8 in passives and 9–10 in promoters (boundaries 6/7 and 8/9)', () => {
    expect(scalePoints('nps').map((s) => categoryOf('nps', s))).toEqual([D, D, D, D, D, D, D, P, P, R, R]);
  });

  it('puts CSAT 1–2 low, 3 neutral and 4–5 satisfied', () => {
    expect([1, 2, 3, 4, 5].map((s) => categoryOf('csat', s))).toEqual([D, D, P, R, R]);
  });

  it('puts CES 1–3 high effort, 4 neutral and 5–7 low effort', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((s) => categoryOf('ces', s))).toEqual([D, D, D, P, R, R, R]);
  });
});
