/**
 * Making recipient transitions (`transitions.ts`) in the table, each a conditional update of its own (no
 * transactions: the lane lock already says whose they are); reading a lane's recipients still open;
 * handing back the one-by-one claims of senders that died.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { batchPut } from '#shared/store/dynamo.ts';
import { RECIPIENT_PREFIX } from '#shared/store/keys.ts';
import { recipientFromItem } from '#shared/store/recipient.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type ShardCursor, waveItemsPage } from '#shared/store/wave-items.ts';
import type { Recipient } from '#shared/waves/model.ts';
import { handBack, isStaleClaim, surveyedItem, type Transition, transitionUpdate } from './transitions.ts';

/** Recipients read per page while a lane sends. */
const PAGE_SIZE = 1000;

/** A conflict means the recipient moved already (SES's Send event, an erasure): not this one's to make. */
const conflictAsFalse = (error: unknown): false => {
  if (isConditionFailed(error)) return false;
  throw error;
};

/** One page of a lane's recipients without an outcome yet: pending ones, and old one-by-one claims. */
export const openRecipients = async (
  store: TableStore,
  waveId: string,
  shards: readonly [number, number],
  cursor: ShardCursor | undefined,
  limit: number = PAGE_SIZE,
): Promise<{ pending: Recipient[]; claimed: Recipient[]; next: ShardCursor | undefined }> => {
  const page = await waveItemsPage(
    store,
    waveId,
    {
      prefix: RECIPIENT_PREFIX,
      filter: '#s IN (:pending, :claimed)',
      names: { '#s': 'status' },
      values: { ':pending': 'pending', ':claimed': 'claimed' },
      limit,
      consistent: true,
      shards,
    },
    cursor,
  );
  const recipients = page.items.map(recipientFromItem);
  return {
    pending: recipients.filter((r) => r.status === 'pending'),
    claimed: recipients.filter((r) => r.status === 'claimed'),
    next: page.next,
  };
};

/** Makes one transition; throws when its condition fails. */
export const transition = async (store: TableStore, t: Transition): Promise<true> => {
  await store.ddb.send(new UpdateCommand(transitionUpdate(store.table, t)));
  return true;
};

/**
 * Makes transitions side by side and, given `surveyedAt`, puts the fatigue marks of the contacts whose
 * transition it made (batch writes of 25). Returns, per transition, whether it made it: false when the
 * recipient had moved already.
 */
export const transitionAll = async (
  store: TableStore,
  transitions: readonly Transition[],
  surveyedAt?: Date,
): Promise<boolean[]> => {
  const made = await Promise.all(transitions.map((t) => transition(store, t).catch(conflictAsFalse)));
  if (surveyedAt)
    await batchPut(
      store.ddb,
      store.table,
      transitions.filter((_, i) => made[i]).map((t) => surveyedItem(t.r, surveyedAt)),
    );
  return made;
};

/**
 * Hands the stale one-by-one claims among `claimed` back to pending, to be sent again. Returns how many are
 * still open (leased to a live sender, or handed back for a later run), so the wave is not finished while any is.
 */
export const closeStaleClaims = async (
  store: TableStore,
  claimed: readonly Recipient[],
  now: Date,
): Promise<number> => {
  let open = 0;
  for (const r of claimed) {
    if (isStaleClaim(r, now)) await transition(store, handBack(r)).catch(conflictAsFalse);
    open++;
  }
  return open;
};
