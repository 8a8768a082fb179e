/**
 * The per-link request budget: how many requests one link (wave and contact) may make per minute before it
 * gets 429. Keyed by the link, not by IP: a company's mail gateway sends everyone's clicks from one address.
 *
 * Every request is counted on its own, before and apart from anything it writes, so a request that then
 * loses a write conflict has still been counted: a client hammering one link runs out of budget instead of
 * out of retries. The unsubscribe link has a budget of its own, so a hammered score link never blocks it.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { errorName, isConditionFailed } from '#shared/store/conditions.ts';
import { linkRateKey, unsubscribeRateKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

export type LinkBudget = 'score' | 'unsubscribe';

const KEYS = { score: linkRateKey, unsubscribe: unsubscribeRateKey } as const;

/**
 * Spends one request of the link's budget for the current minute: one atomic ADD on a counter that expires by
 * TTL. False when the minute's budget is used up (the counter is then left as it is).
 */
export const spendRequest = async (
  store: TableStore,
  link: { budget: LinkBudget; waveId: string; contactId: string },
  perMinute: number,
  now: Date,
): Promise<boolean> => {
  const minute = Math.floor(now.getTime() / 60_000);
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: KEYS[link.budget](link.waveId, link.contactId, minute),
        UpdateExpression: 'ADD requests :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
        ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
        ExpressionAttributeValues: { ':one': 1, ':limit': perMinute, ':ttl': (minute + 2) * 60 },
      }),
    );
    return true;
  } catch (error) {
    // A transaction holding the counter (an erasure) is as good a reason to say "not now" as a full budget.
    if (isConditionFailed(error) || errorName(error) === 'TransactionConflictException') return false;
    throw error;
  }
};
