/** Who in a chunk may be surveyed now, and in which language. Pure. */
import { blockedReason, type Contact } from '#shared/contacts/contacts.ts';
import { isLocale, type Locale } from '#shared/core/locale.ts';
import type { Recipient } from '#shared/waves/model.ts';

export interface Screened {
  eligible: Recipient[];
  /** Recipients not to survey, with why: unsubscribed, bounced, complained, erased, or fatigue. */
  blocked: { r: Recipient; reason: string }[];
}

/** Splits recipients by their contacts' consent, suppression and fatigue (surveyed within `fatigueDays`). */
export const screen = (
  recipients: readonly Recipient[],
  contacts: ReadonlyMap<string, Contact>,
  now: Date,
  fatigueDays: number,
): Screened => {
  const out: Screened = { eligible: [], blocked: [] };
  for (const r of recipients) {
    const reason = blockedReason(contacts.get(r.contactId), now, fatigueDays);
    if (reason) out.blocked.push({ r, reason });
    else out.eligible.push(r);
  }
  return out;
};

/**
 * Recipients grouped by the language their email is written in, in order of first appearance; one without a
 * language we write in (an item older than the catalogs) gets the wave's.
 */
export const groupByLocale = (
  recipients: readonly Recipient[],
  fallback: Locale,
): Map<Locale, Recipient[]> => {
  const groups = new Map<Locale, Recipient[]>();
  for (const r of recipients) {
    const locale = isLocale(r.locale) ? r.locale : fallback;
    const group = groups.get(locale);
    if (group) group.push(r);
    else groups.set(locale, [r]);
  }
  return groups;
};
