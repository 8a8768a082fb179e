/**
 * Events that close the loop: what a committed or changed response puts on the EventBridge bus so teams can
 * route a detractor to Slack, a referral to the CRM or a changed score to a ticket. Each event is exported
 * with its name (detail-type), source, version and schema; docs/events.md documents them for consumers.
 * Pure: which events a change raises; `publish.ts` puts them on the bus.
 */
import type { Answers, ResponseItem } from '#shared/answering/responses.ts';
import type { Category, SurveyKind } from '#shared/core/survey.ts';
import { RESPONSE_PREFIX } from '#shared/store/keys.ts';

export const EVENT_SOURCE = 'nps.surveys';
export const EVENT_SCHEMA_VERSION = 1;

export const EVENT_TYPES = {
  /** A response was committed for the first time, or its score or answers changed. */
  responseCommitted: 'ResponseCommitted',
  /** A committed response is in the detractor category (NPS 0–6, CSAT 1–2, CES 1–3). */
  detractorResponded: 'DetractorResponded',
  /** A promoter agreed to be contacted about a referral. */
  referralConsentGiven: 'ReferralConsentGiven',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

export interface EventMetadata {
  /** Deterministic: the same change always gets the same id, so consumers can de-duplicate. */
  id: string;
  type: EventType;
  version: typeof EVENT_SCHEMA_VERSION;
  occurredAt: string;
}

/** The response as every event carries it. */
export interface ResponseEventData {
  waveId: string;
  contactId: string;
  /** The respondent, so a team can act the same day; absent once the contact is erased. */
  email?: string;
  name?: string;
  kind: SurveyKind;
  locale: string;
  score: number;
  category: Category;
  via: 'submit' | 'dwell';
  respondedAt: string;
  /** Segment properties from the audience file. */
  props: Record<string, string>;
  answers: Answers;
  /** The score this response had before, when a person changed it. */
  previous?: { score: number; category: Category };
  /** Increases with every change of the response; the highest one is the latest state. */
  revision: number;
}

export interface SurveyEvent {
  metadata: EventMetadata;
  data: ResponseEventData;
}

/** Who answered: the recipient's address and name, which the response item itself does not keep. */
export interface Respondent {
  email?: string;
  name?: string;
}

/**
 * The events one change of a response raises, without the respondent (`withRespondent` adds them). Pure.
 * Nothing for a quarantined or unchanged response.
 */
export const eventsOfChange = (before: ResponseItem | undefined, after: ResponseItem): SurveyEvent[] => {
  if (after.status !== 'committed' || after.score === undefined || !after.category || !after.respondedAt)
    return [];
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
    props: after.props ?? {},
    answers: after.answers ?? {},
    ...(wasCommitted && scoreChanged
      ? { previous: { score: before.score as number, category: before.category as Category } }
      : {}),
    revision: after.version,
  };
  const event = (type: EventType): SurveyEvent => ({
    metadata: {
      id: `${type}:${after.waveId}:${after.contactId}:${after.version}`,
      type,
      version: EVENT_SCHEMA_VERSION,
      occurredAt: after.respondedAt as string,
    },
    data,
  });
  const events = [event(EVENT_TYPES.responseCommitted)];
  if (after.category === 'detractor') events.push(event(EVENT_TYPES.detractorResponded));
  if (after.answers?.referralConsent && !before?.answers?.referralConsent)
    events.push(event(EVENT_TYPES.referralConsentGiven));
  return events;
};

/** The event with the respondent's address and name (absent once the contact is erased), after its ids. */
export const withRespondent = (event: SurveyEvent, who: Respondent | undefined): SurveyEvent => {
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

/** A stream image that is a response item, typed as one. */
export const responseOf = (image: Record<string, unknown> | undefined): ResponseItem | undefined =>
  typeof image?.sk === 'string' && image.sk.startsWith(RESPONSE_PREFIX)
    ? (image as unknown as ResponseItem)
    : undefined;
