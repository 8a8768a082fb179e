/** The activity entry as stored, `ACTIVITY / ENTRY#ulid`: its key, its item (with its expiry) and its validating read. */
import { type Item, itemReader } from '#shared/store/item.ts';
import { ACTIVITY_KINDS, type ActivityDetail, type ActivityEntry } from './activity.ts';
import { activityKey } from './keys.ts';

export { ACTIVITY_PARTITION, ACTIVITY_PREFIX, activityKey } from './keys.ts';

/** The item an entry is put as; `expiresAt` (epoch seconds) is the table's TTL. */
export const activityToItem = (entry: ActivityEntry, expiresAt: number) => ({
  ...activityKey(entry.id),
  ...entry,
  expiresAt,
});

const isDetail = (value: unknown): value is ActivityDetail =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number');

/** A stored entry, checked field by field; throws MalformedItemError on a malformed one. */
export const activityFromItem = (item: Item): ActivityEntry => {
  const r = itemReader('activity', item);
  const detail = r.raw('detail') ?? {};
  if (!isDetail(detail)) return r.fail('detail', 'is not a map of strings and numbers');
  return {
    id: r.string('id'),
    at: r.string('at'),
    who: r.string('who'),
    what: r.oneOf('what', ACTIVITY_KINDS),
    detail,
  };
};
