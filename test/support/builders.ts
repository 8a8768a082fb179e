/**
 * Test data builders, one per stored entity: a complete, valid item built by the entity's own `toItem`, so a
 * fixture has the real key (the wave shard included) and every field its writers write. Override any field.
 */
import { responseToItem } from '#shared/answering/response-item.ts';
import type { ResponseItem } from '#shared/answering/responses.ts';
import { type Recipient, recipientToItem } from '#shared/store/recipient.ts';
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
