/**
 * Reading and changing stored waves: look one up, list them, cancel one or its pending reminder, make one
 * due, remove one.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#shared/core/errors.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import {
  DUE_PARTITION,
  dueSortKey,
  REMIND_PARTITION,
  waveKey,
  waveShardPartitions,
} from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Wave } from './model.ts';
import { waveIdPages } from './wave-index.ts';
import { waveFromItem } from './wave-item.ts';

export const getWave = async (ddb: DynamoDBDocumentClient, table: string, id: string): Promise<Wave> => {
  const out = await ddb.send(new GetCommand({ TableName: table, Key: waveKey(id), ConsistentRead: true }));
  if (!out.Item) throw new NotFoundError(`Wave ${id} does not exist`);
  return waveFromItem(out.Item);
};

export const listWaves = async (ddb: DynamoDBDocumentClient, table: string): Promise<Wave[]> => {
  // The waves index holds one key per wave whatever its state: a query and batch reads, never a scan.
  const waves: Wave[] = [];
  for await (const ids of waveIdPages({ ddb, table }))
    waves.push(...(await batchGetAll(ddb, table, ids.map(waveKey))).map(waveFromItem));
  return waves.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
};

export const cancelWave = async (ddb: DynamoDBDocumentClient, table: string, id: string): Promise<Wave> => {
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: waveKey(id),
        UpdateExpression: 'SET #s = :cancelled REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#s IN (:scheduled, :sending)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':cancelled': 'cancelled',
          ':scheduled': 'scheduled',
          ':sending': 'sending',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!out.Attributes) throw new NotFoundError(`Wave ${id} does not exist`);
    return waveFromItem(out.Attributes);
  } catch (error) {
    if (isConditionFailed(error)) {
      const wave = await getWave(ddb, table, id);
      throw new ConflictError(`Wave ${id} is ${wave.status} and cannot be cancelled`, { cause: error });
    }
    throw error;
  }
};

/** A wave asked for a reminder that has not gone out yet, and nobody cancelled it (nor the wave). */
export const reminderPending = (
  wave: Pick<Wave, 'status' | 'remindAfterSeconds' | 'remindedAt' | 'reminderCancelledAt'>,
): boolean =>
  wave.remindAfterSeconds !== undefined &&
  wave.remindedAt === undefined &&
  wave.reminderCancelledAt === undefined &&
  wave.status !== 'cancelled';

/**
 * Cancels a wave's pending reminder: a sent wave leaves the reminder index; one not sent yet is marked, and
 * the reminder sender passes over a marked wave (its finisher may still index it). A ConflictError when
 * there is no pending reminder (none asked, already sent or cancelled, or the wave cancelled).
 */
export const cancelReminder = async (store: TableStore, id: string, now: Date): Promise<Wave> => {
  const pending =
    'attribute_exists(remindAfterSeconds) AND attribute_not_exists(remindedAt) AND attribute_not_exists(reminderCancelledAt)';
  const attempt = (sent: boolean) =>
    store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: waveKey(id),
        UpdateExpression: sent
          ? 'SET reminderCancelledAt = :now REMOVE gsi1pk, gsi1sk'
          : 'SET reminderCancelledAt = :now',
        ConditionExpression: sent
          ? `${pending} AND #s = :sent AND gsi1pk = :remind`
          : `${pending} AND #s IN (:importing, :scheduled, :sending)`,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ...(sent
            ? { ':sent': 'sent', ':remind': REMIND_PARTITION }
            : { ':importing': 'importing', ':scheduled': 'scheduled', ':sending': 'sending' }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
  for (const sent of [true, false]) {
    try {
      return (await attempt(sent)).Attributes as Wave;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  await getWave(store.ddb, store.table, id); // A NotFoundError for a wave that does not exist.
  throw new ConflictError(`Wave ${id} has no pending reminder to cancel`);
};

/** An `importing` wave becomes `scheduled` and so due at its time: the last step of creating it. */
export const markScheduled = async (store: TableStore, id: string, sendAt: string): Promise<void> => {
  await store.ddb.send(
    new UpdateCommand({
      TableName: store.table,
      Key: waveKey(id),
      UpdateExpression: 'SET #s = :scheduled, gsi1pk = :due, gsi1sk = :dueKey',
      ConditionExpression: '#s = :importing',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':scheduled': 'scheduled',
        ':importing': 'importing',
        ':due': DUE_PARTITION,
        ':dueKey': dueSortKey(sendAt, id),
      },
    }),
  );
};

/** Deletes a wave and everything under its keys (its recipients in every shard): undoing a creation that failed. */
export const deleteWaveItems = async (store: TableStore, waveId: string): Promise<void> => {
  for (const pk of [waveKey(waveId).pk, ...waveShardPartitions(waveId)]) {
    const pages = paginateQuery(
      { client: store.ddb },
      {
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
      },
    );
    for await (const page of pages) {
      await Promise.all(
        (page.Items ?? []).map((Key) => store.ddb.send(new DeleteCommand({ TableName: store.table, Key }))),
      );
    }
  }
};
