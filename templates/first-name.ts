/**
 * The name a greeting uses: the first name of a full name as audience files carry it ("Anna Müller",
 * "Müller, Anna", "Dr. Anna Müller"), or nothing when there is none to use (an initial, a title alone),
 * so the email greets without a name rather than "Hi J.,". Pure.
 */

/** Titles and honorifics in our languages that come before a first name. */
const TITLES = new Set(
  [
    'mr',
    'mrs',
    'ms',
    'miss',
    'mx',
    'dr',
    'prof',
    'sir',
    'dame',
    'dhr',
    'mevr',
    'mw',
    'ir',
    'drs',
    'ing',
  ].concat(['herr', 'frau', 'hr', 'dipl', 'dipl.-ing', 'mag', 'fru']),
);

const MAX = 60;

export const firstNameOf = (name: string | undefined): string => {
  const full = (name ?? '').replace(/\s+/g, ' ').trim();
  // "Last, First" as many CRM exports write it.
  const comma = full.indexOf(',');
  const ordered = comma > 0 ? full.slice(comma + 1).trim() : full;
  const words = ordered.split(' ').filter(Boolean);
  while (words.length > 1 && TITLES.has((words[0] ?? '').toLowerCase().replace(/\.$/, ''))) words.shift();
  const first = words[0] ?? '';
  // An initial ("J." or "J") is not a name to greet by; nor is a title alone.
  if (Array.from(first.replace(/\.$/, '')).length < 2 || TITLES.has(first.toLowerCase().replace(/\.$/, '')))
    return '';
  return Array.from(first).slice(0, MAX).join('');
};
