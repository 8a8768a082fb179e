/** One SendBulkEmail call: per-recipient tokens and data, the shared template, one-click unsubscribe. Pure. */
import { describe, expect, it } from 'vitest';
import { verifyLink } from '#shared/core/links.ts';
import { BULK_LIMIT, bulkEmailInput, bulkEntries } from '#shared/sending/bulk-email.ts';

const keys = { current: 'k1', secrets: { k1: 'k'.repeat(40) } };
const deps = {
  keys,
  baseUrl: 'https://survey.example.com',
  policy: { linkValidityDays: 60 },
  email: { fromAddress: 'surveys@example.com', configurationSet: 'nps-events' },
};
// 1_800_000_000 s = 2027-01-15T08:00:00Z.
const NOW = new Date(1_800_000_000_000);
// Response links: 1_800_000_000 + 60 · 86_400 = 1_800_000_000 + 5_184_000.
const RESPONSE_EXPIRY = 1_805_184_000;
// Unsubscribe links, two years: 1_800_000_000 + 730 · 86_400 = 1_800_000_000 + 63_072_000.
const UNSUBSCRIBE_EXPIRY = 1_863_072_000;

const group = [
  { contactId: 'c1', email: 'ann@example.com', name: 'Zoë<b>&amp; Smith' },
  { contactId: 'c2', email: 'bo@example.nl', name: '' },
];

const data = (entry: ReturnType<typeof bulkEntries>[number] | undefined) =>
  JSON.parse(entry?.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData ?? '{}') as Record<
    string,
    string
  >;

describe('the entries of a bulk call', () => {
  const entries = bulkEntries(deps, 'W1', group, NOW);

  it('has one entry per recipient, addressed to that recipient alone, in order', () => {
    expect(entries.map((e) => e.Destination)).toEqual([
      { ToAddresses: ['ann@example.com'] },
      { ToAddresses: ['bo@example.nl'] },
    ]);
  });

  it("signs each recipient's own response and unsubscribe tokens, with their expiries", () => {
    // A day before expiry both verify; the claims name this wave and this contact.
    const dayBefore = new Date((RESPONSE_EXPIRY - 86_400) * 1000);
    entries.forEach((entry, i) => {
      const { token, unsubscribeToken } = data(entry);
      expect(verifyLink(keys, token ?? '', 'r', dayBefore)).toEqual({
        purpose: 'r',
        waveId: 'W1',
        contactId: group[i]?.contactId,
        expiresAt: RESPONSE_EXPIRY,
      });
      expect(verifyLink(keys, unsubscribeToken ?? '', 'u', dayBefore)).toEqual({
        purpose: 'u',
        waveId: 'W1',
        contactId: group[i]?.contactId,
        expiresAt: UNSUBSCRIBE_EXPIRY,
      });
    });
    expect(data(entries[0]).token).not.toBe(data(entries[1]).token);
  });

  it('greets by the first name, escaped for the HTML part and plain for the text part', () => {
    expect(data(entries[0])).toMatchObject({ name: 'Zoë&lt;b&gt;&amp;amp;', plainName: 'Zoë<b>&amp;' });
    expect(data(entries[1])).toMatchObject({ name: '', plainName: '' });
  });

  it("puts each recipient's own one-click unsubscribe address in a List-Unsubscribe header", () => {
    entries.forEach((entry) => {
      expect(entry.ReplacementHeaders).toEqual([
        { Name: 'List-Unsubscribe', Value: `<https://survey.example.com/u/${data(entry).unsubscribeToken}>` },
      ]);
    });
  });
});

describe('a bulk call', () => {
  const template = { subject: 'How likely…', html: '<p>{{name}}</p>', text: '{{plainName}}' };
  const input = bulkEmailInput(deps, 'W1', template, group, NOW);

  it('shares one template, says that List-Unsubscribe accepts a one-click POST (RFC 8058) and which email it is', () => {
    expect(input.DefaultContent?.Template?.TemplateContent).toEqual({
      Subject: 'How likely…',
      Html: '<p>{{name}}</p>',
      Text: '{{plainName}}',
    });
    expect(input.DefaultContent?.Template?.Headers).toEqual([
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
      { Name: 'X-NPS-Kind', Value: 'first' },
    ]);
  });

  it('goes from the configured sender through the configuration set, tagged with the wave', () => {
    expect(input).toMatchObject({
      FromEmailAddress: 'surveys@example.com',
      ConfigurationSetName: 'nps-events',
      DefaultEmailTags: [{ Name: 'wave', Value: 'W1' }],
    });
    expect(input.BulkEmailEntries?.map((e) => e.Destination?.ToAddresses?.[0])).toEqual([
      'ann@example.com',
      'bo@example.nl',
    ]);
  });

  it('fills every placeholder in the default data, so SES never sees one missing', () => {
    expect(JSON.parse(input.DefaultContent?.Template?.TemplateData ?? '')).toEqual({
      token: '',
      unsubscribeToken: '',
      name: '',
      plainName: '',
    });
  });

  it('holds at most the 50 destinations SES v2 accepts per call', () => {
    expect(BULK_LIMIT).toBe(50);
  });
});
