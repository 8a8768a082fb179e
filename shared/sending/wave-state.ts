/** A wave's status while it sends: scheduled → sending → sent, each step conditional so a cancel wins. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, whenConditionHolds } from '#shared/store/conditions.ts';
import { dueSortKey, REMIND_PARTITION, waveKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

/**
 * A sender is working on the wave: written when it starts and every 20 seconds while it sends. A `sending`
 * wave whose heartbeat is older than `RESUMING_AFTER_MS` has no live sender; the next run resumes it.
 */
export const heartbeat = async (store: TableStore, waveId: string, now: Date): Promise<void> => {
  await whenConditionHolds(
    store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: waveKey(waveId),
        UpdateExpression: 'SET heartbeatAt = :now',
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':sending': 'sending' },
      }),
    ),
  );
};

/** Marks a due wave as sending; false when it was cancelled meanwhile. Another sender may hold it too. */
export const startSending = async (store: TableStore, waveId: string, now: Date): Promise<boolean> => {
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: waveKey(waveId),
        UpdateExpression: 'SET #s = :sending, startedAt = if_not_exists(startedAt, :now)',
        ConditionExpression: '#s IN (:scheduled, :sending)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':scheduled': 'scheduled',
          ':now': now.toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

/**
 * Every recipient has an outcome: the wave is sent and leaves the due index, for the reminder index when it
 * reminds (`--remind-after`). A second finisher is a no-op.
 */
export const finishWave = async (
  store: TableStore,
  waveId: string,
  now: Date,
  remindAfterSeconds?: number,
): Promise<void> => {
  const remindAt =
    remindAfterSeconds === undefined
      ? undefined
      : new Date(now.getTime() + remindAfterSeconds * 1000).toISOString();
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: waveKey(waveId),
        UpdateExpression: remindAt
          ? 'SET #s = :sent, finishedAt = :now, remindAt = :remindAt, gsi1pk = :remind, gsi1sk = :due'
          : 'SET #s = :sent, finishedAt = :now REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':sending': 'sending',
          ':now': now.toISOString(),
          ...(remindAt
            ? { ':remindAt': remindAt, ':remind': REMIND_PARTITION, ':due': dueSortKey(remindAt, waveId) }
            : {}),
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
};
