/**
 * Events that close the loop: what a committed or changed response puts on the EventBridge bus so teams can
 * route a detractor to Slack, a referral to the CRM or a changed score to a ticket. ResponseCommitted,
 * DetractorResponded and ReferralConsentGiven carry the contact id, never who they are or what they wrote:
 * the bus archives them. ResponseDetails, beside each ResponseCommitted, carries the address, name, segment
 * properties and answers for a same-day follow-up, and is never archived (docs/events.md).
 * Pure: which events a change raises; `publish.ts` puts them on the bus.
 */
import { responseFromItem } from '#shared/answering/response-item.ts';
import type { Answers, ResponseItem } from '#shared/answering/responses.ts';
import type { Category, SurveyKind } from '#shared/core/survey.ts';
import { ANONYMISED_AT } from '#shared/privacy/personal-data.ts';
import { RESPONSE_PREFIX } from '#shared/store/keys.ts';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, type EventMetadata } from './catalog.ts';
import type { AlertSentEvent, ReminderSentEvent } from './loop-events.ts';

export {
  ARCHIVED_EVENT_TYPES,
  EVENT_SCHEMA_VERSION,
  EVENT_SOURCE,
  EVENT_TYPES,
  type EventMetadata,
  type EventType,
} from './catalog.ts';

/** The archived events' types. */
export type ResponseEventType =
  | typeof EVENT_TYPES.responseCommitted
  | typeof EVENT_TYPES.detractorResponded
  | typeof EVENT_TYPES.referralConsentGiven;

/** A committed response as the archived events carry it: ids, score and category, nothing personal. */
export interface ResponseEventData {
  waveId: string;
  /** The one-way hash of the address; ContactErased names the same id. */
  contactId: string;
  kind: SurveyKind;
  locale: string;
  score: number;
  category: Category;
  via: 'submit' | 'dwell';
  respondedAt: string;
  /** The score this response had before, when a person changed it. */
  previous?: { score: number; category: Category };
  /** Increases with every change of the response; the highest one is the latest state. */
  revision: number;
}

/** ResponseDetails: the response with who answered and what they wrote. In flight only, never archived. */
export interface ResponseDetailsData extends ResponseEventData {
  /** The respondent; absent once the contact is erased. */
  email?: string;
  name?: string;
  /** Segment properties from the audience file. */
  props: Record<string, string>;
  answers: Answers;
}

export interface ResponseEvent {
  metadata: EventMetadata<ResponseEventType>;
  data: ResponseEventData;
}

export interface ResponseDetailsEvent {
  metadata: EventMetadata<typeof EVENT_TYPES.responseDetails>;
  data: ResponseDetailsData;
}

export interface ContactErasedEvent {
  metadata: EventMetadata<typeof EVENT_TYPES.contactErased>;
  data: { contactId: string; erasedAt: string };
}

export type SurveyEvent =
  | ResponseEvent
  | ResponseDetailsEvent
  | ContactErasedEvent
  | AlertSentEvent
  | ReminderSentEvent;

/** Who answered: the recipient's address and name, which the response item itself does not keep. */
export interface Respondent {
  email?: string;
  name?: string;
}

/**
 * The events one change of a response raises, ResponseDetails without the respondent (`withRespondent`
 * adds them). Pure. Nothing for a quarantined, unchanged, anonymised or imported response.
 */
export const eventsOfChange = (
  before: ResponseItem | undefined,
  after: ResponseItem,
): (ResponseEvent | ResponseDetailsEvent)[] => {
  if (after.status !== 'committed' || after.score === undefined || !after.category || !after.respondedAt)
    return [];
  // Retention's anonymising change, or an answer imported from another tool: nobody answered just now.
  if (after[ANONYMISED_AT] !== undefined || after.via === 'import') return [];
  const wasCommitted = before?.status === 'committed' && before.score !== undefined && before.category;
  const scoreChanged = !wasCommitted || before.score !== after.score;
  const answersChanged = JSON.stringify(before?.answers ?? {}) !== JSON.stringify(after.answers ?? {});
  if (!scoreChanged && !answersChanged) return [];
  const data: ResponseEventData = {
    waveId: after.waveId,
    contactId: after.contactId,
    kind: after.kind,
    locale: after.locale,
    score: after.score,
    category: after.category,
    via: after.via ?? 'submit',
    respondedAt: after.respondedAt,
    ...(wasCommitted && scoreChanged
      ? { previous: { score: before.score as number, category: before.category as Category } }
      : {}),
    revision: after.version,
  };
  const metadata = <T extends EventMetadata['type']>(type: T): EventMetadata<T> => ({
    id: `${type}:${after.waveId}:${after.contactId}:${after.version}`,
    type,
    version: EVENT_SCHEMA_VERSION,
    occurredAt: after.respondedAt as string,
  });
  const events: (ResponseEvent | ResponseDetailsEvent)[] = [
    { metadata: metadata(EVENT_TYPES.responseCommitted), data },
  ];
  if (after.category === 'detractor')
    events.push({ metadata: metadata(EVENT_TYPES.detractorResponded), data });
  if (after.answers?.referralConsent && !before?.answers?.referralConsent)
    events.push({ metadata: metadata(EVENT_TYPES.referralConsentGiven), data });
  events.push({
    metadata: metadata(EVENT_TYPES.responseDetails),
    data: { ...data, props: after.props ?? {}, answers: after.answers ?? {} },
  });
  return events;
};

/** ResponseDetails with the respondent's address and name (absent once erased), after its ids. */
export const withRespondent = (
  event: ResponseDetailsEvent,
  who: Respondent | undefined,
): ResponseDetailsEvent => {
  const { waveId, contactId, ...rest } = event.data;
  return {
    ...event,
    data: {
      waveId,
      contactId,
      ...(who?.email ? { email: who.email } : {}),
      ...(who?.name ? { name: who.name } : {}),
      ...rest,
    },
  };
};

/** A stream image that is a response item, read as one (MalformedItemError on a malformed one). */
export const responseOf = (image: Record<string, unknown> | undefined): ResponseItem | undefined =>
  typeof image?.sk === 'string' && image.sk.startsWith(RESPONSE_PREFIX) ? responseFromItem(image) : undefined;
