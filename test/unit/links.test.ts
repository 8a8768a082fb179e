import { describe, expect, it } from 'vitest';
import { InvalidLinkError } from '#shared/core/errors.ts';
import { parseSigningKeys, signLink, verifyLink } from '#shared/core/links.ts';

const keys = parseSigningKeys(JSON.stringify({ k1: 'a'.repeat(40), k2: 'b'.repeat(40) }));
const now = new Date('2026-11-23T10:00:00Z');
const claims = {
  purpose: 'r' as const,
  waveId: '01JWAVE',
  contactId: 'abc123',
  expiresAt: now.getTime() / 1000 + 60,
};

describe('signed links', () => {
  it('round-trips the claims and signs with the last listed key', () => {
    const token = signLink(keys, claims);
    expect(token.startsWith('k2.')).toBe(true);
    expect(verifyLink(keys, token, 'r', now)).toEqual(claims);
  });

  it('still verifies links signed with an older key after rotation', () => {
    const old = signLink({ ...keys, current: 'k1' }, claims);
    expect(verifyLink(keys, old, 'r', now).contactId).toBe('abc123');
  });

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
    expect(() => verifyLink(keys, signLink(keys, claims), 'u', now)).toThrow(InvalidLinkError);
  });
});
