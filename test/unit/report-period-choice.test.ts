import { describe, expect, it } from 'vitest';
import { choosePeriod } from '#shared/reporting/period-choice.ts';

// Wednesday 25 November 2026, 00:30 in Amsterdam (still the 24th in UTC).
const NOW = new Date('2026-11-24T23:30:00Z');
const TZ = 'Europe/Amsterdam';

describe('choosing a report period', () => {
  it('is the last 30 days, today included in the report time zone, when nothing is chosen', () => {
    expect(choosePeriod({}, NOW, TZ)).toEqual({
      period: {
        choice: '30d',
        current: { since: '2026-10-27', until: '2026-11-26' },
        previous: { since: '2026-09-27', until: '2026-10-27' },
        week: '2026-W48',
        from: '2026-10-27',
        to: '2026-11-25',
      },
    });
  });

  it.each([
    ['7d', '2026-11-19', '2026-11-12'],
    ['90d', '2026-08-28', '2026-05-30'],
  ])(
    'counts the last %s back from tomorrow, with as many days before for the change',
    (period, since, before) => {
      const chosen = choosePeriod({ period }, NOW, TZ);
      expect(chosen).toMatchObject({
        period: { current: { since, until: '2026-11-26' }, previous: { since: before, until: since } },
      });
    },
  );

  it('reads an ISO week as Monday to Sunday, against the week before', () => {
    expect(choosePeriod({ period: 'week', week: '2026-W47' }, NOW, TZ)).toMatchObject({
      period: {
        current: { since: '2026-11-16', until: '2026-11-23' },
        previous: { since: '2026-11-09', until: '2026-11-16' },
        week: '2026-W47',
      },
    });
    // Without a week: the one holding today.
    expect(choosePeriod({ period: 'week' }, NOW, TZ)).toMatchObject({
      period: { current: { since: '2026-11-23', until: '2026-11-30' } },
    });
  });

  it('takes custom days with both ends included, against as many days before them', () => {
    expect(choosePeriod({ period: 'custom', from: '2026-11-01', to: '2026-11-10' }, NOW, TZ)).toMatchObject({
      period: {
        current: { since: '2026-11-01', until: '2026-11-11' },
        previous: { since: '2026-10-22', until: '2026-11-01' },
        from: '2026-11-01',
        to: '2026-11-10',
      },
    });
  });

  it.each([
    [{ period: 'yesterday' }, 'period'],
    [{ period: 'week', week: '2026-W54' }, 'week'],
    [{ period: 'week', week: '2026-47' }, 'week'],
    [{ period: 'custom', to: '2026-11-10' }, 'from'],
    [{ period: 'custom', from: '2026-02-30', to: '2026-03-10' }, 'from'],
    [{ period: 'custom', from: '2026-11-01', to: 'soon' }, 'to'],
    [{ period: 'custom', from: '2026-11-10', to: '2026-11-01' }, 'order'],
    [{ period: 'custom', from: '2020-01-01', to: '2026-11-01' }, 'length'],
  ])('says what is wrong with %j', (input, problem) => {
    expect(choosePeriod(input, NOW, TZ)).toEqual({ problem });
  });

  it('accepts a custom period of exactly 731 days and refuses 732', () => {
    // 2025-01-01 … 2027-01-01 inclusive is 365 + 365 + 1 = 731 days.
    expect(choosePeriod({ period: 'custom', from: '2025-01-01', to: '2027-01-01' }, NOW, TZ)).toHaveProperty(
      'period',
    );
    expect(choosePeriod({ period: 'custom', from: '2025-01-01', to: '2027-01-02' }, NOW, TZ)).toEqual({
      problem: 'length',
    });
  });
});
