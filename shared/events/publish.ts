/**
 * Putting events on the bus. The table's stream is the outbox: `announceChanges` turns response changes
 * into events after the answer is saved, and erasure notices into ContactErased. Publishing checks every entry of the PutEvents result (the
 * call "succeeds" even when entries fail), retries the failed ones, and reports the changes whose events
 * still failed, for the stream to deliver again: an answer never waits for the bus, and no event is dropped.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { errorName } from '#shared/store/conditions.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { recipientKey } from '#shared/store/keys.ts';
import { recipientFromItem } from '#shared/store/recipient.ts';
import type { TableStore } from '#shared/store/table.ts';
import { EVENT_SOURCE, EVENT_TYPES } from './catalog.ts';
import { erasureOf } from './contact-events.ts';
import { alertSentOf, reminderSentOf } from './loop-events.ts';
import {
  eventsOfChange,
  type Respondent,
  type ResponseDetailsEvent,
  responseOf,
  type SurveyEvent,
  withRespondent,
} from './response-events.ts';

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
      const errorCode = errorName(error) ?? 'Error';
      const errorMessage = error instanceof Error ? error.message : String(error);
      failed = pending.map((event) => ({ event, errorCode, errorMessage }));
    }
    if (pending.length > 0 && attempt < MAX_ATTEMPTS)
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
  }
  return { published, failed };
};

/** What the stream publisher needs: the table (for the respondents' addresses) and the bus. */
export interface AnnounceDeps extends TableStore {
  events: EventPublisher;
}

/**
 * Announces changes read from the table's stream (the outbox): responses, once saved, erasures, alerts and
 * reminders sent. Only
 * ResponseDetails reads the respondent's address and name (one batch read of recipients). Returns the stream
 * positions of the changes whose events the bus did not take after retries; the stream delivers those again.
 */
export const announceChanges = async (
  deps: AnnounceDeps,
  changes: readonly ItemChange[],
): Promise<{ published: number; failed: string[] }> => {
  const raised = changes.flatMap((c): { event: SurveyEvent; position: string }[] => {
    const own = erasureOf(c) ?? alertSentOf(c) ?? reminderSentOf(c);
    if (own) return [{ event: own, position: c.sequenceNumber }];
    const after = responseOf(c.newImage);
    if (!after) return [];
    return eventsOfChange(responseOf(c.oldImage), after).map((event) => ({
      event,
      position: c.sequenceNumber,
    }));
  });
  if (raised.length === 0) return { published: 0, failed: [] };
  const idOf = (d: { waveId?: unknown; contactId?: unknown }) => `${d.waveId}|${d.contactId}`;
  const details = raised.flatMap(({ event }) =>
    event.metadata.type === EVENT_TYPES.responseDetails ? [(event as ResponseDetailsEvent).data] : [],
  );
  const keys = new Map(details.map((data) => [idOf(data), recipientKey(data.waveId, data.contactId)]));
  const respondents = new Map(
    (keys.size ? await batchGetAll(deps.ddb, deps.table, [...keys.values()]) : [])
      .map(recipientFromItem)
      .map((r): [string, Respondent] => [idOf(r), { email: r.email, name: r.name }]),
  );
  // event id → the stream position of the change that raised it
  const origin = new Map(raised.map(({ event, position }) => [event.metadata.id, position]));
  const events = raised.map(({ event }) =>
    event.metadata.type === EVENT_TYPES.responseDetails
      ? withRespondent(event as ResponseDetailsEvent, respondents.get(idOf(event.data)))
      : event,
  );
  const { published, failed } = await publishEvents(deps.events, events);
  return {
    published,
    failed: [...new Set(failed.map((f) => origin.get(f.event.metadata.id) ?? ''))].filter(Boolean),
  };
};
