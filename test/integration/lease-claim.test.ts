/**
 * The once-only claim on a side effect (`store/lease-claim.ts`) against DynamoDB Local: a claim whose effect
 * happened is never claimed again, before or after its lease; only a holder that died without settling
 * (still `sending` when its lease ran out) is taken over.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertKey, deliveryKey } from '#shared/store/keys.ts';
import { claimOnce, settleClaim } from '#shared/store/lease-claim.ts';
import type { TableStore } from '#shared/store/table.ts';
import { useLocalStack } from '../support/stack.ts';

let store: TableStore;
beforeAll(async () => {
  const stack = await useLocalStack();
  store = { ddb: stack.ddb, table: stack.table };
});

const T0 = new Date('2026-12-07T10:00:00Z');
const LEASE_SECONDS = 60;
const at = (seconds: number) => ({
  now: new Date(T0.getTime() + seconds * 1000),
  leaseSeconds: LEASE_SECONDS,
  keepDays: 7,
});
const read = async (key: { pk: string; sk: string }) =>
  (await store.ddb.send(new GetCommand({ TableName: store.table, Key: key, ConsistentRead: true }))).Item;

describe('a lease claim', () => {
  it.each([
    ['an alert email sent', alertKey('w1', 'c1', 'v1'), 'sent'],
    ['a webhook delivered', deliveryKey('sub1', 'event1'), 'delivered'],
  ])(
    'is refused on %s (settled done), both within its lease and after it ran out, and leaves it as it was',
    async (_, key, doneStatus) => {
      expect(await claimOnce(store, key, at(0))).toBe(true);
      await settleClaim(store, key, { done: true, doneStatus, now: at(1).now });
      const settled = await read(key);
      expect(settled).toMatchObject({
        status: doneStatus,
        leaseUntil: T0.getTime() / 1000 + LEASE_SECONDS,
        expiresAt: T0.getTime() / 1000 + 7 * 86_400, // kept a week, long after any redelivery
      });
      expect(await claimOnce(store, key, at(LEASE_SECONDS / 2))).toBe(false);
      expect(await claimOnce(store, key, at(LEASE_SECONDS + 1))).toBe(false);
      expect(await claimOnce(store, key, at(30 * 86_400))).toBe(false);
      expect(await read(key)).toEqual(settled);
    },
  );

  it('is refused on one still sending within its lease, and taken over once the lease ran out', async () => {
    const key = alertKey('w2', 'c2', 'v1');
    expect(await claimOnce(store, key, at(0))).toBe(true);
    expect(await claimOnce(store, key, at(LEASE_SECONDS))).toBe(false);
    expect(await claimOnce(store, key, at(LEASE_SECONDS + 1))).toBe(true);
    expect((await read(key))?.leaseUntil).toBe(Math.floor(T0.getTime() / 1000) + 2 * LEASE_SECONDS + 1);
  });

  it('throws a failure other than a refused condition, claiming nothing', async () => {
    const failing: TableStore = {
      table: store.table,
      ddb: {
        send: async () =>
          Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottlingException' })),
      } as never,
    };
    await expect(claimOnce(failing, alertKey('w3', 'c3', 'v1'), at(0))).rejects.toThrow('throttled');
  });

  it('is given back at once when the effect did not happen, and then claimed again within the lease', async () => {
    const key = deliveryKey('sub2', 'event2');
    expect(await claimOnce(store, key, at(0))).toBe(true);
    await settleClaim(store, key, { done: false });
    expect(await claimOnce(store, key, at(1))).toBe(true);
    expect((await read(key))?.status).toBe('sending');
  });
});
