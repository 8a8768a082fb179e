/**
 * The recipient entity as stored, `WAVE#id#NN / RCPT#contactId` (the contact's shard of the wave): what it
 * holds, its key, the item it is written as, and the validating read of one, from a query, a batch read or a
 * stream image. Here in the store, not in waves/, because the aggregator reads recipients and waves/ reads
 * the aggregates.
 */
import type { Locale } from '#shared/core/locale.ts';
import { SURVEY_KINDS, type SurveyKind } from '#shared/core/survey.ts';
import { defined, type Item, itemReader, storedLocale } from './item.ts';
import { recipientKey } from './keys.ts';

export { RECIPIENT_PREFIX, recipientKey } from './keys.ts';

/** `imported`: the recipient of an imported answer (`nps import responses`), which nobody sent. */
export type RecipientStatus = 'pending' | 'claimed' | 'sent' | 'failed' | 'skipped' | 'imported';

export interface Recipient {
  pk: string;
  sk: string;
  waveId: string;
  contactId: string;
  email: string;
  name: string;
  locale: Locale;
  kind: SurveyKind;
  props: Record<string, string>;
  status: RecipientStatus;
  reason?: string;
  claimedAt?: string;
  sentAt?: string;
  /** The calendar day of `sentAt` in the digest time zone: the day the aggregates count the send on. */
  sentDay?: string;
  messageId?: string;
  /** The contact's value from the wave's value column; responses carry it into the value counters. */
  value?: number;
  /** The contact's account manager and the language of their alerts (`owner`, `owner_locale` columns). */
  owner?: string;
  ownerLocale?: Locale;
  /**
   * The reminder's state, apart from the first email's: claimed → sent | failed, or why none went out
   * (answered, skipped:<reason>, or unknown when its sender died after claiming it — never sent twice).
   */
  reminder?: string;
  reminderClaimedAt?: string;
}

export const RECIPIENT_STATUSES: readonly RecipientStatus[] = [
  'pending',
  'claimed',
  'sent',
  'failed',
  'skipped',
  'imported',
];

/** The item a recipient is put as, under its wave's shard. */
export const recipientToItem = (recipient: Recipient) => ({
  ...recipient,
  ...recipientKey(recipient.waveId, recipient.contactId),
});

/**
 * A stored recipient, checked field by field; throws MalformedItemError on a malformed one. Retention removes
 * the address, name and properties of an anonymised one (read as empty); its locale is `storedLocale`. The item's other attributes (send
 * bookkeeping, its version) are kept as they are.
 */
export const recipientFromItem = (item: Item): Recipient => {
  const r = itemReader('recipient', item);
  const status = r.oneOf('status', RECIPIENT_STATUSES);
  const anonymised = r.optionalString('anonymisedAt') !== undefined;
  return {
    ...item,
    ...defined({
      pk: r.string('pk'),
      sk: r.string('sk'),
      waveId: r.string('waveId'),
      contactId: r.string('contactId'),
      email: anonymised ? (r.optionalString('email') ?? '') : r.string('email'),
      name: anonymised ? (r.optionalString('name') ?? '') : r.string('name'),
      locale: storedLocale(r),
      kind: r.oneOf('kind', SURVEY_KINDS),
      props: anonymised ? r.stringMap('props', {}) : r.stringMap('props'),
      status,
      reason: r.optionalString('reason'),
      claimedAt: r.optionalString('claimedAt'),
      sentAt: r.optionalString('sentAt'),
      sentDay: r.optionalString('sentDay'),
      messageId: r.optionalString('messageId'),
      value: r.optionalNumber('value'),
      owner: r.optionalString('owner'),
      ownerLocale: storedLocale(r, 'ownerLocale'),
      reminder: r.optionalString('reminder'),
      reminderClaimedAt: r.optionalString('reminderClaimedAt'),
    }),
  };
};

/** What the aggregator counts of a recipient: its wave, kind and send state, never its personal data. */
export type RecipientCounts = Pick<
  Recipient,
  'waveId' | 'kind' | 'status' | 'reason' | 'sentDay' | 'reminder'
>;

/**
 * A stream image of a recipient, read for counting only: the fields the counters need are checked, and an
 * image that lacks a field counting does not read (an address, a name) still counts.
 */
export const recipientCountsFromItem = (item: Item): RecipientCounts => {
  const r = itemReader('recipient', item);
  return defined({
    waveId: r.string('waveId'),
    kind: r.oneOf('kind', SURVEY_KINDS),
    status: r.oneOf('status', RECIPIENT_STATUSES),
    reason: r.optionalString('reason'),
    sentDay: r.optionalString('sentDay'),
    reminder: r.optionalString('reminder'),
  });
};

/** A recipient's send and reminder state, from a read that projected only those. */
export const recipientStateFromItem = (item: Item): Pick<Recipient, 'status' | 'reminder'> => {
  const r = itemReader('recipient', item);
  return defined({ status: r.oneOf('status', RECIPIENT_STATUSES), reminder: r.optionalString('reminder') });
};

/** What a recurring wave copies of a recipient into its next occurrence (`RECIPIENT_COPY_PROJECTION`). */
export type RecipientCopy = Pick<Recipient, 'contactId' | 'email' | 'name' | 'locale' | 'props' | 'value'>;
export const RECIPIENT_COPY_PROJECTION = {
  expression: 'contactId, email, #n, locale, props, #v',
  names: { '#n': 'name', '#v': 'value' },
};
export const recipientCopyFromItem = (item: Item): RecipientCopy => {
  const r = itemReader('recipient', item);
  return defined({
    contactId: r.string('contactId'),
    email: r.string('email'),
    name: r.string('name'),
    locale: storedLocale(r),
    props: r.stringMap('props', {}),
    value: r.optionalNumber('value'),
  });
};
