/**
 * ContactErased: an erasure writes a notice item, and its change in the table's stream (the outbox) becomes
 * this event, so consumers delete what they hold of the contact. It carries the contact id only. Pure.
 */
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
