import { describe, expect, it } from 'vitest';
import { REMIND_AFTER_SECONDS, waveSettingsProblems } from '#shared/waves/settings.ts';

const fields = (s: Parameters<typeof waveSettingsProblems>[0]) => waveSettingsProblems(s).map((p) => p.field);

describe('wave settings, one set of rules for the console and the CLI', () => {
  it('accepts a reminder from one minute to 30 days, and nothing outside', () => {
    expect(REMIND_AFTER_SECONDS).toEqual({ min: 60, max: 2_592_000 });
    expect(fields({ name: 'W', remindAfterSeconds: 60 })).toEqual([]);
    expect(fields({ name: 'W', remindAfterSeconds: 30 * 60 })).toEqual([]);
    expect(fields({ name: 'W', remindAfterSeconds: 2_592_000 })).toEqual([]);
    expect(fields({ name: 'W', remindAfterSeconds: 59 })).toEqual(['remindAfter']);
    expect(fields({ name: 'W', remindAfterSeconds: 2_592_001 })).toEqual(['remindAfter']);
    expect(fields({ name: 'W', remindAfterSeconds: 90.5 })).toEqual(['remindAfter']);
  });

  it('names each field it refuses, with the message the CLI prints', () => {
    const problems = waveSettingsProblems({
      name: ' ',
      fromName: 'Evil <x@y>',
      replyTo: 'nope',
      alertTo: 'also nope',
      remindAfterSeconds: 1,
    });
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      ['name', '--name must be 1–200 characters'],
      ['fromName', '--from-name must be 1–64 characters without quotes or angle brackets'],
      ['replyTo', '--reply-to "nope" is not a valid address'],
      ['alertTo', '--alert-to "also nope" is not a valid address'],
      ['remindAfter', '--remind-after must be from 1m to 30d'],
    ]);
  });

  it('takes a name of exactly 200 characters and refuses 201', () => {
    expect(fields({ name: 'x'.repeat(200) })).toEqual([]);
    expect(fields({ name: 'x'.repeat(201) })).toEqual(['name']);
  });
});
