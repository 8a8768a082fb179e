/** Schedule arithmetic of waves: how much of a spread wave is due, when a recurrence sends next, and its id. Pure. */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { parseDurationDays } from '#shared/core/time.ts';
import type { Wave } from './model.ts';

const DAY_MS = 86_400_000;

/** How many recipients of a spread wave may have been sent by `now`: a linear share of its window. */
export const spreadQuota = (wave: Pick<Wave, 'recipients' | 'sendAt' | 'spreadDays'>, now: Date): number => {
  if (!wave.spreadDays) return wave.recipients;
  const elapsed = now.getTime() - Date.parse(wave.sendAt);
  if (elapsed < 0) return 0;
  return Math.ceil(wave.recipients * Math.min(1, elapsed / (wave.spreadDays * DAY_MS)));
};

/**
 * The next occurrence's send time: `every` after this one's, and not in the past. Days are 24 hours of
 * elapsed time, so across a daylight-saving change the local hour moves by one.
 */
export const nextSendAt = (wave: Pick<Wave, 'sendAt' | 'every'>, now: Date): Date | undefined => {
  const days = wave.every ? parseDurationDays(wave.every) : undefined;
  if (!days) return undefined;
  let at = Date.parse(wave.sendAt) + days * DAY_MS;
  while (at <= now.getTime()) at += days * DAY_MS;
  return new Date(at);
};

/**
 * The id of a wave's next occurrence: a ULID of its send time whose random part is derived from the parent,
 * so two senders finishing the same wave agree on it and only one occurrence is ever created.
 */
export const occurrenceId = (parentId: string, sendAt: Date): string => {
  const seed = createHash('sha256').update(parentId).digest();
  let i = 0;
  return ulid(sendAt.getTime(), () => (seed[i++ % seed.length] as number) / 256);
};
