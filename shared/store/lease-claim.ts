/**
 * A once-only claim on a side effect (an alert email, a webhook POST): a conditional put of `key` as
 * `sending` with a lease. It succeeds when nobody claimed it, or when the holder's lease ran out without
 * finishing (a sender that died); `settleClaim` marks it done, or hands it back at once when the effect
 * did not happen. Claims expire (TTL) after `keepDays`, long after any redelivery.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './conditions.ts';
import type { TableStore } from './table.ts';

export interface ClaimKey {
  pk: string;
  sk: string;
}

export const claimOnce = async (
  store: TableStore,
  key: ClaimKey,
  options: { now: Date; leaseSeconds: number; keepDays: number },
): Promise<boolean> => {
  const epoch = Math.floor(options.now.getTime() / 1000);
  try {
    await store.ddb.send(
      new PutCommand({
        TableName: store.table,
        Item: {
          ...key,
          status: 'sending',
          leaseUntil: epoch + options.leaseSeconds,
          expiresAt: epoch + options.keepDays * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#status = :sending AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sending': 'sending', ':now': epoch },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

/** `done`: the effect happened, recorded as `doneStatus` at `now`; otherwise the next delivery may claim it at once. */
export const settleClaim = (
  store: TableStore,
  key: ClaimKey,
  outcome: { done: true; doneStatus: string; now: Date } | { done: false },
) =>
  store.ddb.send(
    new UpdateCommand({
      TableName: store.table,
      Key: key,
      UpdateExpression: outcome.done
        ? 'SET #status = :done, settledAt = :at ADD attempts :one'
        : 'SET leaseUntil = :zero ADD attempts :one',
      ConditionExpression: '#status = :sending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: outcome.done
        ? { ':done': outcome.doneStatus, ':at': outcome.now.toISOString(), ':one': 1, ':sending': 'sending' }
        : { ':zero': 0, ':one': 1, ':sending': 'sending' },
    }),
  );
