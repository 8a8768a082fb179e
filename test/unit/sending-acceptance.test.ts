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
    ]);
    // As SES publishes it: each tag's values as a list.
    const detail = {
      eventType: 'Send',
      mail: {
        messageId: 'm-1',
        timestamp: '2026-11-24T08:00:01.000Z',
        destination: ['ann@example.com'],
        tags: { 'nps-wave': ['W1'], 'nps-contact': ['c0ffee'], 'ses:configuration-set': ['nps'] },
      },
    };
    expect(acceptanceOf(detail)).toEqual({
      waveId: 'W1',
      contactId: 'c0ffee',
      email: 'ann@example.com',
      messageId: 'm-1',
      at: new Date('2026-11-24T08:00:01.000Z'),
    });
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

  it('is rebuilt locally from the unsubscribe header the emulator keeps', () => {
    const event = sendEventOf({
      messageId: 'ses-1',
      destination: { to: ['ann@example.com'] },
      headers: [
        {
          name: 'List-Unsubscribe',
          value: '<https://survey.example.com/u/k1.u.W1.c0ffee.mz3k1a.c2lnbmF0dXJl>',
        },
      ],
      at: Date.parse('2026-11-24T08:00:01Z'),
    });
    expect(event?.['detail-type']).toBe('Email Sent');
    expect(acceptanceOf(event?.detail as never)).toMatchObject({
      waveId: 'W1',
      contactId: 'c0ffee',
      messageId: 'ses-1',
    });
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
