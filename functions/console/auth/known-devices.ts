/**
 * Known devices: after a successful sign-in the browser gets a random device id (an HttpOnly cookie), and the
 * table remembers that this device signed in to this address (both hashed, for 90 days). Attempts from a
 * known device skip the per-address and per-IP windows of sign-in-limit.ts, so a guesser elsewhere cannot
 * lock the owner out. A cookie, not the IP: addresses are shared (NAT, VPN, café Wi-Fi, a guesser on the same
 * network would inherit them) and change (the owner on the road); a random id is held only by the browser
 * that signed in, and cannot be guessed or forged.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableStore } from '#shared/store/table.ts';
import { knownDeviceKey } from '#shared/team/keys.ts';
import { hashOf } from './sign-in-limit.ts';

export const KNOWN_DEVICE_DAYS = 90;
const DEVICE_ID = /^[A-Za-z0-9_-]{43}$/;

export const newDeviceId = (): string => randomBytes(32).toString('base64url');

/** Whether `deviceId` (the browser's cookie, if any) has signed in to `email` within the last 90 days. */
export const isKnownDevice = async (
  store: TableStore,
  deviceId: string | undefined,
  email: string,
  now: Date,
): Promise<boolean> => {
  if (!deviceId || !DEVICE_ID.test(deviceId)) return false;
  const { Item } = await store.ddb.send(
    new GetCommand({ TableName: store.table, Key: knownDeviceKey(hashOf(deviceId), hashOf(email)) }),
  );
  return Item !== undefined && (typeof Item.expiresAt !== 'number' || Item.expiresAt * 1000 > now.getTime());
};

/** Remembers that `deviceId` signed in to `email`, for another 90 days. */
export const rememberDevice = async (
  store: TableStore,
  deviceId: string,
  email: string,
  now: Date,
): Promise<void> => {
  await store.ddb.send(
    new PutCommand({
      TableName: store.table,
      Item: {
        ...knownDeviceKey(hashOf(deviceId), hashOf(email)),
        expiresAt: Math.floor(now.getTime() / 1000) + KNOWN_DEVICE_DAYS * 86_400,
      },
    }),
  );
};
