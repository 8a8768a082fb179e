/** Which recipient an SES Send event is about: from the email's tags in AWS, from its headers locally. */
import { describe, expect, it } from 'vitest';
import { sendEventOf } from '#infra/local/ses-mirror.ts';
import { acceptanceOf } from '#shared/sending/acceptance.ts';
import { bulkEntries } from '#shared/sending/bulk-email.ts';

const keys = { current: 'k1', secrets: { k1: 'unit-test-secret-unit-test-secret' } };

describe('an SES Send event', () => {
  it('names the wave and contact the sender tagged the email with', () => {
    const [entry] = bulkEntries(
      { keys, baseUrl: 'https://survey.example.com', policy: { linkValidityDays: 60 } },
      'W1',
      [{ contactId: 'c0ffee', email: 'ann@example.com', name: 'Ann' }],
      new Date('2026-11-24T08:00:00Z'),
    );
    expect(entry?.ReplacementTags).toEqual([
      { Name: 'nps-wave', Value: 'W1' },
      { Name: 'nps-contact', Value: 'c0ffee' },
      { Name: 'nps-kind', Value: 'first' },
    ]);
    // As SES publishes it: each tag's values as a list.
    const detail = {
      eventType: 'Send',
      mail: {
        messageId: 'm-1',
        timestamp: '2026-11-24T08:00:01.000Z',
        destination: ['ann@example.com'],
        tags: {
          'nps-wave': ['W1'],
          'nps-contact': ['c0ffee'],
          'nps-kind': ['first'],
          'ses:configuration-set': ['nps'],
        },
      },
    };
    expect(acceptanceOf(detail)).toEqual({
      waveId: 'W1',
      contactId: 'c0ffee',
      email: 'ann@example.com',
      messageId: 'm-1',
      at: new Date('2026-11-24T08:00:01.000Z'),
      kind: 'first',
    });
  });

  it('says whether it is for the first email or the reminder: a reminder is tagged as one', () => {
    const deps = { keys, baseUrl: 'https://survey.example.com', policy: { linkValidityDays: 60 } };
    const group = [{ contactId: 'c0ffee', email: 'ann@example.com', name: 'Ann' }];
    const now = new Date('2026-11-24T08:00:00Z');
    expect(bulkEntries(deps, 'W1', group, now, 'reminder')[0]?.ReplacementTags).toContainEqual({
      Name: 'nps-kind',
      Value: 'reminder',
    });
    const mail = (kind?: string[]) => ({
      mail: {
        messageId: 'm-2',
        timestamp: '2026-11-24T08:00:01Z',
        destination: ['ann@example.com'],
        tags: { 'nps-wave': ['W1'], 'nps-contact': ['c0ffee'], ...(kind ? { 'nps-kind': kind } : {}) },
      },
    });
    expect(acceptanceOf(mail(['reminder']))?.kind).toBe('reminder');
    // Emails sent before kinds were tagged were first emails (reminders went only to those already sent).
    expect(acceptanceOf(mail())?.kind).toBe('first');
    expect(acceptanceOf(mail(['digest']))).toBeUndefined();
  });

  it('is not ours without both tags (a digest, an alert)', () => {
    expect(
      acceptanceOf({ mail: { timestamp: '2026-11-24T08:00:01Z', destination: ['a@example.com'] } }),
    ).toBeUndefined();
    expect(
      acceptanceOf({
        mail: {
          timestamp: '2026-11-24T08:00:01Z',
          destination: ['a@example.com'],
          tags: { 'nps-wave': ['W1'] },
        },
      }),
    ).toBeUndefined();
  });

  it('is rebuilt locally from the headers the emulator keeps, at the second the emulator took it', () => {
    const unsubscribe = {
      name: 'List-Unsubscribe',
      value: '<https://survey.example.com/u/k1.u.W1.c0ffee.mz3k1a.c2lnbmF0dXJl>',
    };
    // The emulator stamps each email with seconds since the epoch.
    const at = Date.parse('2026-11-24T08:00:01Z') / 1000;
    const event = sendEventOf({
      messageId: 'ses-1',
      destination: { to: ['ann@example.com'] },
      headers: [unsubscribe, { name: 'X-NPS-Kind', value: 'reminder' }],
      at,
    });
    expect(event?.['detail-type']).toBe('Email Sent');
    expect(acceptanceOf(event?.detail as never)).toEqual({
      waveId: 'W1',
      contactId: 'c0ffee',
      email: 'ann@example.com',
      messageId: 'ses-1',
      at: new Date('2026-11-24T08:00:01Z'),
      kind: 'reminder',
    });
    const first = sendEventOf({
      messageId: 'ses-3',
      destination: { to: ['ann@example.com'] },
      headers: [unsubscribe],
      at,
    });
    expect(acceptanceOf(first?.detail as never)?.kind).toBe('first');
    // A digest's unsubscribe address (/d/) names no recipient.
    expect(
      sendEventOf({
        messageId: 'ses-2',
        destination: { to: ['ceo@example.com'] },
        headers: [
          { name: 'List-Unsubscribe', value: '<https://survey.example.com/d/AAAAAAAAAAAAAAAAAAAAAA>' },
        ],
        at: 0,
      }),
    ).toBeUndefined();
  });
});
