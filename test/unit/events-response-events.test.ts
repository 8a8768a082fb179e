import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '#shared/answering/responses.ts';
import { eventsOfChange, responseOf, withRespondent } from '#shared/events/response-events.ts';

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
      events: [{ type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:2' }],
    },
    {
      name: 'announces a first commit with no earlier image (created committed)',
      before: undefined,
      after: committed(8, 'passive', { version: 1 }),
      events: [{ type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:1' }],
    },
    {
      name: 'adds DetractorResponded to a detractor’s commit',
      before: response({}),
      after: committed(3, 'detractor', { version: 2 }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:2' },
        { type: 'DetractorResponded', id: 'DetractorResponded:w1:c1:2' },
      ],
    },
    {
      name: 'announces a score changed from 9 to 3 as a new commit by a detractor',
      before: committed(9, 'promoter', { version: 2 }),
      after: committed(3, 'detractor', { version: 3 }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:3' },
        { type: 'DetractorResponded', id: 'DetractorResponded:w1:c1:3' },
      ],
    },
    {
      name: 'announces changed answers with an unchanged score',
      before: committed(6, 'detractor', { version: 2 }),
      after: committed(6, 'detractor', { version: 3, answers: { reason: 'Slow' } }),
      events: [
        { type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:3' },
        { type: 'DetractorResponded', id: 'DetractorResponded:w1:c1:3' },
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
      ],
    },
    {
      name: 'does not announce referral consent again when other answers change',
      before: committed(10, 'promoter', { version: 3, answers: { referralConsent: true } }),
      after: committed(10, 'promoter', {
        version: 4,
        answers: { referralConsent: true, referral: 'A colleague' },
      }),
      events: [{ type: 'ResponseCommitted', id: 'ResponseCommitted:w1:c1:4' }],
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

  it('describes the response as it is after the change, dated when it was answered', () => {
    const after = committed(3, 'detractor', { version: 5, via: 'dwell', answers: { reason: 'Slow' } });
    const [event] = eventsOfChange(committed(9, 'promoter', { version: 4 }), after);
    expect(event).toEqual({
      metadata: {
        id: 'ResponseCommitted:w1:c1:5',
        type: 'ResponseCommitted',
        version: 1,
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
        props: { region: 'EU' },
        answers: { reason: 'Slow' },
        previous: { score: 9, category: 'promoter' },
        revision: 5,
      },
    });
  });

  it('says a response committed without a recorded way was submitted', () => {
    expect(eventsOfChange(undefined, committed(7, 'passive'))[0]?.data.via).toBe('submit');
  });
});

describe('withRespondent', () => {
  const [event] = eventsOfChange(undefined, committed(10, 'promoter'));

  it('adds the respondent’s address and name right after the ids', () => {
    const data = withRespondent(event as never, { email: 'ann@example.com', name: 'Ann' }).data;
    expect(Object.keys(data).slice(0, 4)).toEqual(['waveId', 'contactId', 'email', 'name']);
    expect(data).toMatchObject({ email: 'ann@example.com', name: 'Ann', score: 10 });
  });

  it('leaves the address and name out once the contact is erased', () => {
    const data = withRespondent(event as never, undefined).data;
    expect(data).not.toHaveProperty('email');
    expect(data).not.toHaveProperty('name');
  });
});

describe('responseOf', () => {
  it('takes response items and nothing else from the stream', () => {
    expect(responseOf({ pk: 'WAVE#w1', sk: 'RESP#c1' })).toEqual({ pk: 'WAVE#w1', sk: 'RESP#c1' });
    expect(responseOf({ pk: 'WAVE#w1', sk: 'RCPT#c1' })).toBeUndefined();
    expect(responseOf({ pk: 'WAVE#w1', sk: 'META' })).toBeUndefined();
    expect(responseOf(undefined)).toBeUndefined();
  });
});
