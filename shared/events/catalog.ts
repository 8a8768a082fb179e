/**
 * The events the pipeline puts on its bus (docs/events.md): source, schema version, detail-types, and which
 * of them the bus archives. Archived events carry ids, scores and categories, never an address, a name, a
 * segment property or an answer; what a same-day follow-up needs of those travels in `ResponseDetails`,
 * which the archive leaves out.
 */
export const EVENT_SOURCE = 'nps.surveys';
/** 2: personal data left the archived events for ResponseDetails; ContactErased added. */
export const EVENT_SCHEMA_VERSION = 2;

export const EVENT_TYPES = {
  /** A response was committed for the first time, or its score or answers changed. */
  responseCommitted: 'ResponseCommitted',
  /** A committed response is in the detractor category (NPS 0–6, CSAT 1–2, CES 1–3). */
  detractorResponded: 'DetractorResponded',
  /** A promoter agreed to be contacted about a referral. */
  referralConsentGiven: 'ReferralConsentGiven',
  /** Who answered and what they wrote, beside each ResponseCommitted: personal, so never archived. */
  responseDetails: 'ResponseDetails',
  /** A person was erased: consumers delete what they hold of this contact id. */
  contactErased: 'ContactErased',
  /** An owner alert (or a referral's introduction) reached the owner's mailbox provider (SES took it). */
  alertSent: 'AlertSent',
  /** A recipient's one reminder went out. */
  reminderSent: 'ReminderSent',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** What the bus archives (30 days, for replay): every type but the one that carries personal data. */
export const ARCHIVED_EVENT_TYPES: readonly EventType[] = [
  EVENT_TYPES.responseCommitted,
  EVENT_TYPES.detractorResponded,
  EVENT_TYPES.referralConsentGiven,
  EVENT_TYPES.contactErased,
  EVENT_TYPES.alertSent,
  EVENT_TYPES.reminderSent,
];

export interface EventMetadata<T extends EventType = EventType> {
  /** Deterministic: the same change always gets the same id, so consumers can de-duplicate. */
  id: string;
  type: T;
  version: typeof EVENT_SCHEMA_VERSION;
  occurredAt: string;
}
