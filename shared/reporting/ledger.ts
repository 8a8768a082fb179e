/**
 * Which readers the digest of one period reached. Lambda retries a failed scheduled run, and a person clicks
 * "Send now" twice; a claim per reader before sending keeps the readers it reached from a second copy.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { digestSentKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { DayRange } from '../core/period.ts';

/** A claim on a reader's scheduled digest older than this belongs to a run that died before sending. */
const DIGEST_CLAIM_LEASE_MS = 5 * 60_000;
/** How long a period's ledger entries are kept (TTL): long after any retry of its run. */
const LEDGER_TTL_SECONDS = 60 * 86_400;

export interface PeriodLedger {
  /**
   * False when the reader's digest already went out (or another run is sending it right now); `again` (a
   * person confirmed a second copy) claims it even so.
   */
  claim(address: string, again?: boolean): Promise<boolean>;
  sent(address: string): Promise<void>;
  /** SES refused the call, so nothing went out: hand the reader back to the next attempt. */
  release(address: string): Promise<void>;
}

export type LedgerDoor = 'schedule' | 'now';

export const periodLedger = (
  store: TableStore,
  period: Required<DayRange>,
  now: Date,
  door: LedgerDoor = 'schedule',
): PeriodLedger => {
  const key = (address: string) => digestSentKey(period.since, period.until, address, door);
  return {
    async claim(address, again = false) {
      try {
        await store.ddb.send(
          new PutCommand({
            TableName: store.table,
            Item: {
              ...key(address),
              status: 'sending',
              claimedAt: now.toISOString(),
              expiresAt: Math.floor(now.getTime() / 1000) + LEDGER_TTL_SECONDS,
            },
            ...(again
              ? {}
              : {
                  ConditionExpression: 'attribute_not_exists(pk) OR (#s = :sending AND claimedAt < :stale)',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: {
                    ':sending': 'sending',
                    ':stale': new Date(now.getTime() - DIGEST_CLAIM_LEASE_MS).toISOString(),
                  },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
    async sent(address) {
      await store.ddb.send(
        new UpdateCommand({
          TableName: store.table,
          Key: key(address),
          UpdateExpression: 'SET #s = :sent, sentAt = :at',
          ExpressionAttributeNames: { '#s': 'status' },
          // When the email went, which a long run puts later than the run's `now`.
          ExpressionAttributeValues: { ':sent': 'sent', ':at': new Date().toISOString() },
        }),
      );
    },
    async release(address) {
      await store.ddb.send(new DeleteCommand({ TableName: store.table, Key: key(address) }));
    },
  };
};
