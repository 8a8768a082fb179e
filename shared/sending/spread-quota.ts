/**
 * A spread wave's quota, taken atomically across concurrent senders: the wave's `dispatched` counter never
 * passes the linear share `spreadQuota` allows by now.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { waveKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { Wave } from '#shared/waves/model.ts';
import { spreadQuota } from '#shared/waves/schedule.ts';

const MAX_TRIES = 5;

/** Takes up to `wanted` from the wave's quota as of `now`; returns how many were granted. */
export const takeSpreadQuota = async (
  store: TableStore,
  wave: Wave,
  wanted: number,
  now: Date,
): Promise<number> => {
  const allowed = spreadQuota(wave, now);
  // n never exceeds the quota, so the first take (no `dispatched` yet) cannot overshoot either.
  for (let n = Math.min(wanted, allowed), tries = 0; n > 0 && tries < MAX_TRIES; tries++) {
    try {
      await store.ddb.send(
        new UpdateCommand({
          TableName: store.table,
          Key: waveKey(wave.id),
          UpdateExpression: 'ADD dispatched :n',
          ConditionExpression: 'attribute_not_exists(dispatched) OR dispatched <= :limit',
          ExpressionAttributeValues: { ':n': n, ':limit': allowed - n },
        }),
      );
      return n;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const out = await store.ddb.send(
        new GetCommand({
          TableName: store.table,
          Key: waveKey(wave.id),
          ProjectionExpression: 'dispatched',
          ConsistentRead: true,
        }),
      );
      n = Math.min(wanted, allowed - Number(out.Item?.dispatched ?? 0));
    }
  }
  return 0;
};

/** Gives back quota taken for recipients that were not sent after all. */
export const returnSpreadQuota = async (store: TableStore, waveId: string, n: number): Promise<void> => {
  await store.ddb.send(
    new UpdateCommand({
      TableName: store.table,
      Key: waveKey(waveId),
      UpdateExpression: 'ADD dispatched :n',
      ExpressionAttributeValues: { ':n': -n },
    }),
  );
};
