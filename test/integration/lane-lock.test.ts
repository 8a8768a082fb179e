/**
 * A lane's lock against DynamoDB Local: one sender claims a batch at a time, on the version it read; a
 * release frees only the batch it claimed; a batch held past its lease is no longer held.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  claimBatch,
  HOLDER_GRACE_MS,
  isHeld,
  readLaneLock,
  releaseBatch,
} from '#shared/sending/lane-lock.ts';
import { CLAIM_LEASE_MS } from '#shared/sending/transitions.ts';
import type { TableStore } from '#shared/store/table.ts';
import { useLocalStack } from '../support/stack.ts';

let store: TableStore;
beforeAll(async () => {
  const stack = await useLocalStack();
  store = { ddb: stack.ddb, table: stack.table };
});

const T0 = new Date('2026-12-07T10:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

describe('a lane lock', () => {
  it('is free at version 0 before any claim, and lets one of two senders that read it claim a batch', async () => {
    expect(await readLaneLock(store, 'w1', 0)).toStrictEqual({ version: 0 });
    expect(await claimBatch(store, 'w1', 0, 0, ['c1', 'c2'], T0, 'sender-a')).toBe(true);
    expect(await claimBatch(store, 'w1', 0, 0, ['c3'], T0, 'sender-b')).toBe(false);
    const lock = await readLaneLock(store, 'w1', 0);
    expect(lock).toEqual({ version: 1, members: ['c1', 'c2'], claimedAt: T0.toISOString() });
    expect(isHeld(lock, T0)).toBe(true);
    // Another lane of the same wave is a lock of its own.
    expect(await readLaneLock(store, 'w1', 1)).toEqual({ version: 0 });
  });

  it('is released only by the claim of the version it holds, and claimed next on that version', async () => {
    expect(await claimBatch(store, 'w2', 0, 0, ['c1'], T0, 'sender-a')).toBe(true);
    await releaseBatch(store, 'w2', 0, 2, later(1000)); // not its claim: a no-op
    expect(isHeld(await readLaneLock(store, 'w2', 0), later(1000))).toBe(true);
    await releaseBatch(store, 'w2', 0, 1, later(1000));
    const released = await readLaneLock(store, 'w2', 0);
    expect(released).toStrictEqual({ version: 1 });
    expect(isHeld(released, later(1000))).toBe(false);
    expect(await claimBatch(store, 'w2', 0, 0, ['c2'], later(2000), 'sender-b')).toBe(false);
    expect(await claimBatch(store, 'w2', 0, 1, ['c2'], later(2000), 'sender-b')).toBe(true);
    expect((await readLaneLock(store, 'w2', 0)).version).toBe(2);
  });

  it('is held until its holder has shown no sign of life for the grace (never past the lease), then not', async () => {
    expect(HOLDER_GRACE_MS).toBeLessThanOrEqual(CLAIM_LEASE_MS);
    expect(await claimBatch(store, 'w3', 0, 0, ['c1'], T0, 'sender-a')).toBe(true);
    const lock = await readLaneLock(store, 'w3', 0);
    expect(isHeld(lock, later(HOLDER_GRACE_MS - 1))).toBe(true);
    expect(isHeld(lock, later(HOLDER_GRACE_MS))).toBe(false);
  });
});
