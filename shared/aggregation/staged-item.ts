/**
 * The staged item as stored, `APPLIED#STAGED / stageId`: merged counter updates the aggregator staged with its
 * checkpoints, and `next`, the index of the first not yet drained. Key, item and the validating read.
 */
import { defined, type Item, itemReader } from '#shared/store/item.ts';
import { stagedKey } from '#shared/store/keys.ts';
import type { Entry } from './staged.ts';

export { STAGED_PARTITION, stagedKey } from '#shared/store/keys.ts';

export interface Staged {
  id: string;
  entries: Entry[];
  next: number;
}

export const stagedToItem = (staged: Staged) => ({
  ...stagedKey(staged.id),
  entries: staged.entries,
  next: staged.next,
});

/** A staged item, checked down to each counter update; throws MalformedItemError on a malformed one. */
export const stagedFromItem = (item: Item): Staged => {
  const r = itemReader('staged', item);
  return {
    id: r.string('sk'),
    entries: r.list('entries', (e) =>
      defined({
        pk: e.string('pk'),
        sk: e.string('sk'),
        add: e.raw('add') === undefined ? undefined : e.numberMap('add'),
        values: e.raw('values') === undefined ? undefined : e.stringList('values'),
      }),
    ),
    next: r.integer('next'),
  };
};
