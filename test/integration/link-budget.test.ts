/**
 * The per-link request budget against DynamoDB Local: a link may make `perMinute` requests a minute, then
 * gets refused until the next minute; the unsubscribe link has its own budget; a conflict with a
 * transaction holding the counter is a refusal, any other failure an error.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { spendRequest } from '#shared/answering/link-budget.ts';
import { linkRateKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { useLocalStack } from '../support/stack.ts';

let store: TableStore;
beforeAll(async () => {
  const stack = await useLocalStack();
  store = { ddb: stack.ddb, table: stack.table };
});

const T0 = new Date('2026-12-07T10:00:00Z');
const MINUTE = Math.floor(T0.getTime() / 60_000);
const spend = (budget: 'score' | 'unsubscribe', now = T0, contactId = 'c1') =>
  spendRequest(store, { budget, waveId: 'w1', contactId }, 3, now);

describe('a link’s request budget', () => {
  it('allows exactly perMinute requests a minute, then refuses until the next minute', async () => {
    expect([await spend('score'), await spend('score'), await spend('score'), await spend('score')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(await spend('score', new Date(T0.getTime() + 59_999))).toBe(false);
    expect(await spend('score', new Date(T0.getTime() + 60_000))).toBe(true);
    const counter = await store.ddb.send(
      new GetCommand({ TableName: store.table, Key: linkRateKey('w1', 'c1', MINUTE), ConsistentRead: true }),
    );
    // Refused requests leave the counter as it is; it expires two minutes after its own.
    expect(counter.Item).toMatchObject({ requests: 3, expiresAt: (MINUTE + 2) * 60 });
  });

  it('keeps the unsubscribe link’s budget apart, so a hammered score link never blocks it', async () => {
    for (let i = 0; i < 4; i++) await spend('score', T0, 'c2');
    expect(await spend('score', T0, 'c2')).toBe(false);
    expect(await spend('unsubscribe', T0, 'c2')).toBe(true);
  });

  it('says not now when a transaction holds the counter, and throws any other failure', async () => {
    const failing = (name: string): TableStore => ({
      table: store.table,
      ddb: { send: async () => Promise.reject(Object.assign(new Error(name), { name })) } as never,
    });
    const link = { budget: 'score' as const, waveId: 'w1', contactId: 'c3' };
    expect(await spendRequest(failing('TransactionConflictException'), link, 3, T0)).toBe(false);
    await expect(spendRequest(failing('ThrottlingException'), link, 3, T0)).rejects.toThrow(
      'ThrottlingException',
    );
  });
});
