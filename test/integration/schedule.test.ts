import { Readable } from 'node:stream';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import type { SenderDeps } from '#shared/sending/context.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { contactKey } from '#shared/store/keys.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import { cancelWave, getWave, listWaves } from '#shared/waves/repository.ts';
import { audienceCsv, inbox, senderDeps, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
// A table of its own for each test: a sender sends every due wave in its table, not just this test's.
beforeEach(async () => {
  stack = await useLocalStack();
});

const DAY = 86_400_000;

const deps = (now: Date, overrides: Partial<SenderDeps> = {}): SenderDeps =>
  senderDeps(stack, { now: () => now, ...overrides });

const newWave = (csv: string, sendAt: Date, extra: { every?: string; spreadDays?: number } = {}) =>
  createWave(
    stack,
    { name: 'Quarterly', kind: 'nps', locale: 'en', product: 'Acme', sendAt, ...extra },
    () => readAudience(Readable.from([csv]), 'audience.csv'),
    { skipInvalid: false, file: 'audience.csv' },
  );

const statuses = async (waveId: string) => {
  const out = { Items: await allWaveItems(stack, waveId, { prefix: 'RCPT#', consistent: true }) };
  return (out.Items ?? []).map((r) => `${r.status}${r.reason ? `:${r.reason}` : ''}`).sort();
};

describe('recurring waves', () => {
  it('schedules the next occurrence when a wave finishes, and re-surveys the audience then', async () => {
    const t0 = new Date(Date.now() - 1000);
    const { csv, emails } = audienceCsv(3);
    const first = await newWave(csv, t0, { every: 'P90D' });
    const report = await sendDueWaves(deps(new Date()));
    expect(report.waves).toContain(first.id);
    expect(report.scheduled).toHaveLength(1);
    const nextId = report.scheduled[0] as string;
    const next = await getWave(stack.ddb, stack.table, nextId);
    expect(next).toMatchObject({
      status: 'scheduled',
      recipients: 3,
      every: 'P90D',
      parentId: first.id,
      occurrence: 2,
      sendAt: new Date(t0.getTime() + 90 * DAY).toISOString(),
    });
    expect((await getWave(stack.ddb, stack.table, first.id)).status).toBe('sent');
    expect(await statuses(nextId)).toEqual(['pending', 'pending', 'pending']);

    // Not due before its time.
    const early = await sendDueWaves(deps(new Date(t0.getTime() + 89 * DAY)));
    expect(early.waves).not.toContain(nextId);

    // 90 days on: surveyed again (fatigue counts whole days), and the occurrence after it is scheduled.
    const later = await sendDueWaves(deps(new Date(t0.getTime() + 90 * DAY + 60_000)));
    expect(later.waves).toContain(nextId);
    expect(await statuses(nextId)).toEqual(['sent', 'sent', 'sent']);
    expect(later.scheduled).toHaveLength(1);
    expect((await getWave(stack.ddb, stack.table, later.scheduled[0] as string)).occurrence).toBe(3);
    const mail = await inbox(stack.sesUrl, emails);
    expect(mail).toHaveLength(6);
  });

  it('re-checks fatigue when the next occurrence sends', async () => {
    const t0 = new Date(Date.now() - 1000);
    const { csv, emails } = audienceCsv(2);
    await newWave(csv, t0, { every: 'P90D' });
    const { scheduled } = await sendDueWaves(deps(new Date()));
    // Someone else surveyed the first contact 30 days before the next occurrence.
    const other = await newWave(`email\n${emails[0]}\n`, new Date(t0.getTime() + 60 * DAY));
    const mid = await sendDueWaves(deps(new Date(t0.getTime() + 95 * DAY)));
    expect(mid.waves).toEqual(expect.arrayContaining([other.id, scheduled[0]]));
    const states = await statuses(scheduled[0] as string);
    expect(states).toContain('skipped:fatigue');
  });

  it('creates exactly one next occurrence when two senders finish a wave at once', async () => {
    const { csv } = audienceCsv(60);
    const wave = await newWave(csv, new Date(Date.now() - 1000), { every: '30d' as string });
    const [a, b] = await Promise.all([sendDueWaves(deps(new Date())), sendDueWaves(deps(new Date()))]);
    expect([...a.scheduled, ...b.scheduled]).toHaveLength(1);
    const children = (await listWaves(stack.ddb, stack.table)).filter((w) => w.parentId === wave.id);
    expect(children).toHaveLength(1);
    expect(children[0]?.recipients).toBe(60);
  });

  it('a cancelled recurring wave sends nothing and schedules nothing', async () => {
    const { csv, emails } = audienceCsv(2);
    const wave = await newWave(csv, new Date(Date.now() + DAY), { every: 'P90D' });
    await cancelWave(stack.ddb, stack.table, wave.id);
    const report = await sendDueWaves(deps(new Date(Date.now() + 2 * DAY)));
    expect(report.waves).not.toContain(wave.id);
    expect(await inbox(stack.sesUrl, emails)).toHaveLength(0);
    expect((await listWaves(stack.ddb, stack.table)).filter((w) => w.parentId === wave.id)).toHaveLength(0);
  });
});

describe('spreading a wave over a window', () => {
  it('sends a linear share of the audience as the window passes, then finishes', async () => {
    const t0 = new Date(Date.now() - 1000);
    const { csv, emails } = audienceCsv(40);
    const wave = await newWave(csv, t0, { spreadDays: 2 });
    const sentBy = async (at: number) => {
      await sendDueWaves(deps(new Date(t0.getTime() + at)));
      return (await statuses(wave.id)).filter((s) => s === 'sent').length;
    };
    expect(await sentBy(12 * 3_600_000)).toBe(10);
    expect(await sentBy(DAY)).toBe(20);
    expect((await getWave(stack.ddb, stack.table, wave.id)).status).toBe('sending');
    expect(await sentBy(1.5 * DAY)).toBe(30);
    expect(await sentBy(2 * DAY + 60_000)).toBe(40);
    expect((await getWave(stack.ddb, stack.table, wave.id)).status).toBe('sent');
    const mail = await inbox(stack.sesUrl, emails);
    expect(new Set(mail.map((m) => m.destination.to[0])).size).toBe(40);
    expect(mail).toHaveLength(40);
    const contact = await stack.ddb.send(
      new QueryCommand({
        TableName: stack.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': contactKey(contactIdOf(emails[0] as string)).pk },
      }),
    );
    // Surveyed by one of the four runs above, at that run's clock.
    const runs = [12 * 3_600_000, DAY, 1.5 * DAY, 2 * DAY + 60_000].map((at) =>
      new Date(t0.getTime() + at).toISOString(),
    );
    expect(runs).toContain(contact.Items?.[0]?.lastSurveyedAt);
  });
});
