/**
 * PutEvents "succeeds" even when entries fail: the publisher reads every entry. The bus is a stub that
 * answers each call from a script, so the entries it refuses are known exactly.
 */
import type { EventBridgeClient, PutEventsCommand, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { publishEvents } from '#shared/events/publish.ts';
import type { SurveyEvent } from '#shared/events/response-events.ts';

const event = (contact: number): SurveyEvent => ({
  metadata: {
    id: `ResponseCommitted:w1:c${contact}:1`,
    type: 'ResponseCommitted',
    version: 2,
    occurredAt: '2026-11-23T09:00:00.000Z',
  },
  data: {
    waveId: 'w1',
    contactId: `c${contact}`,
    kind: 'nps',
    locale: 'en',
    score: 10,
    category: 'promoter',
    via: 'submit',
    respondedAt: '2026-11-23T09:00:00.000Z',
    revision: 1,
  },
});

type Answer = (ids: string[]) => { Entries?: PutEventsResultEntry[]; FailedEntryCount?: number };

/** A bus that answers call i with `answers[i]` (the last one from then on) and records the ids sent. */
const bus = (...answers: Answer[]) => {
  const calls: string[][] = [];
  const client = {
    send: async (command: PutEventsCommand) => {
      const ids = (command.input.Entries ?? []).map(
        (e) => (JSON.parse(e.Detail ?? '{}') as SurveyEvent).metadata.id,
      );
      calls.push(ids);
      const answer = answers[Math.min(calls.length, answers.length) - 1] as Answer;
      return answer(ids);
    },
  } as unknown as EventBridgeClient;
  return { publisher: { client, busName: 'nps-bus' }, calls };
};

const accept: Answer = (ids) => ({ Entries: ids.map((_, i) => ({ EventId: `e${i}` })), FailedEntryCount: 0 });
/** Refuses the entries whose contact is in `contacts`, accepts the rest. */
const refuse =
  (...contacts: string[]): Answer =>
  (ids) => {
    const entries = ids.map((id, i) =>
      contacts.some((c) => id.includes(`:${c}:`))
        ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Slow down' }
        : { EventId: `e${i}` },
    );
    return { Entries: entries, FailedEntryCount: entries.filter((e) => e.ErrorCode).length };
  };

describe('publishEvents', () => {
  it('retries only the entries the bus refused, and counts each event once', async () => {
    const { publisher, calls } = bus(refuse('c2'), accept);
    const result = await publishEvents(publisher, [event(1), event(2), event(3)]);
    expect(result).toEqual({ published: 3, failed: [] });
    expect(calls).toEqual([
      ['ResponseCommitted:w1:c1:1', 'ResponseCommitted:w1:c2:1', 'ResponseCommitted:w1:c3:1'],
      ['ResponseCommitted:w1:c2:1'],
    ]);
  });

  it('returns an entry still refused after three attempts with the bus’s error, never throws', async () => {
    const { publisher, calls } = bus(refuse('c2'));
    const result = await publishEvents(publisher, [event(1), event(2)]);
    expect(result.published).toBe(1);
    expect(result.failed).toEqual([
      { event: event(2), errorCode: 'ThrottlingException', errorMessage: 'Slow down' },
    ]);
    expect(calls).toHaveLength(3);
  });

  it('trusts FailedEntryCount when no entry says which failed, and retries them all', async () => {
    const { publisher, calls } = bus(
      (ids) => ({ Entries: ids.map((_, i) => ({ EventId: `e${i}` })), FailedEntryCount: 1 }),
      accept,
    );
    const result = await publishEvents(publisher, [event(1), event(2)]);
    expect(result).toEqual({ published: 2, failed: [] });
    expect(calls).toHaveLength(2);
    expect(calls[1]).toHaveLength(2);
  });

  it('counts an entry the result leaves out as failed', async () => {
    // The result always lacks its last entry.
    const { publisher } = bus((ids) => ({
      Entries: ids.slice(0, -1).map((_, i) => ({ EventId: `e${i}` })),
      FailedEntryCount: 0,
    }));
    const result = await publishEvents(publisher, [event(1), event(2)]);
    expect(result.published).toBe(1);
    expect(result.failed.map((f) => [f.event.data.contactId, f.errorCode])).toEqual([['c2', 'MissingEntry']]);
  });

  it('reports every event of a call that threw, with the error’s name', async () => {
    const { publisher, calls } = bus(() => {
      throw Object.assign(new Error('Bus is gone'), { name: 'ResourceNotFoundException' });
    });
    const result = await publishEvents(publisher, [event(1), event(2)]);
    expect(result.published).toBe(0);
    expect(result.failed.map((f) => [f.event.data.contactId, f.errorCode, f.errorMessage])).toEqual([
      ['c1', 'ResourceNotFoundException', 'Bus is gone'],
      ['c2', 'ResourceNotFoundException', 'Bus is gone'],
    ]);
    expect(calls).toHaveLength(3);
  });

  it('puts at most 10 entries in one call', async () => {
    const { publisher, calls } = bus(accept);
    const result = await publishEvents(
      publisher,
      Array.from({ length: 23 }, (_, i) => event(i)),
    );
    expect(result).toEqual({ published: 23, failed: [] });
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
  });

  it('sends each entry to the named bus with the event’s source, type and time', async () => {
    let entry: NonNullable<PutEventsCommand['input']['Entries']>[number] | undefined;
    const client = {
      send: async (command: PutEventsCommand) => {
        entry = command.input.Entries?.[0];
        return accept(['x']);
      },
    } as unknown as EventBridgeClient;
    await publishEvents({ client, busName: 'nps-bus' }, [event(1)]);
    expect(entry).toMatchObject({
      EventBusName: 'nps-bus',
      Source: 'nps.surveys',
      DetailType: 'ResponseCommitted',
      Time: new Date('2026-11-23T09:00:00.000Z'),
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual(event(1));
  });
});
