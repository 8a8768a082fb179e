/** Responses as people make them, and the events the publisher raises for them (the real transitions). */
import type { EventBridgeEvent } from 'aws-lambda';
import { type Answers, applyCommit, newResponse, type ResponseItem } from '#shared/answering/responses.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { EVENT_SOURCE, EVENT_TYPES } from '#shared/events/catalog.ts';
import { eventsOfChange, type ResponseDetailsEvent, withRespondent } from '#shared/events/response-events.ts';
import type { Recipient } from '#shared/waves/model.ts';

/** The response after a person commits `score` with `answers`, and the ResponseDetails it raises. */
export const commitAnswer = (
  recipient: Recipient,
  before: ResponseItem | undefined,
  score: number,
  answers?: Answers,
) => {
  const after = applyCommit(
    before ?? newResponse(recipient),
    { score, answers, via: 'submit', day: '2026-11-23' },
    new Date('2026-11-23T10:00:00Z'),
    surveyPolicy(),
  );
  const details = eventsOfChange(before, after).find(
    (e): e is ResponseDetailsEvent => e.metadata.type === EVENT_TYPES.responseDetails,
  );
  if (!details) throw new Error('no ResponseDetails raised');
  return { after, details: withRespondent(details, { email: recipient.email, name: recipient.name }) };
};

/** The event as an EventBridge rule target receives it: the publisher's whole event is the detail. */
export const busEvent = (details: ResponseDetailsEvent): EventBridgeEvent<string, ResponseDetailsEvent> => ({
  version: '0',
  id: details.metadata.id,
  'detail-type': details.metadata.type,
  source: EVENT_SOURCE,
  account: '000000000000',
  time: details.metadata.occurredAt,
  region: 'eu-west-1',
  resources: [],
  detail: details,
});
