import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '#shared/answering/responses.ts';
import { erasureOf } from '#shared/events/contact-events.ts';
import {
  ARCHIVED_EVENT_TYPES,
  eventsOfChange,
  type ResponseDetailsEvent,
  responseOf,
  withRespondent,
} from '#shared/events/response-events.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { aResponse } from '../support/builders.ts';

/** A response of contact c1 in wave w1; `over` sets what the case is about. */
const response = (over: Partial<ResponseItem>): ResponseItem => ({
  pk: 'WAVE#w1',
  sk: 'RESP#c1',
  waveId: 'w1',
  contactId: 'c1',
  kind: 'nps',
  locale: 'nl',
  props: { region: 'EU' },
  status: 'pending',
  clicks: [],
  history: [],
  version: 1,
  ...over,
});

const committed = (score: number, category: ResponseItem['category'], over: Partial<ResponseItem> = {}) =>
  response({ status: 'committed', score, category, respondedAt: '2026-11-23T09:00:00.000Z', ...over });

/** The types and ids of the events, which is what decides who is notified. */
const summary = (before: ResponseItem | undefined, after: ResponseItem) =>
  eventsOfChange(before, after).map((e) => ({ type: e.metadata.type, id: e.metadata.id }));

describe('eventsOfChange', () => {
  const cases: {
    name: string;
    before: ResponseItem | undefined;
    after: ResponseItem;
    events: { type: string; id: string }[];
  }[] = [
    {
      name: 'announces a promoter’s first commit once',
      before: response({ version: 1 }),
      after: committed(10, 'promoter', { version: 2 }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:2' },
        { type: 'ResponseDetails', id: 'ResponseDetails:w1:c1:2' },
      ],
    },
    {
      name: 'announces a first commit with no earlier image (created committed)',
      before: undefined,
      after: committed(8, 'passive', { version: 1 }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:1' },
        { type: 'ResponseDetails', id: 'ResponseDetails:w1:c1:1' },
      ],
    },
    {
      name: 'adds DetractorResponded to a detractor’s commit',
      before: response({}),
      after: committed(3, 'detractor', { version: 2 }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:2' },
        { type: 'DetractorResponded', id: 'DetractorResponded:w1:c1:2' },
        { type: 'ResponseDetails', id: 'ResponseDetails:w1:c1:2' },
      ],
    },
    {
      name: 'announces a score changed from 9 to 3 as a new commit by a detractor',
      before: committed(9, 'promoter', { version: 2 }),
      after: committed(3, 'detractor', { version: 3 }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:3' },
        { type: 'DetractorResponded', id: 'DetractorResponded:w1:c1:3' },
        { type: 'ResponseDetails', id: 'ResponseDetails:w1:c1:3' },
      ],
    },
    {
      name: 'announces changed answers with an unchanged score',
      before: committed(6, 'detractor', { version: 2 }),
      after: committed(6, 'detractor', { version: 3, answers: { reason: 'Slow' } }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:3' },
        { type: 'DetractorResponded', id: 'DetractorResponded:w1:c1:3' },
        { type: 'ResponseDetails', id: 'ResponseDetails:w1:c1:3' },
      ],
    },
    {
      name: 'raises nothing when neither score nor answers changed',
      before: committed(9, 'promoter', { version: 2, answers: { reason: 'Fast' } }),
      after: committed(9, 'promoter', { version: 3, answers: { reason: 'Fast' } }),
      events: [],
    },
    {
      name: 'raises nothing for a quarantined response',
      before: response({}),
      after: response({ status: 'quarantined', score: 0, category: 'detractor', version: 2 }),
      events: [],
    },
    {
      name: 'raises nothing for a committed response that was quarantined since',
      before: committed(10, 'promoter', { version: 2 }),
      after: response({ status: 'quarantined', score: 10, category: 'promoter', version: 3 }),
      events: [],
    },
    {
      name: 'raises nothing for a response still pending',
      before: undefined,
      after: response({ clicks: [{ score: 7, at: '2026-11-23T09:00:00.000Z' }] }),
      events: [],
    },
    {
      name: 'announces referral consent the first time it is given',
      before: committed(10, 'promoter', { version: 2 }),
      after: committed(10, 'promoter', { version: 3, answers: { referralConsent: true } }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:3' },
        { type: 'ReferralConsentGiven', id: 'ReferralConsentGiven:w1:c1:3' },
        { type: 'ResponseDetails', id: 'ResponseDetails:w1:c1:3' },
      ],
    },
    {
      name: 'does not announce referral consent again when other answers change',
      before: committed(10, 'promoter', { version: 3, answers: { referralConsent: true } }),
      after: committed(10, 'promoter', {
        version: 4,
        answers: { referralConsent: true, referral: 'A colleague' },
      }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:4' },
        { type: 'ResponseDetails', id: 'ResponseDetails:w1:c1:4' },
      ],
    },
  ];
  for (const c of cases) it(c.name, () => expect(summary(c.before, c.after)).toEqual(c.events));

  it('carries the previous score and category only when the score changed', () => {
    const [changed] = eventsOfChange(committed(9, 'promoter', { version: 2 }), committed(3, 'detractor'));
    expect(changed?.data.previous).toEqual({ score: 9, category: 'promoter' });
    const [first] = eventsOfChange(response({}), committed(3, 'detractor'));
    expect(first?.data).not.toHaveProperty('previous');
    const [answered] = eventsOfChange(
      committed(3, 'detractor'),
      committed(3, 'detractor', { answers: { improve: 'Docs' } }),
    );
    expect(answered?.data).not.toHaveProperty('previous');
  });

  it('describes the response as it is after the change, dated when it was answered, without who or what they wrote', () => {
    const after = committed(3, 'detractor', { version: 5, via: 'dwell', answers: { reason: 'Slow' } });
    const [event] = eventsOfChange(committed(9, 'promoter', { version: 4 }), after);
    expect(event).toEqual({
      metadata: {
        id: 'ResponseCommitted:w1:c1:5',
        type: 'ResponseCommitted',
        version: 2,
        occurredAt: '2026-11-23T09:00:00.000Z',
      },
      data: {
        waveId: 'w1',
        contactId: 'c1',
        kind: 'nps',
        locale: 'nl',
        score: 3,
        category: 'detractor',
        via: 'dwell',
        respondedAt: '2026-11-23T09:00:00.000Z',
        previous: { score: 9, category: 'promoter' },
        revision: 5,
      },
    });
  });

  it('puts the segment properties and answers in ResponseDetails, and in no archived event', () => {
    const after = committed(3, 'detractor', {
      version: 5,
      answers: { reason: 'Slow', referralConsent: true },
    });
    const events = eventsOfChange(committed(9, 'promoter', { version: 4 }), after);
    const details = events.filter((e) => e.metadata.type === 'ResponseDetails');
    expect(details).toHaveLength(1);
    expect(details[0]?.data).toMatchObject({
      waveId: 'w1',
      contactId: 'c1',
      score: 3,
      category: 'detractor',
      previous: { score: 9, category: 'promoter' },
      props: { region: 'EU' },
      answers: { reason: 'Slow', referralConsent: true },
      revision: 5,
    });
    const archived = events.filter((e) => ARCHIVED_EVENT_TYPES.includes(e.metadata.type));
    expect(archived.map((e) => e.metadata.type)).toEqual([
      'ResponseCommitted',
      'DetractorResponded',
      'ReferralConsentGiven',
    ]);
    for (const e of archived) {
      expect(Object.keys(e.data).sort()).toEqual(
        [
          'waveId',
          'contactId',
          'kind',
          'locale',
          'score',
          'category',
          'via',
          'respondedAt',
          'previous',
          'revision',
        ].sort(),
      );
      expect(JSON.stringify(e.data)).not.toMatch(/Slow|EU/);
    }
  });

  it('raises nothing when retention anonymised the response or it was imported from another tool', () => {
    const before = committed(3, 'detractor', { version: 2, answers: { reason: 'Slow' } });
    const anonymised = {
      ...committed(3, 'detractor', { version: 3 }),
      anonymisedAt: '2028-01-01T00:00:00.000Z',
    };
    expect(eventsOfChange(before, anonymised)).toEqual([]);
    const imported = {
      ...committed(3, 'detractor', { version: 1 }),
      via: 'import',
    } as unknown as ResponseItem;
    expect(eventsOfChange(undefined, imported)).toEqual([]);
  });

  it('says a response committed without a recorded way was submitted', () => {
    expect(eventsOfChange(undefined, committed(7, 'passive'))[0]?.data.via).toBe('submit');
  });
});

describe('withRespondent', () => {
  const details = eventsOfChange(undefined, committed(10, 'promoter')).find(
    (e): e is ResponseDetailsEvent => e.metadata.type === 'ResponseDetails',
  ) as ResponseDetailsEvent;

  it('adds the respondent’s address and name right after the ids', () => {
    const data = withRespondent(details, { email: 'ann@example.com', name: 'Ann' }).data;
    expect(Object.keys(data).slice(0, 4)).toEqual(['waveId', 'contactId', 'email', 'name']);
    expect(data).toMatchObject({ email: 'ann@example.com', name: 'Ann', score: 10 });
  });

  it('leaves the address and name out once the contact is erased', () => {
    const data = withRespondent(details, undefined).data;
    expect(data).not.toHaveProperty('email');
    expect(data).not.toHaveProperty('name');
  });
});

describe('erasureOf', () => {
  const change = (over: Partial<ItemChange>): ItemChange => ({
    pk: 'CONTACT#c1',
    sk: 'ERASED',
    oldImage: undefined,
    newImage: { pk: 'CONTACT#c1', sk: 'ERASED', contactId: 'c1', erasedAt: '2026-11-23T10:00:00.000Z' },
    expired: false,
    sequenceNumber: '7',
    ...over,
  });

  it('turns an erasure notice into ContactErased with the contact id only', () => {
    expect(erasureOf(change({}))).toEqual({
      metadata: {
        id: 'ContactErased:c1:2026-11-23T10:00:00.000Z',
        type: 'ContactErased',
        version: 2,
        occurredAt: '2026-11-23T10:00:00.000Z',
      },
      data: { contactId: 'c1', erasedAt: '2026-11-23T10:00:00.000Z' },
    });
  });

  it('raises nothing for the notice expiring, the same notice written again, or any other item', () => {
    expect(erasureOf(change({ newImage: undefined, expired: true }))).toBeUndefined();
    expect(erasureOf(change({ oldImage: change({}).newImage }))).toBeUndefined();
    expect(erasureOf(change({ sk: 'META' }))).toBeUndefined();
  });
});

describe('responseOf', () => {
  it('takes response items and nothing else from the stream', () => {
    const item = aResponse({ status: 'committed', score: 9 });
    expect(responseOf(item)).toEqual(item);
    expect(responseOf({ pk: 'WAVE#w1', sk: 'RCPT#c1' })).toBeUndefined();
    expect(responseOf({ pk: 'WAVE#w1', sk: 'META' })).toBeUndefined();
    expect(responseOf(undefined)).toBeUndefined();
  });

  it('fails on a response image that is not a response, naming the field', () => {
    expect(() => responseOf({ pk: 'WAVE#w1', sk: 'RESP#c1' })).toThrow(
      /response item WAVE#w1\/RESP#c1: field "waveId"/,
    );
  });
});
