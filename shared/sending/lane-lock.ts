/**
 * The lock of one lane of a wave (`WAVE#id#Lg / LOCK`, keys.ts): the batch of up to 50 recipients a sender has
 * claimed there, from the moment the rate limiter lets it send until SES has answered and the outcomes are
 * written. Claiming a batch is one conditional write and releasing it one more, whatever its size: the
 * recipients themselves are written once at import and once with their outcome.
 *
 * The claim is conditional on the lock's version the sender read before it read the lane's recipients, so
 * its page is current: had another sender claimed a batch in between, the claim fails and the sender reads
 * the lane again. While it holds a batch, a live sender beats on the lock every few seconds; a batch whose
 * holder has not beaten for `HOLDER_GRACE_MS` (seconds, not the ten-minute lease) belongs to a sender that
 * died, and another takes the lane over: the dead sender's recipients SES accepted were settled as sent by
 * SES's Send events (acceptance.ts), which arrive within seconds, and the others, still pending, go out again
 * with the next claim.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/store/conditions.ts';
import { laneLockKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { CLAIM_LEASE_MS } from './transitions.ts';

/**
 * How long a held batch may go without a sign of its holder (its claim or a beat) before the lane is taken
 * over: long enough for SES's Send events of what a dead holder sent to arrive and settle it, short enough
 * that a crash stalls a wave for seconds. Never longer than the claim lease.
 */
export const HOLDER_GRACE_MS = Math.min(20_000, CLAIM_LEASE_MS);
/** How often a holder beats: several beats fit in the grace, so one slow write does not lose the lane. */
export const HOLDER_BEAT_MS = HOLDER_GRACE_MS / 4;

export interface LaneLock {
  /** Batches claimed in the lane so far (0: none yet). */
  version: number;
  /** The contacts of the batch held now, if one is. */
  members?: string[];
  claimedAt?: string;
  /** The holder's last beat while it holds the batch. */
  beatAt?: string;
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
    ...(typeof item.beatAt === 'string' ? { beatAt: item.beatAt } : {}),
  };
};

/** When the holder last showed it is alive: its claim, or its last beat. */
const lastSignOf = (lock: LaneLock): number =>
  Math.max(Date.parse(lock.claimedAt ?? '') || 0, Date.parse(lock.beatAt ?? '') || 0);

/**
 * A batch a live sender holds: the lane is that sender's until it releases it, or until it has shown no
 * sign of life for `HOLDER_GRACE_MS`.
 */
export const isHeld = (lock: LaneLock, now: Date): boolean =>
  lock.members !== undefined && now.getTime() - lastSignOf(lock) < HOLDER_GRACE_MS;

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
        UpdateExpression: 'SET members = :m, claimedAt = :now, claimedBy = :by REMOVE beatAt ADD #v :one',
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

/** One conditional update of the lock of batch `version`; a no-op once another sender holds the lane. */
const updateOwnBatch = (
  store: TableStore,
  waveId: string,
  lane: number,
  version: number,
  now: Date,
  update: string,
  condition = '#v = :mine',
): Promise<unknown> =>
  whenConditionHolds(
    store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: laneLockKey(waveId, lane),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':mine': version, ':now': now.toISOString() },
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
  await updateOwnBatch(
    store,
    waveId,
    lane,
    version,
    now,
    'SET releasedAt = :now REMOVE members, claimedAt, claimedBy, beatAt',
  );
};

/** The holder of batch `version` is alive. A no-op once the batch is released or taken over. */
export const beatOnBatch = async (
  store: TableStore,
  waveId: string,
  lane: number,
  version: number,
  now: Date,
): Promise<void> => {
  await updateOwnBatch(
    store,
    waveId,
    lane,
    version,
    now,
    'SET beatAt = :now',
    '#v = :mine AND attribute_exists(members)',
  );
};

/**
 * Beats on batch `version` every `HOLDER_BEAT_MS` until the returned function is called: a holder whose
 * SES call or outcome writes take long keeps its lane. A failed beat is only a missed one.
 */
export const keepBeating = (
  store: TableStore,
  waveId: string,
  lane: number,
  version: number,
  now: () => Date,
): (() => void) => {
  const timer = setInterval(() => {
    beatOnBatch(store, waveId, lane, version, now()).catch(() => undefined);
  }, HOLDER_BEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
};
