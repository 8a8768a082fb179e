/** Whose a lane is: a batch's holder keeps it while it beats, and loses it seconds after it stops. */
import { describe, expect, it } from 'vitest';
import { HOLDER_BEAT_MS, HOLDER_GRACE_MS, isHeld } from '#shared/sending/lane-lock.ts';

const T0 = Date.parse('2026-12-07T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const iso = (ms: number) => at(ms).toISOString();

describe('a lane lock', () => {
  it('gives a dead holder seconds of grace, not the ten-minute lease', () => {
    expect(HOLDER_GRACE_MS).toBe(20_000);
    expect(HOLDER_BEAT_MS * 3).toBeLessThan(HOLDER_GRACE_MS);
  });

  it('is held from the claim until the grace has passed without a beat', () => {
    const lock = { version: 3, members: ['c1'], claimedAt: iso(0) };
    expect(isHeld(lock, at(HOLDER_GRACE_MS - 1))).toBe(true);
    expect(isHeld(lock, at(HOLDER_GRACE_MS))).toBe(false);
  });

  it('stays held while its holder beats, and is let go a grace after the last beat', () => {
    const lock = { version: 3, members: ['c1'], claimedAt: iso(0), beatAt: iso(3 * HOLDER_BEAT_MS) };
    expect(isHeld(lock, at(HOLDER_GRACE_MS + HOLDER_BEAT_MS))).toBe(true);
    expect(isHeld(lock, at(3 * HOLDER_BEAT_MS + HOLDER_GRACE_MS))).toBe(false);
  });

  it('is not held once released', () => {
    expect(isHeld({ version: 3 }, at(0))).toBe(false);
  });
});
