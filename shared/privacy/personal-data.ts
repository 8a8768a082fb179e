/**
 * The one map of personal data (DESIGN.md): every item kind that can hold an address, a name, a segment
 * property or an answer, how erasure finds it for one contact and what it does, and what retention does.
 * Erasure (`./erasure.ts`) and retention (`./retention.ts`) both walk this map, keyed by
 * `ItemKind`: a new kind added here does not compile until both say what they do with it. Pure data.
 */

/** Set on a recipient or response whose personal data retention removed; the events and retention read it. */
export const ANONYMISED_AT = 'anonymisedAt';

export type ItemKind =
  | 'contact'
  | 'recipient'
  | 'response'
  | 'feedbackEntry'
  | 'linkBudget'
  | 'reader'
  | 'digestLedger'
  | 'activity'
  | 'appliedMarker'
  | 'laneLock'
  | 'surveyedMark'
  | 'alertClaim'
  | 'webhookDelivery'
  | 'erasureNotice'
  | 'localEventLog';

export interface PersonalDataEntry {
  /** Its key shape (`#shared/store/keys.ts` builds it). */
  key: string;
  /** The attributes that hold personal data. */
  holds: readonly string[];
  /** How erasure finds one contact's items of this kind, without a scan. */
  find: string;
  /**
   * What erasure does: delete it; replace it with the tombstone; redact the address; or keep it, because it
   * holds nothing but the contact id (the address's one-way hash the tombstone keeps anyway).
   */
  erasure: 'delete' | 'tombstone' | 'redact' | 'keep';
  /** What retention does once its wave (or the contact's last survey) is older than the period. */
  retention: { remove: readonly string[]; keeps: string } | { expires: string } | { kept: string };
}

/** Recipient attributes retention removes; what is left still counts the same (sent, skipped, failed). */
export const RECIPIENT_PERSONAL = ['email', 'name', 'props'] as const;
/** Response attributes retention removes; the counted score, its day, kind, locale, segments and value stay. */
export const RESPONSE_PERSONAL = [
  'answers',
  'clicks',
  'history',
  'automatedAt',
  'respondedAt',
  'gsi1pk',
  'gsi1sk',
] as const;
/** What an event's `data` may hold of a person (ResponseDetails): the local event log loses it on erasure. */
export const EVENT_PERSONAL = ['email', 'name', 'props', 'answers'] as const;
/** Contact attributes retention removes once they were last surveyed before the period. */
export const CONTACT_PERSONAL = ['email', 'waves'] as const;

export const PERSONAL_DATA: Readonly<Record<ItemKind, PersonalDataEntry>> = {
  contact: {
    key: 'CONTACT#contactId / META',
    holds: ['email', 'waves'],
    find: 'by key: the contact id is the hash of the normalised address',
    erasure: 'tombstone',
    retention: {
      remove: CONTACT_PERSONAL,
      keeps: 'consent and suppression, and when they were last surveyed (the fatigue rule)',
    },
  },
  recipient: {
    key: 'WAVE#waveId#shard / RCPT#contactId',
    holds: ['email', 'name', 'props'],
    find: 'every wave from the waves index, then one batch read of the recipient keys',
    erasure: 'delete',
    retention: {
      remove: RECIPIENT_PERSONAL,
      keeps: 'send state, skip reason and send day, which the wave counters count',
    },
  },
  response: {
    key: 'WAVE#waveId#shard / RESP#contactId',
    holds: ['answers', 'clicks', 'history', 'automatedAt', 'respondedAt', 'props', 'value'],
    find: 'with the recipient, in the same batch read',
    erasure: 'delete',
    retention: {
      remove: RESPONSE_PERSONAL,
      keeps:
        'status, score, category, day, kind, locale, segment properties and value: exactly what the counters count',
    },
  },
  feedbackEntry: {
    key: 'gsi1 FEEDBACK#day / respondedAt#waveId#contactId (the response, projected)',
    holds: ['answers'],
    find: 'it is the response itself, in the index while it has gsi1pk',
    erasure: 'delete',
    retention: { remove: ['gsi1pk', 'gsi1sk'], keeps: 'nothing: the response leaves the index' },
  },
  linkBudget: {
    key: 'RATE#waveId#contactId / MIN#minute | UNSUB#minute',
    holds: [],
    find: 'one query per wave that has their recipient item (a link exists only there)',
    erasure: 'delete',
    retention: { expires: 'TTL two minutes after its minute' },
  },
  reader: {
    // With its opt-out item (DIGEST / OPTOUT#token: address, locale), written and deleted with it.
    key: 'DIGEST / READER#address (+ DIGEST / OPTOUT#token)',
    holds: ['address', 'locale', 'optOut'],
    find: "by key: the normalised address; the reader's optOut names its opt-out item",
    erasure: 'delete',
    retention: { kept: 'while they are subscribed to the digest; unsubscribing deletes it' },
  },
  digestLedger: {
    // READER# the schedule's, NOW# the console's "Send now" (once per reader and period unless confirmed).
    key: 'DIGEST#since#until / READER#contactId | NOW#contactId',
    holds: [],
    find: 'not needed: it names the reader by the contact id, never by address',
    erasure: 'keep',
    retention: { expires: 'TTL 60 days after the period' },
  },
  activity: {
    key: 'ACTIVITY / EVENT#ulid',
    holds: ['detail'],
    find: 'the one activity partition, read page by page; entries whose detail holds the address',
    erasure: 'redact',
    retention: { expires: 'TTL two years after the action' },
  },
  appliedMarker: {
    key: 'APPLIED#WAVE#waveId#Ggroup / POSITION',
    holds: [],
    find: 'not needed: a source partition and its stream position, kept so a redelivered change is not counted twice',
    erasure: 'keep',
    retention: { kept: 'no contact at all: four per wave' },
  },
  surveyedMark: {
    key: 'CONTACT#contactId / SURVEYED',
    holds: [],
    find: 'not needed: when our last email reached the contact id, and from which wave (the fatigue rule)',
    erasure: 'keep',
    retention: { kept: 'the contact id, a time and a wave id: what the fatigue rule needs' },
  },
  laneLock: {
    key: 'WAVE#waveId#Llane / LOCK',
    holds: [],
    find: 'not needed: the contact ids of the one batch being sent, cleared when it is sent',
    erasure: 'keep',
    retention: { kept: 'contact ids only, and only while their batch is in flight' },
  },
  alertClaim: {
    key: 'ALERT#waveId / contactId#vN | contactId#introduction',
    holds: [],
    find: 'not needed: it says only that an alert about this response version went out',
    erasure: 'keep',
    retention: { expires: 'TTL 30 days after the alert' },
  },
  webhookDelivery: {
    key: 'DELIVERY#subscriptionId / ResponseDetails:waveId:contactId:version:trigger',
    holds: [],
    find: 'not needed: it says only that a webhook accepted this event (what was posted is the receiver’s)',
    erasure: 'keep',
    retention: { expires: 'TTL 30 days after the delivery' },
  },
  erasureNotice: {
    key: 'CONTACT#contactId / ERASED',
    holds: [],
    find: 'written by the erasure: the outbox of its ContactErased event',
    erasure: 'keep',
    retention: { expires: 'TTL one day, once the stream has passed it' },
  },
  localEventLog: {
    // Not in the table: the local runtime's stand-in for the bus logs every event it accepts.
    key: '<state>/events.jsonl (local runtime only), one event a line',
    holds: EVENT_PERSONAL.map((attribute) => `detail.data.${attribute}`),
    find: 'the lines whose event names the contact id, rewritten by the local bus when the erasure’s ContactErased reaches it',
    erasure: 'redact',
    retention: { kept: 'local development only: the file lives in .local/ until it is deleted' },
  },
};

/** Personal data outside the table, which erasure and retention do not walk: each says why it need not. */
export interface PersonalFileEntry {
  where: string;
  holds: readonly string[];
  /** How long one lives at most, in days, and what removes it sooner. */
  maxDays: number;
  removedBy: string;
  erasure: string;
}

export const PERSONAL_FILES: Readonly<Record<'audienceUpload', PersonalFileEntry>> = {
  audienceUpload: {
    where:
      "the console's upload bucket, audience/<uploader id>/<uuid>.csv (`functions/console/http/uploads.ts`)",
    holds: ['every row of an audience file: addresses, names, owners, segment properties'],
    maxDays: 1,
    removedBy:
      "the console, as soon as the check or the creation has read it, whatever came of it; the bucket's lifecycle, a day after an upload that was never posted",
    erasure:
      'not searched: a file lives only while a request reads it (or under a day when abandoned), and the rows it created are erased from the table',
  },
};

/** What retention leaves of a stored item: the item without `remove`, marked anonymised. Pure. */
export const anonymised = (
  item: Readonly<Record<string, unknown>>,
  remove: readonly string[],
  at: string,
): Record<string, unknown> =>
  Object.fromEntries([
    ...Object.entries(item).filter(([attribute]) => !remove.includes(attribute)),
    [ANONYMISED_AT, at],
  ]);
