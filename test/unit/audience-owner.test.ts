/** The owner columns of an audience: the account manager's address and alert language, never a segment. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type AudienceRow, readAudience } from '#shared/audience/audience.ts';

const rowsOf = async (csv: string): Promise<AudienceRow[]> => {
  const rows: AudienceRow[] = [];
  for await (const row of readAudience(Readable.from([csv]), 'owners.csv')) rows.push(row);
  return rows;
};

describe('the owner and owner_locale columns', () => {
  it('keep a normalised owner address and its language with the member, and no segment of either', async () => {
    const [row] = await rowsOf('email,owner,owner_locale,plan\na@example.com, AM@Example.COM ,sv-SE,Pro\n');
    expect(row).toMatchObject({
      ok: true,
      member: { owner: 'am@example.com', ownerLocale: 'sv', props: { plan: 'Pro' } },
    });
  });

  it('leave both out when empty', async () => {
    const [row] = await rowsOf('email,owner,owner_locale\nb@example.com,,\n');
    expect(row?.ok).toBe(true);
    if (!row?.ok) return;
    expect(row.member.email).toBe('b@example.com');
    expect(row.member).not.toHaveProperty('owner');
    expect(row.member).not.toHaveProperty('ownerLocale');
    expect(row.member.props).toEqual({});
  });

  it('refuse a row whose owner is no address, or whose owner language is not supported, by line', async () => {
    const rows = await rowsOf(
      'email,owner,owner_locale\nc@example.com,not-an-address,\nd@example.com,am@example.com,fr\n',
    );
    expect(rows).toEqual([
      {
        ok: false,
        invalid: true,
        skipped: { line: 2, email: 'c@example.com', reason: 'owner is not a valid address' },
      },
      {
        ok: false,
        invalid: true,
        skipped: { line: 3, email: 'd@example.com', reason: 'owner_locale "fr" is not supported' },
      },
    ]);
  });
});
