/** The sender as SES takes it: a display name quoted, or RFC 2047-encoded when it is not plain ASCII. */
import { describe, expect, it } from 'vitest';
import { mailbox } from '#shared/core/mailbox.ts';
import { bulkEmailInput } from '#shared/sending/bulk-email.ts';

describe('mailbox', () => {
  it('quotes an ASCII display name, escaping quotes and backslashes', () => {
    expect(mailbox('surveys@acme.example', 'Acme Cloud')).toBe('"Acme Cloud" <surveys@acme.example>');
    expect(mailbox('s@acme.example', 'Acme "Pro" \\ Team')).toBe(
      '"Acme \\"Pro\\" \\\\ Team" <s@acme.example>',
    );
  });

  it('encodes a name with other letters as RFC 2047 UTF-8 base64', () => {
    const out = mailbox('s@acme.example', 'Åsa på Kundtjänst');
    expect(out).toBe(`=?UTF-8?B?${Buffer.from('Åsa på Kundtjänst').toString('base64')}?= <s@acme.example>`);
  });

  it('gives the bare address without a name, and keeps line breaks out of the header', () => {
    expect(mailbox('s@acme.example')).toBe('s@acme.example');
    expect(mailbox('s@acme.example', '  ')).toBe('s@acme.example');
    expect(mailbox('s@acme.example', 'Acme\r\nBcc: x@evil.example')).toBe(
      '"Acme Bcc: x@evil.example" <s@acme.example>',
    );
  });
});

describe('a wave’s sender', () => {
  const deps = {
    keys: { current: 'k', keys: { k: Buffer.alloc(32) } },
    baseUrl: 'https://survey.example.com',
    policy: { linkValidityDays: 30 },
    email: { fromAddress: 'surveys@acme.example', configurationSet: undefined, replyTo: 'team@acme.example' },
  } as unknown as Parameters<typeof bulkEmailInput>[0];
  const template = { subject: 's', html: 'h', text: 't' };
  const input = (sender: Parameters<typeof bulkEmailInput>[5]) =>
    bulkEmailInput(deps, 'w1', template, [], new Date('2026-11-23T10:00:00Z'), sender);

  it('comes from the wave’s name, else the stack’s, else the product, with the Reply-To the wave or stack gives', () => {
    expect(
      input({ fromName: 'Anna at Acme', replyTo: 'anna@acme.example', product: 'Acme Cloud' }),
    ).toMatchObject({
      FromEmailAddress: '"Anna at Acme" <surveys@acme.example>',
      ReplyToAddresses: ['anna@acme.example'],
    });
    expect(input({ product: 'Acme Cloud' })).toMatchObject({
      FromEmailAddress: '"Acme Cloud" <surveys@acme.example>',
      ReplyToAddresses: ['team@acme.example'],
    });
  });
});
