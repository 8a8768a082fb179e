/**
 * A contact's identity: the normalised address, and a one-way hash of it that keys everything stored about
 * them (so an erased contact stays blocked, and a digest ledger entry names its reader, without the address).
 * Pure.
 */
import { createHash } from 'node:crypto';

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Lower-cases and trims an address; returns undefined when it is not a plausible mailbox. */
export const normaliseEmail = (raw: string): string | undefined => {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) return undefined;
  const local = email.slice(0, email.lastIndexOf('@'));
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..'))
    return undefined;
  return email;
};

/** A stable, non-reversible id for an address (so an erased contact stays blocked without its address). */
export const contactIdOf = (email: string): string =>
  createHash('sha256').update(email).digest('hex').slice(0, 32);
