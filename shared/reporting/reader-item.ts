/**
 * The digest reader as stored (`DIGEST / READER#address`) and their opt-out (`DIGEST / OPTOUT#token`, which
 * names the reader): keys, items and the validating reads.
 */
import { defined, type Item, itemReader, storedLocale } from '#shared/store/item.ts';
import { readerKey, readerOptOutKey } from '#shared/store/keys.ts';
import type { Reader } from './readers.ts';

export { READER_PREFIX, readerKey, readerOptOutKey } from '#shared/store/keys.ts';

export const readerToItem = (reader: Reader) => ({ ...readerKey(reader.address), ...reader });

/** A stored reader; a reader added before opt-out tokens has none. Throws MalformedItemError on a malformed one. */
export const readerFromItem = (item: Item): Reader => {
  const r = itemReader('digest reader', item);
  return defined({
    address: r.string('address'),
    locale: storedLocale(r),
    optOut: r.optionalString('optOut'),
  });
};

export const optOutToItem = (token: string, reader: Pick<Reader, 'address' | 'locale'>) => ({
  ...readerOptOutKey(token),
  address: reader.address,
  locale: reader.locale,
});

/** Whom an opt-out token names. */
export const optOutFromItem = (item: Item): Pick<Reader, 'address' | 'locale'> => {
  const r = itemReader('digest opt-out', item);
  return { address: r.string('address'), locale: storedLocale(r) };
};
