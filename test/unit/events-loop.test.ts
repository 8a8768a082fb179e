/** AlertSent and ReminderSent from the table's stream: which changes raise them, and with which ids. */
import { describe, expect, it } from 'vitest';
import { alertSentOf, reminderSentOf } from '#shared/events/loop-events.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { matchesFilter } from '../../infra/local/streams.ts';
import { FUNCTIONS } from '../../infra/system.ts';

const change = (
  pk: string,
  sk: string,
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown> | undefined,
): ItemChange => ({ pk, sk, oldImage, newImage, expired: false, sequenceNumber: '1' });

describe('AlertSent', () => {
  const sending = { pk: 'ALERT#W1', sk: 'c1#v2', status: 'sending' };
  const sent = { ...sending, status: 'sent', settledAt: '2026-11-24T09:00:00.000Z' };

  it('is raised when an alert claim settles as sent, with the response revision', () => {
    expect(alertSentOf(change('ALERT#W1', 'c1#v2', sending, sent))).toEqual({
      metadata: {
        id: 'AlertSent:W1:c1#v2',
        type: 'AlertSent',
        version: 2,
        occurredAt: '2026-11-24T09:00:00.000Z',
      },
      data: { waveId: 'W1', contactId: 'c1', alert: 'response', revision: 2, sentAt: sent.settledAt },
    });
  });

  it('names an introduction as such', () => {
    const intro = { pk: 'ALERT#W1', sk: 'c1#introduction', status: 'sent', settledAt: sent.settledAt };
    expect(alertSentOf(change('ALERT#W1', 'c1#introduction', undefined, intro))?.data.alert).toBe(
      'introduction',
    );
  });

  it('is not raised for a claim, a claim handed back, a redelivered sent claim or its expiry', () => {
    expect(alertSentOf(change('ALERT#W1', 'c1#v2', undefined, sending))).toBeUndefined();
    expect(alertSentOf(change('ALERT#W1', 'c1#v2', sending, { ...sending, leaseUntil: 0 }))).toBeUndefined();
    expect(alertSentOf(change('ALERT#W1', 'c1#v2', sent, { ...sent, attempts: 2 }))).toBeUndefined();
    expect(alertSentOf(change('ALERT#W1', 'c1#v2', sent, undefined))).toBeUndefined();
    expect(alertSentOf(change('WAVE#W1', 'c1#v2', sending, sent))).toBeUndefined();
  });
});

describe('ReminderSent', () => {
  const claimed = { pk: 'WAVE#W1', sk: 'RCPT#c1', waveId: 'W1', contactId: 'c1', reminder: 'claimed' };
  const sent = { ...claimed, reminder: 'sent', reminderSentAt: '2026-11-27T09:00:00.000Z' };

  it('is raised when a recipient’s reminder went out, once', () => {
    expect(reminderSentOf(change('WAVE#W1', 'RCPT#c1', claimed, sent))).toEqual({
      metadata: {
        id: 'ReminderSent:W1:c1',
        type: 'ReminderSent',
        version: 2,
        occurredAt: sent.reminderSentAt,
      },
      data: { waveId: 'W1', contactId: 'c1', sentAt: sent.reminderSentAt },
    });
    // A later change of the same recipient (retention, say) raises nothing again.
    expect(
      reminderSentOf(change('WAVE#W1', 'RCPT#c1', sent, { ...sent, anonymisedAt: 'x' })),
    ).toBeUndefined();
    expect(
      reminderSentOf(change('WAVE#W1', 'RCPT#c1', claimed, { ...claimed, reminder: 'failed' })),
    ).toBeUndefined();
  });
});

describe("the publisher's stream filter", () => {
  const trigger = FUNCTIONS.publishEvents.trigger;
  const record = (pk: string, sk: string, image: Record<string, string>) => ({
    dynamodb: {
      Keys: { pk: { S: pk }, sk: { S: sk } },
      NewImage: Object.fromEntries(Object.entries(image).map(([k, v]) => [k, { S: v }])),
    },
  });

  it('lets through sent alerts and sent reminders, not every recipient or claim change', () => {
    expect(matchesFilter(trigger, record('ALERT#W1', 'c1#v2', { status: 'sent' }))).toBe(true);
    expect(matchesFilter(trigger, record('ALERT#W1', 'c1#v2', { status: 'sending' }))).toBe(false);
    expect(matchesFilter(trigger, record('WAVE#W1', 'RCPT#c1', { reminder: 'sent' }))).toBe(true);
    expect(matchesFilter(trigger, record('WAVE#W1', 'RCPT#c1', { status: 'sent' }))).toBe(false);
    expect(matchesFilter(trigger, record('WAVE#W1', 'RESP#c1', {}))).toBe(true);
  });
});
