/** Who may be surveyed now, and in which language an email goes: pure, no table. */
import { describe, expect, it } from 'vitest';
import type { Contact } from '#shared/contacts/contacts.ts';
import { groupByLocale, screen } from '#shared/sending/eligibility.ts';
import type { Recipient } from '#shared/waves/model.ts';
import type { Locale } from '#templates/index.ts';

const recipient = (contactId: string, locale = 'en'): Recipient => ({
  pk: 'WAVE#w1',
  sk: `RCPT#${contactId}`,
  waveId: 'w1',
  contactId,
  email: `${contactId}@example.com`,
  name: contactId,
  locale: locale as Locale,
  kind: 'nps',
  props: {},
  status: 'pending',
});

const NOW = new Date('2026-11-23T10:00:00Z');
const FATIGUE_DAYS = 90;

describe('screening recipients before a send', () => {
  // Fatigue counts whole UTC calendar days: from 2026-08-25 to 2026-11-23 is
  // 6 (Aug 26–31) + 30 (Sep) + 31 (Oct) + 23 (Nov) = 90 days.
  const cases: {
    name: string;
    contact: Omit<Contact, 'contactId'> | undefined;
    reason: string | undefined;
  }[] = [
    { name: 'a contact never seen before', contact: undefined, reason: undefined },
    { name: 'a contact with no marks', contact: {}, reason: undefined },
    {
      name: 'surveyed exactly 90 calendar days ago (89 days 10 hours of elapsed time)',
      contact: { lastSurveyedAt: '2026-08-25T23:59:00Z' },
      reason: undefined,
    },
    {
      name: 'surveyed 89 calendar days ago',
      contact: { lastSurveyedAt: '2026-08-26T00:00:00Z' },
      reason: 'fatigue',
    },
    {
      name: 'surveyed earlier today',
      contact: { lastSurveyedAt: '2026-11-23T08:00:00Z' },
      reason: 'fatigue',
    },
    { name: 'unsubscribed', contact: { unsubscribedAt: '2026-01-01T00:00:00Z' }, reason: 'unsubscribed' },
    { name: 'bounced', contact: { suppressed: 'bounced' }, reason: 'bounced' },
    { name: 'complained', contact: { suppressed: 'complained' }, reason: 'complained' },
    { name: 'erased', contact: { erasedAt: '2026-02-01T00:00:00Z' }, reason: 'erased' },
    {
      name: 'erased after a complaint: erasure is what it says',
      contact: { erasedAt: '2026-02-01T00:00:00Z', suppressed: 'complained' },
      reason: 'erased',
    },
    {
      name: 'bounced and unsubscribed: the suppression is what it says',
      contact: { suppressed: 'bounced', unsubscribedAt: '2026-01-01T00:00:00Z' },
      reason: 'bounced',
    },
    {
      name: 'unsubscribed and recently surveyed: consent is what it says',
      contact: { unsubscribedAt: '2026-11-01T00:00:00Z', lastSurveyedAt: '2026-11-01T00:00:00Z' },
      reason: 'unsubscribed',
    },
  ];

  for (const { name, contact, reason } of cases) {
    it(`${reason ? `blocks (${reason})` : 'lets through'} ${name}`, () => {
      const r = recipient('c1');
      const contacts = new Map(contact ? [['c1', { contactId: 'c1', ...contact }]] : []);
      const out = screen([r], contacts, NOW, FATIGUE_DAYS);
      expect(out).toEqual(
        reason ? { eligible: [], blocked: [{ r, reason }] } : { eligible: [r], blocked: [] },
      );
    });
  }

  it('keeps the order of the chunk in both lists and looks each recipient up by contact', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => recipient(id)) as [
      Recipient,
      Recipient,
      Recipient,
      Recipient,
    ];
    const contacts = new Map<string, Contact>([
      ['b', { contactId: 'b', unsubscribedAt: '2026-01-01T00:00:00Z' }],
      ['d', { contactId: 'd', lastSurveyedAt: '2026-11-20T00:00:00Z' }],
    ]);
    expect(screen([a, b, c, d], contacts, NOW, FATIGUE_DAYS)).toEqual({
      eligible: [a, c],
      blocked: [
        { r: b, reason: 'unsubscribed' },
        { r: d, reason: 'fatigue' },
      ],
    });
  });

  it('surveys again on the same day when the fatigue rule is 0 days', () => {
    const r = recipient('c1');
    const contacts = new Map([['c1', { contactId: 'c1', lastSurveyedAt: '2026-11-23T09:59:00Z' }]]);
    expect(screen([r], contacts, NOW, 0).eligible).toEqual([r]);
  });
});

describe('grouping recipients by the language of their email', () => {
  it('groups in order of first appearance, keeping each group in chunk order', () => {
    const people = [recipient('a', 'nl'), recipient('b', 'en'), recipient('c', 'nl'), recipient('d', 'sv')];
    const groups = groupByLocale(people, 'en');
    expect([...groups.keys()]).toEqual(['nl', 'en', 'sv']);
    expect([...groups.values()].map((g) => g.map((r) => r.contactId))).toEqual([['a', 'c'], ['b'], ['d']]);
  });

  it("writes to a recipient without a language we write in in the wave's language", () => {
    const people = [
      recipient('a', 'fr'),
      recipient('b', 'nl'),
      { ...recipient('c'), locale: undefined as unknown as Locale },
      recipient('d', 'de'),
    ];
    const groups = groupByLocale(people, 'de');
    expect([...groups.entries()].map(([locale, g]) => [locale, g.map((r) => r.contactId)])).toEqual([
      ['de', ['a', 'c', 'd']],
      ['nl', ['b']],
    ]);
  });

  it('has no groups for no recipients', () => {
    expect(groupByLocale([], 'en').size).toBe(0);
  });
});
