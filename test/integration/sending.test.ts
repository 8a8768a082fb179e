import { Readable } from 'node:stream';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from '#infra/local/lambda.ts';
import { mirrorSends } from '#infra/local/ses-mirror.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf, markUnsubscribed } from '#shared/contacts/contacts.ts';
import { verifyLink } from '#shared/core/links.ts';
import type { SenderDeps } from '#shared/sending/context.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { waveKey } from '#shared/store/keys.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import { audienceCsv, inbox, linksOf, senderDeps, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let sesEvents: Handler;
beforeAll(async () => {
  stack = await useLocalStack();
  sesEvents = (await import('#functions/ses-events.ts')).handler as unknown as Handler;
});

const deps = (overrides: Partial<SenderDeps> = {}): SenderDeps => senderDeps(stack, overrides);

const newWave = async (csv: string, kind: 'nps' | 'csat' | 'ces' = 'nps') =>
  createWave(
    stack,
    { name: 'Test wave', kind, locale: 'en', product: 'Acme', sendAt: new Date(Date.now() - 1000) },
    () => readAudience(Readable.from([csv]), 'audience.csv'),
    { skipInvalid: false, file: 'audience.csv' },
  );

describe('sending a due wave', () => {
  it('sends each recipient one localized email with eleven bare-number score links and one-click unsubscribe', async () => {
    const { csv, emails } = audienceCsv(3);
    const wave = await newWave(csv);
    const report = await sendDueWaves(deps());
    expect(report.waves).toContain(wave.id);
    const mail = await inbox(stack.sesUrl, emails);
    expect(mail).toHaveLength(3);
    for (const email of mail) {
      const html = email.body.html ?? '';
      const scoreLinks = [
        ...html.matchAll(/<a\b[^>]*href="([^"]+\/r\/[^"]+\/(\d+))"[^>]*>\s*(\d+)\s*<\/a>/g),
      ];
      expect(scoreLinks.map((m) => Number(m[3]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const m of scoreLinks) expect(m[2]).toBe(m[3]);
      const token = (m: RegExpMatchArray) => (m[1] as string).split('/r/')[1]?.split('/')[0] as string;
      const claims = verifyLink(signingKeys, token(scoreLinks[0] as RegExpMatchArray), 'r', new Date());
      expect(claims.waveId).toBe(wave.id);
      expect(claims.contactId).toBe(contactIdOf(email.destination.to[0] as string));
      const headers = Object.fromEntries((email.headers ?? []).map((h) => [h.name, h.value]));
      expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(headers['X-NPS-Kind']).toBe('first');
      expect(headers['List-Unsubscribe']).toMatch(/^<https:\/\/survey\.example\.com\/u\/[A-Za-z0-9._-]+>$/);
      expect(linksOf(email).some((l) => /\/u\/[A-Za-z0-9._-]+$/.test(l))).toBe(true);
      expect(email.body.text).toContain('/r/');
    }
    const dutch = mail.find((m) => m.destination.to[0]?.startsWith('person1.'));
    expect(dutch?.subject).not.toBe(mail.find((m) => m.destination.to[0]?.startsWith('person0.'))?.subject);
    const stored = await stack.ddb.send(new GetCommand({ TableName: stack.table, Key: waveKey(wave.id) }));
    expect(stored.Item?.status).toBe('sent');
  });

  it('never sends a recipient twice when run again or by two senders at once', async () => {
    const { csv, emails } = audienceCsv(120);
    await newWave(csv);
    const reports = await Promise.all([sendDueWaves(deps()), sendDueWaves(deps()), sendDueWaves(deps())]);
    reports.push(await sendDueWaves(deps()));
    // The senders' own reports add up too: each recipient counted once, by the sender that sent it.
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(120);
    const mail = await inbox(stack.sesUrl, emails);
    const perAddress = new Map<string, number>();
    for (const m of mail)
      perAddress.set(m.destination.to[0] as string, (perAddress.get(m.destination.to[0] as string) ?? 0) + 1);
    expect(perAddress.size).toBe(120);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
  });

  /** A wave of 150 whose second bulk call crashes the sender, after SES took it or before. */
  const crashedWave = async (afterSes: boolean) => {
    const { csv, emails } = audienceCsv(150);
    const wave = await newWave(csv);
    let calls = 0;
    const crashing = {
      send: (command: Parameters<SESv2Client['send']>[0]) => {
        if (command.constructor.name === 'SendBulkEmailCommand' && ++calls === 2) {
          // The process dies after SES accepted the call (the emails went out, the outcome was never
          // recorded), or before it reached SES (nothing went out).
          if (!afterSes) return Promise.reject(new Error('sender crashed'));
          return stack.ses.send(command as never).then(() => {
            throw new Error('sender crashed');
          });
        }
        return stack.ses.send(command as never);
      },
    } as unknown as SESv2Client;
    await expect(sendDueWaves(deps({ ses: crashing }))).rejects.toThrow('sender crashed');
    return { wave, emails };
  };

  const statesOf = async (waveId: string) => {
    const recipients = { Items: await allWaveItems(stack, waveId, { prefix: 'RCPT#', consistent: true }) };
    return (recipients.Items ?? []).map((r) => `${r.status}${r.reason ? `:${r.reason}` : ''}`);
  };

  const exactlyOnce = async (emails: string[]) => {
    const addresses = (await inbox(stack.sesUrl, emails)).map((m) => m.destination.to[0]);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses).toHaveLength(emails.length);
  };

  it('settles a crashed sender’s claims from SES’s Send events, sent now, and re-sends nobody', async () => {
    const { wave, emails } = await crashedWave(true);
    const sentAt = async () =>
      (await allWaveItems(stack, wave.id, { prefix: 'RCPT#', consistent: true }))
        .filter((r) => r.status === 'sent')
        .map((r) => Date.parse(String(r.sentAt)));
    const recorded = (await sentAt()).length;
    // SES's Send events (the configuration set's, mirrored from the emulator as the local stack does).
    const announced = await mirrorSends(stack.sesUrl, sesEvents, new Set());
    expect(announced).toBeGreaterThan(0);
    // Those settled by an event were sent when the emulator took them: now, not in 1970.
    const settled = await sentAt();
    expect(settled.length).toBeGreaterThan(recorded);
    for (const at of settled) expect(Math.abs(Date.now() - at)).toBeLessThan(60_000);
    // The next run, after the crashed sender's lease ran out.
    await sendDueWaves(deps({ now: () => new Date(Date.now() + 11 * 60_000) }));
    await exactlyOnce(emails);
    expect((await statesOf(wave.id)).every((s) => s === 'sent')).toBe(true);
  });

  it('sends a crashed sender’s claims again when SES never took them, so nobody is left out', async () => {
    const { wave, emails } = await crashedWave(false);
    await mirrorSends(stack.sesUrl, sesEvents, new Set());
    // After the lease, the claims go back to pending and the following runs send them.
    const later = deps({ now: () => new Date(Date.now() + 11 * 60_000) });
    for (let run = 0; run < 3 && !(await statesOf(wave.id)).every((s) => s === 'sent'); run++)
      await sendDueWaves(later);
    await exactlyOnce(emails);
    expect((await statesOf(wave.id)).every((s) => s === 'sent')).toBe(true);
  });

  it('skips contacts who unsubscribed and says why', async () => {
    const { csv, emails } = audienceCsv(2);
    await markUnsubscribed(stack.ddb, stack.table, contactIdOf(emails[0] as string), new Date());
    // Whatever earlier tests left due goes out first, so the next run sends this wave alone.
    await sendDueWaves(deps({ now: () => new Date() }));
    await newWave(csv);
    const second = await sendDueWaves(deps());
    expect(second.sent).toBe(1);
    const mail = await inbox(stack.sesUrl, emails);
    expect(mail.map((m) => m.destination.to[0])).toEqual([emails[1]]);
    expect(second.skipped).toBe(1);
  });
});
