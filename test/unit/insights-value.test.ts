/** Value per category, value-weighted NPS and value at risk; benchmarks, their validation and their gap. */
import { describe, expect, it } from 'vitest';
import { contribute, type Deltas } from '#shared/aggregation/deltas.ts';
import { benchmarkGaps, parseBenchmark } from '#shared/insights/benchmarks.ts';
import { valueFiguresOf } from '#shared/insights/value.ts';
import { parseAmount } from '#shared/waves/value.ts';
import { aResponse } from '../support/builders.ts';

describe('valueFiguresOf', () => {
  it('weights the NPS by value and puts the detractors’ value at risk', () => {
    // 300 promoters' value, 100 passives', 600 detractors' of 1000: 100·(300 − 600)/1000 = −30.
    expect(valueFiguresOf({ promoter: 300, passive: 100, detractor: 600, valued: 7 })).toEqual({
      promoters: 300,
      passives: 100,
      detractors: 600,
      atRisk: 600,
      weightedNps: -30,
      responses: 7,
    });
  });

  it('has nothing to say without valued responses, and no weighted NPS when all values are zero', () => {
    expect(valueFiguresOf({ promoter: 0, passive: 0, detractor: 0, valued: 0 })).toBeNull();
    expect(valueFiguresOf({ promoter: 0, passive: 0, detractor: 0, valued: 2 })?.weightedNps).toBeNull();
  });
});

describe('benchmarks', () => {
  const now = new Date('2026-11-23T07:00:00Z');

  it('needs a name, an NPS from −100 to 100 and a source', () => {
    expect(parseBenchmark({ name: ' Industry ', score: '32', source: ' Survey 2026 ' }, now)).toEqual({
      name: 'Industry',
      score: 32,
      source: 'Survey 2026',
      setAt: '2026-11-23T07:00:00.000Z',
    });
    expect(() => parseBenchmark({ name: 'x', score: '101', source: 's' }, now)).toThrow(/-100 to 100/);
    expect(() => parseBenchmark({ name: 'x', score: 'lots', source: 's' }, now)).toThrow(/-100 to 100/);
    expect(() => parseBenchmark({ name: 'x', score: '', source: 's' }, now)).toThrow(/-100 to 100/);
    expect(() => parseBenchmark({ name: 'x', score: '10', source: '  ' }, now)).toThrow(/source/);
    expect(() => parseBenchmark({ name: '', score: '10', source: 's' }, now)).toThrow(/name/);
  });

  it('says whether our margin reaches the benchmark', () => {
    const b = (name: string, score: number) => ({ name, score, source: 'src', setAt: '' });
    // NPS +24 ± 7: a benchmark of 30 is 6 away (inside), 40 is 16 away (outside), 17 is exactly 7 away.
    expect(
      benchmarkGaps(24, 7, [b('a', 30), b('b', 40), b('c', 17)]).map((g) => [g.gap, g.overlaps]),
    ).toEqual([
      [-6, true],
      [-16, false],
      [7, true],
    ]);
    expect(benchmarkGaps(null, null, [b('a', 30)])).toEqual([]);
  });
});

describe('parseAmount', () => {
  it('reads numbers as spreadsheets write them', () => {
    const cases: [string, number | undefined][] = [
      ['1200', 1200],
      ['1200.50', 1200.5],
      ['1200,50', 1200.5],
      ['1 200,50', 1200.5],
      ['1.200,50', 1200.5],
      ['1,200.50', 1200.5],
      ["1'200", 1200],
      ['-5', -5],
      ['1,200,000', 1_200_000],
      ['1.200.000', 1_200_000],
      ['1,25', 1.25], // a lone comma is a decimal comma
      ['1,200', undefined], // 1200 or 1.2: refused, not guessed
      ['1.200', undefined],
      ['1.200.50,3.1', undefined],
      ['1,', undefined],
      ['lots', undefined],
      ['12e3', undefined],
      ['', undefined],
    ];
    for (const [raw, value] of cases) expect([raw, parseAmount(raw)]).toEqual([raw, value]);
  });
});

describe('value counters', () => {
  it('sums a response’s value in whole units into its category, beside the count, and takes it back', () => {
    const deltas: Deltas = new Map();
    const image = aResponse({
      waveId: 'w1',
      kind: 'nps',
      props: {},
      status: 'committed',
      score: 4,
      day: '2026-11-20',
      value: 1200.6,
    });
    contribute(deltas, new Set(), image, 1);
    const day = deltas.get('AGG#nps#all|DAY#2026-11-20');
    expect(Object.fromEntries(day ?? [])).toEqual({ s4: 1, n: 1, value_detractor: 1201, valued: 1 });
    // The same response turning promoter moves its value across.
    contribute(deltas, new Set(), image, -1);
    contribute(deltas, new Set(), { ...image, score: 10 }, 1);
    expect(Object.fromEntries(deltas.get('AGG#nps#wave#w1|ALL') ?? [])).toMatchObject({
      value_detractor: 0,
      value_promoter: 1201,
      valued: 1,
    });
  });
});
