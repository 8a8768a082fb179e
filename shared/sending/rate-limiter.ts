/**
 * Pacing: every sender takes its emails from one per-second counter in the table, so concurrent senders
 * (Lambda runs, the CLI) together stay under the account's SES rate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fallbackSendRate } from '#shared/core/config.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { sendRateKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';

/** SES's default send rate of a new production account. */
const DEFAULT_RATE = 14;
/** A second's counter outlives its second by an hour (TTL). */
const COUNTER_TTL_SECONDS = 3600;

/** The account's sending rate (emails per second); SES enforces it per account. */
export const maxSendRate = async (ses: SESv2Client): Promise<number> => {
  try {
    const account = await ses.send(new GetAccountCommand({}));
    return account.SendQuota?.MaxSendRate ?? DEFAULT_RATE;
  } catch {
    return fallbackSendRate();
  }
};

/**
 * The account's send rate shared by every sender: one counter item per second in the table, taken from by a
 * conditional ADD, so concurrent senders together send at most `rate` emails a second. The seconds are the
 * wall clock's: every sender must agree on them, whatever clock a run's survey time follows.
 */
export class SharedRateLimiter {
  readonly rate: number;
  private readonly store: TableStore;
  private readonly clock: () => number;
  constructor(ddb: TableStore['ddb'], table: string, rate: number, clock: () => number = Date.now) {
    this.store = { ddb, table };
    this.rate = Math.max(1, Math.floor(rate));
    this.clock = clock;
  }

  /** Waits until `count` (at most `rate`) emails may go out now, and counts them. */
  async take(count: number): Promise<void> {
    const n = Math.min(count, this.rate);
    for (;;) {
      const second = Math.floor(this.clock() / 1000);
      try {
        await this.store.ddb.send(
          new UpdateCommand({
            TableName: this.store.table,
            Key: sendRateKey(second),
            UpdateExpression: 'ADD used :n SET expiresAt = :ttl',
            ConditionExpression: 'attribute_not_exists(used) OR used <= :limit',
            ExpressionAttributeValues: {
              ':n': n,
              ':limit': this.rate - n,
              ':ttl': second + COUNTER_TTL_SECONDS,
            },
          }),
        );
        // A grant that came back after its second ended is spent but stale: sending on it now would put
        // two seconds' budgets into this one. Leave it counted (never over the rate) and ask again.
        if (Math.floor(this.clock() / 1000) === second) return;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        // This second is used up: wait for the next one (with jitter, so senders do not collide).
        await sleep(1000 - (this.clock() % 1000) + Math.random() * 20);
      }
    }
  }
}
