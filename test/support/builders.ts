/**
 * Test data builders, one per stored entity: a complete, valid item built by the entity's own `toItem`, so a
 * fixture has the real key (the wave shard included) and every field its writers write. Override any field.
 */
import { type Staged, stagedToItem } from '#shared/aggregation/staged-item.ts';
import { subscriptionToItem } from '#shared/alerts/subscription-item.ts';
import type { Subscription } from '#shared/alerts/subscriptions.ts';
import { responseToItem } from '#shared/answering/response-item.ts';
import type { ResponseItem } from '#shared/answering/responses.ts';
import { contactToItem, type SurveyedMark, surveyedToItem } from '#shared/contacts/contact-item.ts';
import type { Contact } from '#shared/contacts/contacts.ts';
import { optOutToItem, readerToItem } from '#shared/reporting/reader-item.ts';
import type { Reader } from '#shared/reporting/readers.ts';
import { type Recipient, recipientToItem } from '#shared/store/recipient.ts';
import type { ActivityEntry } from '#shared/team/activity.ts';
import { activityToItem } from '#shared/team/activity-item.ts';
import type { Wave } from '#shared/waves/model.ts';
import { waveToItem } from '#shared/waves/wave-item.ts';

export const aWave = (over: Partial<Wave> = {}) =>
  waveToItem({
    id: 'w1',
    name: 'Autumn',
    kind: 'nps',
    locale: 'en',
    product: 'Acme',
    sendAt: '2026-11-23T09:00:00.000Z',
    status: 'scheduled',
    recipients: 1,
    skipped: {},
    createdAt: '2026-11-20T09:00:00.000Z',
    ...over,
  });

export const aRecipient = (over: Partial<Recipient> = {}) => {
  const waveId = over.waveId ?? 'w1';
  const contactId = over.contactId ?? 'c1';
  return recipientToItem({
    pk: '',
    sk: '',
    waveId,
    contactId,
    email: 'ada@example.com',
    name: 'Ada',
    locale: 'en',
    kind: 'nps',
    props: {},
    status: 'pending',
    ...over,
  });
};

export const aResponse = (over: Partial<ResponseItem> = {}) => {
  const waveId = over.waveId ?? 'w1';
  const contactId = over.contactId ?? 'c1';
  return responseToItem({
    pk: '',
    sk: '',
    waveId,
    contactId,
    kind: 'nps',
    locale: 'en',
    props: {},
    status: 'pending',
    clicks: [],
    history: [],
    version: 1,
    ...over,
  });
};

export const aContact = (over: Partial<Contact> = {}) => contactToItem({ contactId: 'c1', ...over });

export const aSurveyedMark = (over: Partial<SurveyedMark> = {}) =>
  surveyedToItem({ contactId: 'c1', lastSurveyedAt: '2026-11-23T09:00:00.000Z', waveId: 'w1', ...over });

export const aReader = (over: Partial<Reader> = {}) =>
  readerToItem({ address: 'lead@example.com', locale: 'en', optOut: 'AAAAAAAAAAAAAAAAAAAAAA', ...over });

export const anOptOut = (token = 'AAAAAAAAAAAAAAAAAAAAAA', over: Partial<Reader> = {}) =>
  optOutToItem(token, { address: 'lead@example.com', locale: 'en', ...over });

export const aSubscription = (over: Partial<Subscription> = {}) =>
  subscriptionToItem({
    id: 's1',
    url: 'https://hooks.example.com/nps',
    on: 'detractor',
    format: 'json',
    createdAt: '2026-11-23T09:00:00.000Z',
    ...over,
  });

export const anActivityEntry = (over: Partial<ActivityEntry> = {}, expiresAt = 1_900_000_000) =>
  activityToItem(
    {
      id: '01JDFAKE000000000000000000',
      at: '2026-11-23T09:00:00.000Z',
      who: 'me@example.com',
      what: 'wave.created',
      detail: { wave: 'w1' },
      ...over,
    },
    expiresAt,
  );

export const aStaged = (over: Partial<Staged> = {}) =>
  stagedToItem({
    id: '01JDFAKE000000000000000001',
    entries: [
      { pk: 'AGG#nps#all', sk: 'ALL', add: { s9: 1, n: 1 } },
      { pk: 'AGG#nps#all', sk: 'SEGMENTS', values: ['plan#team'] },
    ],
    next: 0,
    ...over,
  });
