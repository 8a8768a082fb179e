import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidLinkError } from '#shared/core/errors.ts';
import { parseSigningKeys, signLink, verifyLink } from '#shared/core/links.ts';

// Built by hand rather than parsed, so a broken parser fails its own tests instead of this file's loading.
const keys = { current: 'k2', secrets: { k1: 'a'.repeat(40), k2: 'b'.repeat(40) } };
const now = new Date('2026-11-23T10:00:00Z');
const claims = {
  purpose: 'r' as const,
  waveId: '01JWAVE',
  contactId: 'abc123',
  expiresAt: now.getTime() / 1000 + 60,
};

/**
 * The token format written out independently of the code: `kid.purpose.wave.contact.expiry(base 36).mac`,
 * the mac being HMAC-SHA256 of the first five parts, cut to 16 bytes, base64url.
 */
const forge = (secret: string, parts: readonly string[]): string => {
  const body = parts.join('.');
  const mac = createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url');
  return `${body}.${mac}`;
};
/** The token `signLink(keys, claims)` must give, forged independently (k2 is the current key). */
const signed = forge('b'.repeat(40), ['k2', 'r', '01JWAVE', 'abc123', claims.expiresAt.toString(36)]);
const partsOf = (token: string) => token.split('.');
/** The token with part `index` replaced and the signature left as it was. */
const withPart = (token: string, index: number, value: string) =>
  partsOf(token)
    .map((p, i) => (i === index ? value : p))
    .join('.');

const invalid = expect.objectContaining({ name: 'InvalidLinkError', reason: 'invalid' });

describe('signed links', () => {
  it('round-trips the claims and signs with the last listed key', () => {
    const token = signLink(keys, claims);
    expect(token.startsWith('k2.')).toBe(true);
    expect(verifyLink(keys, token, 'r', now)).toEqual(claims);
  });

  it('writes exactly the documented token, so another implementation could verify it', () => {
    const expiry = claims.expiresAt.toString(36);
    expect(signLink(keys, claims)).toBe(forge('b'.repeat(40), ['k2', 'r', '01JWAVE', 'abc123', expiry]));
    const unsubscribe = { ...claims, purpose: 'u' as const };
    expect(
      verifyLink(keys, forge('a'.repeat(40), ['k1', 'u', '01JWAVE', 'abc123', expiry]), 'u', now),
    ).toEqual(unsubscribe);
  });

  it('still verifies links signed with an older key after rotation', () => {
    const old = signLink({ ...keys, current: 'k1' }, claims);
    expect(old.startsWith('k1.')).toBe(true);
    expect(verifyLink(keys, old, 'r', now).contactId).toBe('abc123');
  });

  it.each(['k3', 'constructor', 'toString'])(
    'refuses to sign with the key "%s", which is not configured',
    (kid) => {
      expect(() => signLink({ ...keys, current: kid }, claims)).toThrow(
        `Signing key "${kid}" is not among the configured keys`,
      );
    },
  );

  it.each([
    ['an altered contact', (t: string) => t.replace('abc123', 'abc124')],
    ['an altered signature', (t: string) => `${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}`],
    ['a truncated token', (t: string) => t.slice(0, 20)],
    ['an unknown key id', (t: string) => t.replace(/^k2/, 'k9')],
  ])('rejects %s', (_, alter) => {
    const token = alter(signLink(keys, claims));
    expect(() => verifyLink(keys, token, 'r', now)).toThrow(InvalidLinkError);
  });

  it('rejects an expired link as expired', () => {
    const token = signLink(keys, claims);
    const later = new Date(now.getTime() + 61_000);
    expect(() => verifyLink(keys, token, 'r', later)).toThrow(expect.objectContaining({ reason: 'expired' }));
  });

  it('does not accept a response link as an unsubscribe link', () => {
    expect(() => verifyLink(keys, signLink(keys, claims), 'u', now)).toThrow(
      expect.objectContaining({ reason: 'invalid', message: 'The link is for another purpose' }),
    );
  });
});

describe('tampering with one part of a signed link', () => {
  const token = signed;
  // Each part is covered by the signature: changing it alone, however plausibly, breaks the link.
  it.each([
    ['the key id to another configured key', 0, 'k1'],
    ['the purpose from respond to unsubscribe', 1, 'u'],
    ['the wave', 2, '01JWAVF'],
    ['the contact', 3, 'abc124'],
    ['the expiry, a year later', 4, (claims.expiresAt + 365 * 86_400).toString(36)],
    ['the expiry, one second later', 4, (claims.expiresAt + 1).toString(36)],
  ])('rejects a changed %s', (_, index, value) => {
    const altered = withPart(token, index, value);
    expect(altered).not.toBe(token);
    const purpose = index === 1 ? 'u' : 'r';
    expect(() => verifyLink(keys, altered, purpose, now)).toThrow(
      expect.objectContaining({ reason: 'invalid', message: 'The link signature does not match' }),
    );
  });

  it('rejects a signature of the right characters but the wrong length', () => {
    const signature = partsOf(token)[5] as string;
    for (const wrong of [signature.slice(0, -1), `${signature}A`]) {
      expect(() => verifyLink(keys, withPart(token, 5, wrong), 'r', now)).toThrow(invalid);
    }
  });

  it('rejects a link signed with a key that is listed under another id', () => {
    // Signed by k1's secret but naming k2: the id picks the secret, so the signature does not match.
    const crossed = forge('a'.repeat(40), ['k2', 'r', '01JWAVE', 'abc123', claims.expiresAt.toString(36)]);
    expect(() => verifyLink(keys, crossed, 'r', now)).toThrow(invalid);
  });
});

describe('malformed links', () => {
  const good = signed;
  it.each([
    ['five parts', partsOf(good).slice(0, 5).join('.')],
    ['seven parts', `${good}.x`],
    ['an empty part', withPart(good, 2, '')],
    ['a character outside base64url', withPart(good, 3, 'abc+123')],
    ['a part of 65 characters', withPart(good, 2, 'w'.repeat(65))],
    ['an empty token', ''],
  ])('rejects %s as malformed', (_, token) => {
    expect(() => verifyLink(keys, token, 'r', now)).toThrow(
      expect.objectContaining({ reason: 'invalid', message: 'The link is malformed' }),
    );
  });

  it('accepts parts of up to 64 characters', () => {
    const long = { ...claims, waveId: 'w'.repeat(64), contactId: `${'c'.repeat(62)}_-` };
    expect(verifyLink(keys, signLink(keys, long), 'r', now)).toEqual(long);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'treats the key id "%s" (a name every object inherits) as unknown, not as a key',
    (kid) => {
      const token = forge('x'.repeat(40), [kid, 'r', '01JWAVE', 'abc123', claims.expiresAt.toString(36)]);
      expect(() => verifyLink(keys, token, 'r', now)).toThrow(invalid);
    },
  );

  it('names an unknown key id as such', () => {
    const token = forge('x'.repeat(40), ['k9', 'r', '01JWAVE', 'abc123', claims.expiresAt.toString(36)]);
    expect(() => verifyLink(keys, token, 'r', now)).toThrow(
      expect.objectContaining({ reason: 'invalid', message: 'The link was signed with an unknown key' }),
    );
  });
});

describe('expiry', () => {
  const at = (seconds: number) => ({ ...claims, expiresAt: now.getTime() / 1000 + seconds });

  it('accepts a link up to the second before its expiry and refuses it from that second on', () => {
    expect(verifyLink(keys, signLink(keys, at(1)), 'r', now).expiresAt).toBe(at(1).expiresAt);
    expect(() => verifyLink(keys, signLink(keys, at(0)), 'r', now)).toThrow(
      expect.objectContaining({
        name: 'InvalidLinkError',
        reason: 'expired',
        message: 'The link has expired',
      }),
    );
    expect(() => verifyLink(keys, signLink(keys, at(-1)), 'r', now)).toThrow(
      expect.objectContaining({ reason: 'expired' }),
    );
  });

  it('refuses a correctly signed link whose expiry is not a number', () => {
    // "-" is a valid token character but no base-36 number: such a link never verifies.
    const token = forge('b'.repeat(40), ['k2', 'r', '01JWAVE', 'abc123', '-']);
    expect(() => verifyLink(keys, token, 'r', now)).toThrow(InvalidLinkError);
  });
});

describe('signing keys from the secret', () => {
  it('takes every listed key and signs with the last one', () => {
    const secrets = { oldest: 'r'.repeat(40), old: 's'.repeat(32), new: 't'.repeat(33) };
    expect(parseSigningKeys(JSON.stringify(secrets))).toEqual({ current: 'new', secrets });
    expect(parseSigningKeys(JSON.stringify(keys.secrets))).toEqual(keys);
  });

  it('keeps a key listed as "__proto__" as a key like any other', () => {
    const parsed = parseSigningKeys(`{"__proto__": "${'p'.repeat(40)}"}`);
    expect(parsed.current).toBe('__proto__');
    expect(Object.keys(parsed.secrets)).toEqual(['__proto__']);
    const token = forge('p'.repeat(40), [
      '__proto__',
      'r',
      '01JWAVE',
      'abc123',
      claims.expiresAt.toString(36),
    ]);
    expect(verifyLink(parsed, token, 'r', now)).toEqual(claims);
  });

  it.each([
    ['not JSON', '{k1:', 'Link signing keys are not valid JSON'],
    ['null', 'null', 'Link signing keys must be a JSON object'],
    ['a string', '"secret"', 'Link signing keys must be a JSON object'],
    ['a number', '42', 'Link signing keys must be a JSON object'],
    ['an empty object', '{}', 'No link signing key is configured'],
    ['a secret of 31 characters', JSON.stringify({ k1: 's'.repeat(31) }), 'at least 32 characters'],
    ['a secret that is not a string', JSON.stringify({ k1: 12345 }), 'Link signing key "k1" must be'],
    ['a key id with a dot', JSON.stringify({ 'k.1': 's'.repeat(40) }), 'Link signing key "k.1" must be'],
  ])('refuses %s', (_, json, message) => {
    expect(() => parseSigningKeys(json)).toThrow(message);
  });

  it('keeps the JSON error as the cause', () => {
    expect(() => parseSigningKeys('{k1:')).toThrow(
      expect.objectContaining({ cause: expect.any(SyntaxError) }),
    );
  });
});
