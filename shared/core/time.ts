/** Calendar arithmetic in a time zone. Pure. */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (yyyy-mm-dd) of an instant in a time zone. */
export const dayIn = (timeZone: string, at: Date): string => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(at);
};

/** Adds whole days to a yyyy-mm-dd day. */
export const addDays = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** Days from `start` (inclusive) to `end` (exclusive). */
export const daysBetween = (start: string, end: string): string[] => {
  const days: string[] = [];
  for (let d = start; d < end; d = addDays(d, 1)) days.push(d);
  return days;
};

const DURATION = /^(?:(\d+)w|(\d+)d|(\d+)h|(\d+)m|P(?:(\d+)W|(\d+)D))$/i;

/** Parses `7d`, `2w`, `12h`, `30m` (minutes), `P90D`, `P2W` into days (hours and minutes as fractions). */
export const parseDurationDays = (text: string): number | undefined => {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const [, w, d, h, min, pw, pd] = m;
  if (w ?? pw) return Number(w ?? pw) * 7;
  if (d ?? pd) return Number(d ?? pd);
  if (h) return Number(h) / 24;
  if (min) return Number(min) / 1440;
  return undefined;
};

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const DAY = 86_400_000;

/** How far a time zone's wall clock is ahead of UTC at an instant, in ms. */
const offsetAt = (timeZone: string, at: number): number => {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, f);
  }
  const part = (type: string) => Number(f.formatToParts(at).find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(at / 1000) * 1000;
};

/**
 * The instant a wall-clock time (`2026-12-01T09:00`, as a datetime-local field gives it) has in a time zone;
 * undefined when it is not such a time or the zone is unknown. A time the clocks skip (spring forward) moves
 * on by the jump; a time they pass twice (fall back) is the first.
 */
export const instantIn = (timeZone: string, localDateTime: string): Date | undefined => {
  const m = LOCAL_DATE_TIME.exec(localDateTime);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as number[];
  const wall = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== (month as number) - 1 || check.getUTCDate() !== day || (hour as number) > 23)
    return undefined;
  try {
    // The zone's offsets a day before and after: around a transition they differ, else they agree.
    const before = offsetAt(timeZone, wall - DAY);
    const after = offsetAt(timeZone, wall + DAY);
    const valid = [wall - before, wall - after].filter((at) => offsetAt(timeZone, at) === wall - at);
    return new Date(valid.length > 0 ? Math.min(...valid) : wall - before);
  } catch {
    return undefined;
  }
};
