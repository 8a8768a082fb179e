/** The items a survey link reads: its recipient, its response and what the pages show of its wave. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#shared/core/errors.ts';
import type { Locale } from '#shared/core/locale.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import { ifFound, MalformedItemError } from '#shared/store/item.ts';
import { recipientKey, responseKey, waveKey } from '#shared/store/keys.ts';
import { recipientFromItem } from '#shared/store/recipient.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Recipient } from '#shared/waves/model.ts';
import { responseFromItem } from './response-item.ts';
import type { ResponseItem } from './responses.ts';

export const getRecipient = async (
  store: TableStore,
  waveId: string,
  contactId: string,
): Promise<Recipient> => {
  const out = await store.ddb.send(
    new GetCommand({ TableName: store.table, Key: recipientKey(waveId, contactId) }),
  );
  if (!out.Item) throw new NotFoundError('No such recipient');
  return recipientFromItem(out.Item);
};

/** What the survey pages show of a link's wave: what it asks about, and whether answers reach a person. */
/** A stored response of a known recipient that cannot be read: our fault, told in the recipient's language. */
export class UnreadableResponseError extends Error {
  override name = 'UnreadableResponseError';
  readonly locale: Locale;
  constructor(locale: Locale, cause: unknown) {
    super('The stored response of this link cannot be read', { cause });
    this.locale = locale;
  }
}

export interface WaveFacts {
  product?: string;
  /** The wave names a fallback alert address (`--alert-to`). */
  alerts: boolean;
}

const waveFactsOf = (item: Record<string, unknown> | undefined): WaveFacts => ({
  ...(typeof item?.product === 'string' && item.product ? { product: item.product } : {}),
  alerts: typeof item?.alertTo === 'string' && item.alertTo !== '',
});

/**
 * A link's recipient, its response (null when nobody opened the link yet) and its wave's facts in one
 * consistent batch read: naming the product costs no extra round trip. The recipient is undefined when the
 * wave has no such contact.
 */
export const getRecipientAndResponse = async (
  store: TableStore,
  waveId: string,
  contactId: string,
): Promise<{ recipient: Recipient | undefined; response: ResponseItem | null; wave: WaveFacts }> => {
  const rKey = recipientKey(waveId, contactId);
  const sKey = responseKey(waveId, contactId);
  const wKey = waveKey(waveId);
  const items = await batchGetAll(store.ddb, store.table, [rKey, sKey, wKey], { consistent: true });
  const recipient = ifFound(
    items.find((i) => i.sk === rKey.sk),
    recipientFromItem,
  );
  let response: ResponseItem | null;
  try {
    response =
      ifFound(
        items.find((i) => i.sk === sKey.sk),
        responseFromItem,
      ) ?? null;
  } catch (error) {
    if (recipient && error instanceof MalformedItemError)
      throw new UnreadableResponseError(recipient.locale, error);
    throw error;
  }
  return { recipient, response, wave: waveFactsOf(items.find((i) => i.sk === wKey.sk)) };
};

/** The unsubscribe link's recipient and its wave's facts, in one batch read. */
export const getRecipientAndWave = async (
  store: TableStore,
  waveId: string,
  contactId: string,
): Promise<{ recipient: Recipient | undefined; wave: WaveFacts }> => {
  const rKey = recipientKey(waveId, contactId);
  const wKey = waveKey(waveId);
  const items = await batchGetAll(store.ddb, store.table, [rKey, wKey]);
  return {
    recipient: ifFound(
      items.find((i) => i.sk === rKey.sk),
      recipientFromItem,
    ),
    wave: waveFactsOf(items.find((i) => i.sk === wKey.sk)),
  };
};
