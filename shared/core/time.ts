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

const DURATION = /^(?:(\d+)w|(\d+)d|(\d+)h|P(?:(\d+)W|(\d+)D))$/i;

/** Parses `7d`, `2w`, `12h`, `P90D`, `P2W` into days (hours as fractions). */
export const parseDurationDays = (text: string): number | undefined => {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const [, w, d, h, pw, pd] = m;
  if (w ?? pw) return Number(w ?? pw) * 7;
  if (d ?? pd) return Number(d ?? pd);
  if (h) return Number(h) / 24;
  return undefined;
};
