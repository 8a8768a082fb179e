/**
 * Bounded polls for tests: wait until the system under test reaches a state on its own time (a busy machine
 * decides how long), and fail loudly, saying what was awaited and what was last seen, when it never does.
 * Never a sleep: a fixed wait is either too short on a busy machine or wasted on an idle one.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions {
  /** How long to wait at most; generous, as the machine decides (default 30 s). */
  timeoutMs?: number;
  /** How long between probes (default 100 ms). */
  everyMs?: number;
}

/**
 * Probes until it gives a value that is neither `undefined` nor `false`, and returns it; throws after
 * `timeoutMs` naming `what` and the last value or error seen.
 */
export const pollUntil = async <T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, everyMs = 100 }: PollOptions = {},
): Promise<T> => {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${describe(last)}`, {
        cause: last,
      });
    await delay(everyMs);
  }
};

const describe = (value: unknown): string => {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};
