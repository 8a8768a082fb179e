/**
 * The contact entities as stored: the contact (`CONTACT#id / META`: consent, suppression, the erasure
 * tombstone) and its fatigue mark (`CONTACT#id / SURVEYED`): keys, items and the validating reads.
 */
import { defined, type Item, itemReader } from '#shared/store/item.ts';
import { contactKey, surveyedKey } from '#shared/store/keys.ts';
import type { Contact } from './contacts.ts';

export { contactKey, surveyedKey } from '#shared/store/keys.ts';

export const CONTACT_SORT_KEY = contactKey('').sk;
const SUPPRESSIONS = ['bounced', 'complained'] as const;

export const contactToItem = (contact: Contact) => ({ ...contactKey(contact.contactId), ...contact });

/**
 * A stored contact, checked field by field; throws MalformedItemError on a malformed one. Its other attributes
 * (the waves it was in, when it was suppressed) are kept as they are.
 */
export const contactFromItem = (item: Item): Contact => {
  const r = itemReader('contact', item);
  return {
    ...item,
    ...defined({
      contactId: r.string('contactId'),
      email: r.optionalString('email'),
      lastSurveyedAt: r.optionalString('lastSurveyedAt'),
      unsubscribedAt: r.optionalString('unsubscribedAt'),
      suppressed: r.optionalOneOf('suppressed', SUPPRESSIONS),
      erasedAt: r.optionalString('erasedAt'),
    }),
  };
};

/** A contact's fatigue mark: when an email of ours last reached them, and from which wave. */
export interface SurveyedMark {
  contactId: string;
  lastSurveyedAt: string;
  waveId: string;
}

export const surveyedToItem = (mark: SurveyedMark) => ({ ...surveyedKey(mark.contactId), ...mark });

export const surveyedFromItem = (item: Item): SurveyedMark => {
  const r = itemReader('surveyed mark', item);
  return {
    contactId: r.string('contactId'),
    lastSurveyedAt: r.string('lastSurveyedAt'),
    waveId: r.string('waveId'),
  };
};
