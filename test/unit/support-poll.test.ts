/** The tests' bounded poll: returns the first value, and fails loudly (what, and what was last seen) when none comes. */
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.ts';

describe('pollUntil', () => {
  it('returns the first value that is neither undefined nor false, probing again until then', async () => {
    let probes = 0;
    const value = await pollUntil('the third probe', () => (++probes >= 3 ? { probes } : false), {
      everyMs: 1,
    });
    expect(value).toEqual({ probes: 3 });
  });

  it('fails after its bound, naming what it waited for and the last value or error it saw', async () => {
    await expect(pollUntil('a count of 2', () => undefined, { timeoutMs: 20, everyMs: 5 })).rejects.toThrow(
      /^Timed out after 20 ms waiting for a count of 2; last seen: undefined$/,
    );
    await expect(
      pollUntil(
        'a table',
        () => {
          throw new Error('ResourceNotFoundException');
        },
        { timeoutMs: 20, everyMs: 5 },
      ),
    ).rejects.toThrow('last seen: Error: ResourceNotFoundException');
  });
});
