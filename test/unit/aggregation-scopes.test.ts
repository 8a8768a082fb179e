import { describe, expect, it } from 'vitest';
import {
  ALL_SCOPE,
  aggregateKey,
  kindOfAggregate,
  localeScope,
  parseSegmentValue,
  segmentScope,
  segmentValue,
  segmentValueOfScope,
  waveScope,
} from '#shared/store/keys.ts';

describe('aggregate scope keys', () => {
  it('spells each scope as the stored aggregates do', () => {
    expect(aggregateKey('nps', ALL_SCOPE, 'ALL')).toEqual({ pk: 'AGG#nps#all', sk: 'ALL' });
    expect(aggregateKey('csat', waveScope('w1'), 'DAY#2026-11-23')).toEqual({
      pk: 'AGG#csat#wave#w1',
      sk: 'DAY#2026-11-23',
    });
    expect(aggregateKey('nps', segmentScope('region', 'EU'), 'ALL').pk).toBe('AGG#nps#seg#region#EU');
    expect(aggregateKey('nps', localeScope('sv'), 'ALL').pk).toBe('AGG#nps#locale#sv');
  });

  const segments: { scope: string; value: string | undefined }[] = [
    { scope: 'seg#region#EU', value: 'region#EU' },
    { scope: 'seg#team#R#D', value: 'team#R#D' },
    { scope: 'all', value: undefined },
    { scope: 'wave#w1', value: undefined },
    { scope: 'locale#nl', value: undefined },
  ];
  for (const { scope, value } of segments)
    it(`reads the segment value of ${scope} as ${value}`, () =>
      expect(segmentValueOfScope(scope)).toBe(value));

  it('splits a catalogue entry at its first #, so a value may hold one', () => {
    expect(segmentValue('plan', 'team')).toBe('plan#team');
    expect(parseSegmentValue('plan#team')).toEqual({ column: 'plan', value: 'team' });
    expect(parseSegmentValue('team#R#D')).toEqual({ column: 'team', value: 'R#D' });
  });

  it('reads the survey kind from an aggregate key', () => {
    expect(kindOfAggregate('AGG#nps#wave#w1')).toBe('nps');
    expect(kindOfAggregate('AGG#ces#all')).toBe('ces');
  });
});
