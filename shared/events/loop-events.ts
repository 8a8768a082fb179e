/**
 * Events of the loop closing: AlertSent when an owner alert or introduction email went out (its claim settled
 * as sent), ReminderSent when a recipient's reminder went out. Both come from the item's change in the table's
 * stream (the outbox), so a redelivery raises the same event with the same id. They carry ids only: the bus
 * archives them. Pure.
 */

import type { ItemChange } from '#shared/store/item-change.ts';
import { ALERT_PREFIX, RECIPIENT_PREFIX } from '#shared/store/keys.ts';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, type EventMetadata } from './catalog.ts';

export interface AlertSentEvent {
  metadata: EventMetadata<typeof EVENT_TYPES.alertSent>;
  data: {
    waveId: string;
    contactId: string;
    /** `response`: a detractor's or passive's answers; `introduction`: a promoter's referral with consent. */
    alert: 'response' | 'introduction';
    /** The response revision the alert was about (response alerts). */
    revision?: number;
    sentAt: string;
  };
}

export interface ReminderSentEvent {
  metadata: EventMetadata<typeof EVENT_TYPES.reminderSent>;
  data: { waveId: string; contactId: string; sentAt: string };
}

const metadata = <T extends EventMetadata['type']>(
  type: T,
  id: string,
  occurredAt: string,
): EventMetadata<T> => ({
  id: `${type}:${id}`,
  type,
  version: EVENT_SCHEMA_VERSION,
  occurredAt,
});

/** AlertSent for an alert claim that became `sent`; nothing for any other change. */
export const alertSentOf = (change: ItemChange): AlertSentEvent | undefined => {
  const after = change.newImage;
  if (!change.pk.startsWith(ALERT_PREFIX) || after?.status !== 'sent' || change.oldImage?.status === 'sent')
    return undefined;
  const waveId = change.pk.slice(ALERT_PREFIX.length);
  const [contactId, what] = change.sk.split('#') as [string, string | undefined];
  const sentAt = typeof after.settledAt === 'string' ? after.settledAt : '';
  if (!contactId || !what || !sentAt) return undefined;
  const revision = /^v(\d+)$/.exec(what)?.[1];
  return {
    metadata: metadata(EVENT_TYPES.alertSent, `${waveId}:${change.sk}`, sentAt),
    data: {
      waveId,
      contactId,
      alert: what === 'introduction' ? 'introduction' : 'response',
      ...(revision ? { revision: Number(revision) } : {}),
      sentAt,
    },
  };
};

/** ReminderSent for a recipient whose reminder became `sent`; nothing for any other change. */
export const reminderSentOf = (change: ItemChange): ReminderSentEvent | undefined => {
  const after = change.newImage;
  if (
    !change.sk.startsWith(RECIPIENT_PREFIX) ||
    after?.reminder !== 'sent' ||
    change.oldImage?.reminder === 'sent'
  )
    return undefined;
  const { waveId, contactId, reminderSentAt } = after;
  if (typeof waveId !== 'string' || typeof contactId !== 'string' || typeof reminderSentAt !== 'string')
    return undefined;
  return {
    metadata: metadata(EVENT_TYPES.reminderSent, `${waveId}:${contactId}`, reminderSentAt),
    data: { waveId, contactId, sentAt: reminderSentAt },
  };
};
