/**
 * Signed links. A token names a wave and a contact, its purpose (respond or unsubscribe), an expiry and the
 * key id that signed it, so the secret can rotate: new links use the current key, old links verify with
 * any key still listed. HMAC-SHA256, truncated to 128 bits, compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidLinkError } from './errors.ts';

export type LinkPurpose = 'r' | 'u';

export interface LinkClaims {
  purpose: LinkPurpose;
  waveId: string;
  contactId: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
}

/** Key id → secret. The last entry signs; all verify. */
export interface SigningKeys {
  current: string;
  secrets: Readonly<Record<string, string>>;
}

const PART = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The secret of a key id, looked up as an own property only: a token is untrusted, and a key id such as
 * `constructor` or `__proto__` must not reach what every object inherits.
 */
const secretOf = (keys: SigningKeys, kid: string): string | undefined =>
  Object.hasOwn(keys.secrets, kid) ? keys.secrets[kid] : undefined;

const mac = (secret: string, body: string): string =>
  createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url');

export const signLink = (keys: SigningKeys, claims: LinkClaims): string => {
  const secret = secretOf(keys, keys.current);
  if (!secret) throw new Error(`Signing key "${keys.current}" is not among the configured keys`);
  const body = [
    keys.current,
    claims.purpose,
    claims.waveId,
    claims.contactId,
    claims.expiresAt.toString(36),
  ].join('.');
  return `${body}.${mac(secret, body)}`;
};

export const verifyLink = (keys: SigningKeys, token: string, purpose: LinkPurpose, now: Date): LinkClaims => {
  const parts = token.split('.');
  if (parts.length !== 6 || !parts.every((p) => PART.test(p))) {
    throw new InvalidLinkError('invalid', 'The link is malformed');
  }
  const [kid, linkPurpose, waveId, contactId, expiry, signature] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const secret = secretOf(keys, kid);
  if (!secret) throw new InvalidLinkError('invalid', 'The link was signed with an unknown key');
  const expected = Buffer.from(mac(secret, parts.slice(0, 5).join('.')));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidLinkError('invalid', 'The link signature does not match');
  }
  if (linkPurpose !== purpose) throw new InvalidLinkError('invalid', 'The link is for another purpose');
  const expiresAt = Number.parseInt(expiry, 36);
  if (!Number.isFinite(expiresAt) || expiresAt * 1000 <= now.getTime()) {
    throw new InvalidLinkError('expired', 'The link has expired');
  }
  return { purpose, waveId, contactId, expiresAt };
};

/** Parses `{"k1":"secret",...}`; the last key listed is the current one (append a key to rotate). */
export const parseSigningKeys = (json: string): SigningKeys => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new Error('Link signing keys are not valid JSON', { cause });
  }
  if (!parsed || typeof parsed !== 'object') throw new Error('Link signing keys must be a JSON object');
  const entries = Object.entries(parsed as Record<string, unknown>);
  for (const [kid, secret] of entries) {
    if (!PART.test(kid) || typeof secret !== 'string' || secret.length < 32) {
      throw new Error(`Link signing key "${kid}" must be a string of at least 32 characters`);
    }
  }
  const current = entries.at(-1)?.[0];
  if (!current) throw new Error('No link signing key is configured');
  // fromEntries defines own properties, so even a key id named `__proto__` is kept as a key, not a prototype.
  return { current, secrets: Object.fromEntries(entries) as Record<string, string> };
};
