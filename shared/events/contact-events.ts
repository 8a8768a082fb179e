/**
 * ContactErased: an erasure writes a notice item, and its change in the table's stream (the outbox) becomes
 * this event, so consumers delete what they hold of the contact. It carries the contact id only. Pure.
 */
import { EVENT_PERSONAL } from '#shared/privacy/personal-data.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { ERASURE_NOTICE_SORT_KEY } from '#shared/store/keys.ts';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES } from './catalog.ts';
import type { ContactErasedEvent } from './response-events.ts';

/** The event an erasure notice's change raises; undefined for any other change, or the notice expiring. */
export const erasureOf = (change: ItemChange): ContactErasedEvent | undefined => {
  const after = change.newImage;
  if (change.sk !== ERASURE_NOTICE_SORT_KEY || !after) return undefined;
  const { contactId, erasedAt } = after;
  if (typeof contactId !== 'string' || typeof erasedAt !== 'string') return undefined;
  if (change.oldImage?.erasedAt === erasedAt) return undefined;
  return {
    metadata: {
      id: `${EVENT_TYPES.contactErased}:${contactId}:${erasedAt}`,
      type: EVENT_TYPES.contactErased,
      version: EVENT_SCHEMA_VERSION,
      occurredAt: erasedAt,
    },
    data: { contactId, erasedAt },
  };
};

/**
 * An event (as a bus target receives it, the publisher's event in `detail`) without what it holds of an
 * erased contact: the personal attributes of its data go, ids and figures stay. Other events come back as
 * they are (the same object). Pure.
 */
export const withoutErasedContact = <E extends { detail?: unknown }>(event: E, contactId: string): E => {
  const detail = event.detail as { data?: Record<string, unknown> } | undefined;
  const data = detail?.data;
  if (!data || data.contactId !== contactId || !EVENT_PERSONAL.some((a) => a in data)) return event;
  const kept = Object.fromEntries(
    Object.entries(data).filter(([attribute]) => !(EVENT_PERSONAL as readonly string[]).includes(attribute)),
  );
  return { ...event, detail: { ...detail, data: { ...kept, redacted: true } } };
};
