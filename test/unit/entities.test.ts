/**
 * Every stored entity reads itself: an item its writer makes reads back as what was written, and a
 * malformed one (a field missing, of the wrong type, or outside its choices) fails with MalformedItemError
 * naming the entity, the key and the field.
 */
import { describe, expect, it } from 'vitest';
import { stagedFromItem } from '#shared/aggregation/staged-item.ts';
import { subscriptionFromItem } from '#shared/alerts/subscription-item.ts';
import { responseFromItem } from '#shared/answering/response-item.ts';
import { contactFromItem, surveyedFromItem } from '#shared/contacts/contact-item.ts';
import { optOutFromItem, readerFromItem } from '#shared/reporting/reader-item.ts';
import { type Item, MalformedItemError } from '#shared/store/item.ts';
import { shardOf, waveShardPartition } from '#shared/store/keys.ts';
import { recipientFromItem } from '#shared/store/recipient.ts';
import { activityFromItem } from '#shared/team/activity-item.ts';
import { waveFromItem } from '#shared/waves/wave-item.ts';
import {
  aContact,
  anActivityEntry,
  anOptOut,
  aReader,
  aRecipient,
  aResponse,
  aStaged,
  aSubscription,
  aSurveyedMark,
  aWave,
} from '../support/builders.ts';

interface Case {
  entity: string;
  item: Item;
  read: (item: Item) => unknown;
  /** Fields read back exactly as written (beyond the key). */
  fields: Record<string, unknown>;
  missing: string;
  wrongType: [string, unknown];
  badChoice?: [string, unknown];
}

const cases: Case[] = [
  {
    entity: 'wave',
    item: aWave({ every: 'P90D', lanes: 2 }),
    read: waveFromItem,
    fields: { id: 'w1', status: 'scheduled', every: 'P90D', lanes: 2, skipped: {} },
    missing: 'sendAt',
    wrongType: ['recipients', '12'],
    badChoice: ['status', 'sent!'],
  },
  {
    entity: 'recipient',
    item: aRecipient({ props: { plan: 'team' }, value: 1200, owner: 'am@example.com' }),
    read: recipientFromItem,
    fields: { waveId: 'w1', contactId: 'c1', props: { plan: 'team' }, value: 1200, status: 'pending' },
    missing: 'email',
    wrongType: ['props', { plan: 3 }],
    badChoice: ['status', 'queued'],
  },
  {
    entity: 'response',
    item: aResponse({
      status: 'committed',
      score: 9,
      category: 'promoter',
      answers: { reason: 'fast', referralConsent: true },
      clicks: [{ score: 9, at: '2026-11-23T09:00:00.000Z' }],
      history: [{ score: 7, at: '2026-11-22T09:00:00.000Z', via: 'submit' }],
    }),
    read: responseFromItem,
    fields: {
      status: 'committed',
      score: 9,
      answers: { reason: 'fast', referralConsent: true },
      clicks: [{ score: 9, at: '2026-11-23T09:00:00.000Z' }],
      history: [{ score: 7, at: '2026-11-22T09:00:00.000Z', via: 'submit' }],
    },
    missing: 'version',
    wrongType: ['score', '9'],
    badChoice: ['kind', 'nps2'],
  },
  {
    entity: 'contact',
    item: aContact({ email: 'ada@example.com', suppressed: 'bounced' }),
    read: contactFromItem,
    fields: { contactId: 'c1', email: 'ada@example.com', suppressed: 'bounced' },
    missing: 'contactId',
    wrongType: ['erasedAt', 17],
    badChoice: ['suppressed', 'spam'],
  },
  {
    entity: 'surveyed mark',
    item: aSurveyedMark(),
    read: surveyedFromItem,
    fields: { contactId: 'c1', waveId: 'w1' },
    missing: 'lastSurveyedAt',
    wrongType: ['waveId', 5],
  },
  {
    entity: 'digest reader',
    item: aReader(),
    read: readerFromItem,
    fields: { address: 'lead@example.com', locale: 'en', optOut: 'AAAAAAAAAAAAAAAAAAAAAA' },
    missing: 'address',
    wrongType: ['optOut', true],
  },
  {
    entity: 'digest opt-out',
    item: anOptOut(),
    read: optOutFromItem,
    fields: { address: 'lead@example.com', locale: 'en' },
    missing: 'address',
    wrongType: ['locale', 3],
  },
  {
    entity: 'alert subscription',
    item: aSubscription(),
    read: subscriptionFromItem,
    fields: { id: 's1', on: 'detractor', format: 'json' },
    missing: 'url',
    wrongType: ['createdAt', 1],
    badChoice: ['format', 'xml'],
  },
  {
    entity: 'activity',
    item: anActivityEntry(),
    read: activityFromItem,
    fields: { who: 'me@example.com', what: 'wave.created', detail: { wave: 'w1' } },
    missing: 'who',
    wrongType: ['detail', ['w1']],
    badChoice: ['what', 'wave.exploded'],
  },
  {
    entity: 'staged',
    item: aStaged(),
    read: stagedFromItem,
    fields: {
      next: 0,
      entries: [
        { pk: 'AGG#nps#all', sk: 'ALL', add: { s9: 1, n: 1 } },
        { pk: 'AGG#nps#all', sk: 'SEGMENTS', values: ['plan#team'] },
      ],
    },
    missing: 'entries',
    wrongType: ['next', 0.5],
  },
];

const without = (item: Item, field: string): Item =>
  Object.fromEntries(Object.entries(item).filter(([k]) => k !== field));

const failure = (read: () => unknown): MalformedItemError => {
  try {
    read();
  } catch (error) {
    if (error instanceof MalformedItemError) return error;
    throw error;
  }
  throw new Error('read a malformed item without failing');
};

describe.each(cases)('the $entity entity', (c) => {
  it('reads back what its toItem wrote', () => {
    expect(c.read(c.item)).toMatchObject(c.fields);
  });

  it('fails on an item missing a required field, naming it', () => {
    const error = failure(() => c.read(without(c.item, c.missing)));
    expect(error).toMatchObject({ name: 'MalformedItemError', entity: c.entity, field: c.missing });
    expect(error.message).toContain(
      `Malformed ${c.entity} item ${c.item.pk}/${c.item.sk}: field "${c.missing}" is missing`,
    );
  });

  it('fails on a field of the wrong type, naming it', () => {
    const [field, value] = c.wrongType;
    expect(failure(() => c.read({ ...c.item, [field]: value }))).toMatchObject({ entity: c.entity, field });
  });

  it.runIf(c.badChoice)('fails on a value outside its choices, naming the field and the choices', () => {
    const [field, value] = c.badChoice ?? ['', ''];
    const error = failure(() => c.read({ ...c.item, [field]: value }));
    expect(error).toMatchObject({ field });
    expect(error.message).toMatch(
      new RegExp(`field "${field}" is ${JSON.stringify(value)} \\(expected one of \\S+\\|`),
    );
  });
});

describe('entity keys and shapes', () => {
  it('builds fixtures under the real, sharded keys', () => {
    expect(aRecipient({ waveId: 'w9', contactId: 'c7' })).toMatchObject({
      pk: waveShardPartition('w9', shardOf('c7')),
      sk: 'RCPT#c7',
    });
    expect(aResponse({ waveId: 'w9', contactId: 'c7' }).pk).toBe(waveShardPartition('w9', shardOf('c7')));
    expect(aWave({ id: 'w9' })).toMatchObject({ pk: 'WAVE#w9', sk: 'META', type: 'wave' });
  });

  it('says which list element is malformed', () => {
    const item = aResponse({ clicks: [{ score: 9, at: 'x' }] });
    expect(
      failure(() =>
        responseFromItem({
          ...item,
          clicks: [
            { score: 9, at: 'x' },
            { score: 'ten', at: 'y' },
          ],
        }),
      ).field,
    ).toBe('clicks[1].score');
  });

  it('keeps the attributes other writers own, so a read-modify-write never drops them', () => {
    const item = { ...aWave(), copiedPages: 3, gsi1pk: 'DUE' };
    expect(waveFromItem(item)).toMatchObject({ copiedPages: 3, gsi1pk: 'DUE', type: 'wave' });
  });

  it('reads the shapes older and other writers leave: an anonymised recipient and response, an imported one', () => {
    const recipient = without(
      without(without({ ...aRecipient(), anonymisedAt: '2027-01-01' }, 'email'), 'name'),
      'props',
    );
    expect(recipientFromItem(recipient)).toMatchObject({ email: '', name: '', props: {} });
    const response = without(without({ ...aResponse(), anonymisedAt: '2027-01-01' }, 'clicks'), 'history');
    expect(responseFromItem(response)).toMatchObject({ clicks: [], history: [] });
    const imported = without(aResponse({ status: 'committed', score: 8, via: 'import' }), 'locale');
    expect(responseFromItem(imported).locale).toBeUndefined();
    expect(recipientFromItem(without(aRecipient({ status: 'imported' }), 'locale')).status).toBe('imported');
    expect(readerFromItem(without(aReader(), 'optOut'))).toEqual({
      address: 'lead@example.com',
      locale: 'en',
    });
  });
});
