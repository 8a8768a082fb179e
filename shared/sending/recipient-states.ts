/**
 * Making recipient transitions (`transitions.ts`) in the table: many at once in one transaction, falling
 * back to one by one when another sender got to some first; reading the recipients still open; closing the
 * claims of senders that died.
 */
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, isTransactionCanceled } from '#shared/store/conditions.ts';
import { RECIPIENT_PREFIX, waveKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Recipient } from '#shared/waves/model.ts';
import {
  handBack,
  isStaleClaim,
  surveyedUpdate,
  type Transition,
  transactionPlan,
  transitionUpdate,
} from './transitions.ts';

/** Recipients read per page while a wave sends. */
const PAGE_SIZE = 1000;

/** A conflict means another sender already moved the recipient: not this one's to make. */
const conflictAsFalse = (error: unknown): false => {
  if (isConditionFailed(error)) return false;
  throw error;
};

/** One page of a wave's recipients without an outcome yet: pending ones, and claims in flight or dead. */
export const openRecipients = async (
  store: TableStore,
  waveId: string,
  start: Record<string, unknown> | undefined,
): Promise<{ pending: Recipient[]; claimed: Recipient[]; next: Record<string, unknown> | undefined }> => {
  const page = await store.ddb.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rcpt)',
      FilterExpression: '#s IN (:pending, :claimed)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':pk': waveKey(waveId).pk,
        ':rcpt': RECIPIENT_PREFIX,
        ':pending': 'pending',
        ':claimed': 'claimed',
      },
      ExclusiveStartKey: start,
      Limit: PAGE_SIZE,
    }),
  );
  const recipients = (page.Items ?? []) as Recipient[];
  return {
    pending: recipients.filter((r) => r.status === 'pending'),
    claimed: recipients.filter((r) => r.status === 'claimed'),
    next: page.LastEvaluatedKey,
  };
};

/** Makes one transition; throws when its condition fails. */
export const transition = async (store: TableStore, t: Transition): Promise<true> => {
  await store.ddb.send(new UpdateCommand(transitionUpdate(store.table, t)));
  return true;
};

/**
 * Makes many transitions (and, given `surveyedAt`, marks their contacts surveyed) in one transaction. When any
 * condition fails the transaction changes nothing, and they are made one by one so the rest still go
 * through. Returns, per transition, whether it happened.
 */
export const transitionAll = async (
  store: TableStore,
  transitions: readonly Transition[],
  surveyedAt?: Date,
): Promise<boolean[]> => {
  if (transitions.length === 0) return [];
  const items = transactionPlan(store.table, transitions, surveyedAt);
  if (items) {
    try {
      await store.ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return transitions.map(() => true);
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
    }
  }
  return Promise.all(
    transitions.map(async (t) => {
      const ok = await transition(store, t).catch(conflictAsFalse);
      if (ok && surveyedAt)
        await store.ddb.send(new UpdateCommand(surveyedUpdate(store.table, t.r, surveyedAt)));
      return ok;
    }),
  );
};

/** Makes transitions another sender may have made first; returns how many this one made. */
export const transitionEach = async (
  store: TableStore,
  transitions: readonly Transition[],
): Promise<number> =>
  (await Promise.all(transitions.map((t) => transition(store, t).catch(conflictAsFalse)))).filter(Boolean)
    .length;

/**
 * Hands the stale claims among `claimed` back to pending, to be sent again: SES's `Send` event settles an
 * accepted claim as sent within seconds (acceptance.ts), so a claim still open after its lease had no sign of
 * acceptance. Returns how many are still open: leased to a live sender, or handed back for a later run (this
 * run read its pending page before them), so the wave is not finished while any is.
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
