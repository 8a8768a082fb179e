/**
 * The lock of one lane of a wave (`WAVE#id#Lg / LOCK`, keys.ts): the batch of up to 50 recipients a sender has
 * claimed there, from the moment the rate limiter lets it send until SES has answered and the outcomes are
 * written. Claiming a batch is one conditional write and releasing it one more, whatever its size: the
 * recipients themselves are written once at import and once with their outcome.
 *
 * The claim is conditional on the lock's version the sender read before it read the lane's recipients, so
 * its page is current: had another sender claimed a batch in between, the claim fails and the sender reads
 * the lane again. A batch still held after its lease belongs to a sender that died: its recipients SES accepted
 * were settled as sent by SES's Send events (acceptance.ts), and the others, still pending, go out again
 * with the next claim.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/store/conditions.ts';
import { laneLockKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { isStaleClaim } from './transitions.ts';

export interface LaneLock {
  /** Batches claimed in the lane so far (0: none yet). */
  version: number;
  /** The contacts of the batch held now, if one is. */
  members?: string[];
  claimedAt?: string;
}

export const readLaneLock = async (store: TableStore, waveId: string, lane: number): Promise<LaneLock> => {
  const out = await store.ddb.send(
    new GetCommand({ TableName: store.table, Key: laneLockKey(waveId, lane), ConsistentRead: true }),
  );
  const item = out.Item ?? {};
  return {
    version: typeof item.version === 'number' ? item.version : 0,
    ...(Array.isArray(item.members) ? { members: item.members as string[] } : {}),
    ...(typeof item.claimedAt === 'string' ? { claimedAt: item.claimedAt } : {}),
  };
};

/** A batch a live sender holds: the lane is that sender's until it releases it or its lease runs out. */
export const isHeld = (lock: LaneLock, now: Date): boolean =>
  lock.members !== undefined && !isStaleClaim(lock, now);

/**
 * Claims a batch: one conditional write, on the version read before the recipients were. False when
 * another sender claimed in the lane since.
 */
export const claimBatch = (
  store: TableStore,
  waveId: string,
  lane: number,
  seen: number,
  members: readonly string[],
  now: Date,
  senderId: string,
): Promise<boolean> =>
  whenConditionHolds(
    store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: laneLockKey(waveId, lane),
        UpdateExpression: 'SET members = :m, claimedAt = :now, claimedBy = :by ADD #v :one',
        ConditionExpression: seen === 0 ? 'attribute_not_exists(#v)' : '#v = :seen',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: {
          ':m': [...members],
          ':now': now.toISOString(),
          ':by': senderId,
          ':one': 1,
          ...(seen === 0 ? {} : { ':seen': seen }),
        },
      }),
    ),
  );

/** Releases the batch claimed as `version`: its outcomes are written. A no-op if it was taken over meanwhile. */
export const releaseBatch = async (
  store: TableStore,
  waveId: string,
  lane: number,
  version: number,
  now: Date,
): Promise<void> => {
  await whenConditionHolds(
    store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: laneLockKey(waveId, lane),
        UpdateExpression: 'SET releasedAt = :now REMOVE members, claimedAt, claimedBy',
        ConditionExpression: '#v = :mine',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':mine': version, ':now': now.toISOString() },
      }),
    ),
  );
};
