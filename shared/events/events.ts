/**
 * Events that close the loop: what a committed or changed response puts on the EventBridge bus so teams can
 * route a detractor to Slack, a referral to the CRM or a changed score to a ticket. Each event is exported
 * with its name (detail-type), source, version and schema; docs/events.md documents them for consumers.
 * The table's stream is the outbox: `announceChanges` turns response changes into events after the answer
 * is saved. Publishing checks every entry of the PutEvents result (the call "succeeds" even when entries
 * fail), retries the failed ones, and reports the changes whose events still failed, for the stream to
 * deliver again: an answer never waits for the bus, and no event is dropped.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Answers, ResponseItem } from '#shared/answering/responses.ts';
import type { Category, SurveyKind } from '#shared/core/survey.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { RESPONSE_PREFIX, recipientKey } from '#shared/store/keys.ts';

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

export interface EventPublisher {
  client: EventBridgeClient;
  busName: string;
}

export interface PublishResult {
  published: number;
  /** Entries that still failed after the retries, with EventBridge's error code. */
  failed: { event: SurveyEvent; errorCode: string; errorMessage: string }[];
}

const entryOf = (busName: string, event: SurveyEvent): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: EVENT_SOURCE,
  DetailType: event.metadata.type,
  Time: new Date(event.metadata.occurredAt),
  Resources: [],
  Detail: JSON.stringify(event),
});

const MAX_ATTEMPTS = 3;

/** PutEvents takes at most 10 entries a call. */
const PUT_EVENTS_LIMIT = 10;

/** Puts the events on the bus; entries that fail are retried, what still fails is returned, never thrown. */
export const publishEvents = async (
  publisher: EventPublisher,
  events: readonly SurveyEvent[],
): Promise<PublishResult> => {
  let published = 0;
  const failed: PublishResult['failed'] = [];
  for (let i = 0; i < events.length; i += PUT_EVENTS_LIMIT) {
    const result = await publishChunk(publisher, events.slice(i, i + PUT_EVENTS_LIMIT));
    published += result.published;
    failed.push(...result.failed);
  }
  return { published, failed };
};

const publishChunk = async (
  publisher: EventPublisher,
  events: readonly SurveyEvent[],
): Promise<PublishResult> => {
  let pending = [...events];
  let published = 0;
  let failed: PublishResult['failed'] = [];
  for (let attempt = 1; pending.length > 0 && attempt <= MAX_ATTEMPTS; attempt++) {
    failed = [];
    try {
      const out = await publisher.client.send(
        new PutEventsCommand({ Entries: pending.map((e) => entryOf(publisher.busName, e)) }),
      );
      const entries = out.Entries ?? [];
      const retry: SurveyEvent[] = [];
      pending.forEach((event, i) => {
        const entry = entries[i];
        if (entry?.EventId && !entry.ErrorCode) {
          published++;
          return;
        }
        retry.push(event);
        failed.push({
          event,
          errorCode: entry?.ErrorCode ?? 'MissingEntry',
          errorMessage: entry?.ErrorMessage ?? 'PutEvents returned no result for this entry',
        });
      });
      if ((out.FailedEntryCount ?? 0) > 0 && retry.length === 0) {
        // The count says some failed but no entry does: trust the count, retry them all.
        retry.push(...pending);
        failed = pending.map((event) => ({
          event,
          errorCode: 'FailedEntryCount',
          errorMessage: `${out.FailedEntryCount} entries failed`,
        }));
        published -= pending.length;
      }
      pending = retry;
    } catch (error) {
      const e = error as Error;
      failed = pending.map((event) => ({ event, errorCode: e.name, errorMessage: e.message }));
    }
    if (pending.length > 0 && attempt < MAX_ATTEMPTS)
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
  }
  return { published, failed };
};

/** What the stream publisher needs: the table (for the respondents' addresses) and the bus. */
export interface AnnounceDeps {
  ddb: DynamoDBDocumentClient;
  table: string;
  events: EventPublisher;
}

/**
 * Announces response changes read from the table's stream (the outbox): the answer is saved first, and its
 * events follow from the stream, retried until the bus takes them. Returns the stream positions of the
 * changes whose events the bus did not take after retries; the stream delivers those again.
 */
export const announceChanges = async (
  deps: AnnounceDeps,
  changes: readonly ItemChange[],
): Promise<{ published: number; failed: string[] }> => {
  const raised = changes.flatMap((c) => {
    const after = responseOf(c.newImage);
    if (!after) return [];
    return eventsOfChange(responseOf(c.oldImage), after).map((event) => ({
      event,
      position: c.sequenceNumber,
    }));
  });
  if (raised.length === 0) return { published: 0, failed: [] };
  const idOf = (d: { waveId?: unknown; contactId?: unknown }) => `${d.waveId}|${d.contactId}`;
  const keys = new Map(
    raised.map(({ event: { data } }) => [idOf(data), recipientKey(data.waveId, data.contactId)]),
  );
  const respondents = new Map(
    (await batchGetAll(deps.ddb, deps.table, [...keys.values()])).map((item) => [
      idOf(item),
      item as Respondent,
    ]),
  );
  // event id → the stream position of the change that raised it
  const origin = new Map(raised.map(({ event, position }) => [event.metadata.id, position]));
  const events = raised.map(({ event }) => withRespondent(event, respondents.get(idOf(event.data))));
  const { published, failed } = await publishEvents(deps.events, events);
  return {
    published,
    failed: [...new Set(failed.map((f) => origin.get(f.event.metadata.id) ?? ''))].filter(Boolean),
  };
};

/** The event with the respondent's address and name (absent once the contact is erased), after its ids. */
const withRespondent = (event: SurveyEvent, who: Respondent | undefined): SurveyEvent => {
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
const responseOf = (image: Record<string, unknown> | undefined): ResponseItem | undefined =>
  typeof image?.sk === 'string' && image.sk.startsWith(RESPONSE_PREFIX)
    ? (image as unknown as ResponseItem)
    : undefined;
