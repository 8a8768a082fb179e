import { describe, expect, it } from 'vitest';
import { distributionChart, trendChart } from '#functions/console/ui/charts.ts';

const attrs = (svg: string, tag: string) =>
  [...svg.matchAll(new RegExp(`<${tag} ([^>]*)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] as string).matchAll(/([a-z0-9-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );

describe('the distribution chart', () => {
  it('draws eleven bars as tall as their counts, coloured by category, and titles the image', () => {
    // The plot is 200 − 20 − 28 = 152 units high: the largest count fills it, half of it fills half.
    const svg = distributionChart({
      id: 'd',
      title: 'Scores <0–10>',
      histogram: [0, 0, 0, 5, 0, 0, 0, 10, 0, 20, 0],
      locale: 'en',
    }).value;
    const bars = attrs(svg, 'rect');
    expect(bars).toHaveLength(11);
    expect(bars.map((b) => Number(b.height))).toEqual([0, 0, 0, 38, 0, 0, 0, 76, 0, 152, 0]);
    expect(bars.map((b) => b.class)).toEqual([
      ...Array(7).fill('bar detractor'),
      'bar passive',
      'bar passive',
      'bar promoter',
      'bar promoter',
    ]);
    expect(svg).toContain('role="img" aria-labelledby="d-title"');
    expect(svg).toContain('<title id="d-title">Scores &lt;0–10&gt;</title>');
  });
});

describe('the weekly trend chart', () => {
  const week = (label: string, nps: number | null, margin: number | null, responses = 40) => ({
    label,
    responses: nps === null ? 0 : responses,
    nps,
    marginOfError: margin,
    belowMinimum: responses < 30,
  });

  it('places each week’s NPS on a −100…+100 scale with its margin, skipping weeks without responses', () => {
    // The plot runs from y = 12 (+100) to y = 208 (−100): +50 sits at 12 + 196/4 = 61, 0 at 110.
    const svg = trendChart({
      id: 't',
      title: 'Trend',
      locale: 'en',
      points: [week('2026-W45', 50, 10), week('2026-W46', null, null), week('2026-W47', 0, 20, 12)],
    }).value;
    const points = attrs(svg, 'circle');
    expect(points.map((p) => Number(p.cy))).toEqual([61, 110]);
    expect(points.map((p) => p.class)).toEqual(['point', 'point thin']);
    // The margin of +50 ± 10 runs from +60 (y 51.2) to +40 (y 70.8).
    expect(attrs(svg, 'line').find((l) => l.class === 'margin')).toMatchObject({ y1: '51.2', y2: '70.8' });
    // The line is broken by the empty week: two separate moves, no segment across it.
    expect(attrs(svg, 'path')[0]?.d).toMatch(/^M\d+(\.\d)? 61 M\d+(\.\d)? 110$/);
  });
});
