/**
 * The digest's figures are read once per period and only rendered per reader language. DynamoDB and SES are
 * stubs here (no network): the table answers every read from a script and counts the reads.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, type QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Counts } from '#shared/aggregation/counts.ts';
import { digestViewIn, readDigestFigures } from '#shared/reporting/digest.ts';
import { figuresOf } from '#shared/reporting/report.ts';
import { type DigestDeps, sendDigest } from '#shared/reporting/send.ts';

// Monday 23 November 2026, 08:00 in Amsterdam: the 7-day period is 17–23 November.
const NOW = new Date('2026-11-23T07:00:00Z');

/**
 * A table whose only counters are NPS's overall ones on 20 November: three 10s and one 0 of 8 emails sent.
 * Every other read finds nothing.
 */
const stubTable = () => {
  const reads: string[] = [];
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  ddb.send = (async (command: QueryCommand) => {
    reads.push(command.constructor.name);
    const values = command.input.ExpressionAttributeValues ?? {};
    const current = values[':pk'] === 'AGG#nps#all' && values[':from'] === 'DAY#2026-11-17';
    if (values[':pk'] === 'DIGEST')
      return {
        Items: [{ pk: 'DIGEST', sk: 'READER#ceo@example.com', address: 'ceo@example.com', locale: 'de' }],
      };
    return {
      Items: current ? [{ pk: 'AGG#nps#all', sk: 'DAY#2026-11-20', s10: 3, s0: 1, n: 4, sent: 8 }] : [],
    };
  }) as never;
  return { ddb, reads };
};

const stubSes = () => {
  const emails: { to: string[]; html: string }[] = [];
  const ses = {
    send: async (command: SendEmailCommand) => {
      emails.push({
        to: command.input.Destination?.ToAddresses ?? [],
        html: command.input.Content?.Simple?.Body?.Html?.Data ?? '',
      });
      return { MessageId: `m${emails.length}` };
    },
  } as unknown as SESv2Client;
  return { ses, emails };
};

const depsWith = () => {
  const table = stubTable();
  const mail = stubSes();
  const deps: DigestDeps = {
    ddb: table.ddb,
    ses: mail.ses,
    table: 'nps',
    fromAddress: 'surveys@example.com',
    configurationSet: undefined,
    timeZone: 'Europe/Amsterdam',
    minSegmentResponses: 30,
    title: 'Acme',
  };
  return { deps, reads: table.reads, emails: mail.emails };
};

describe('sendDigest', () => {
  it('reads the period’s figures once, however many languages its readers read', async () => {
    const one = depsWith();
    await sendDigest(one.deps, { now: NOW, days: 7, to: [{ address: 'ceo@example.com', locale: 'en' }] });
    const three = depsWith();
    const sent = await sendDigest(three.deps, {
      now: NOW,
      days: 7,
      to: [
        { address: 'ceo@example.com', locale: 'en' },
        { address: 'cfo@example.com', locale: 'nl' },
        { address: 'cmo@example.com', locale: 'sv' },
        { address: 'cto@example.com', locale: 'de' },
      ],
    });
    expect(one.reads.length).toBeGreaterThan(0);
    expect(three.reads).toEqual(one.reads);
    expect(sent.views.map((v) => v.locale)).toEqual(['en', 'nl', 'sv', 'de']);
    expect(sent.recipients).toEqual([
      'ceo@example.com',
      'cfo@example.com',
      'cmo@example.com',
      'cto@example.com',
    ]);
  });

  it('emails each reader the same numbers in their own language', async () => {
    const { deps, emails } = depsWith();
    const sent = await sendDigest(deps, {
      now: NOW,
      days: 7,
      to: [
        { address: 'cfo@example.com', locale: 'nl' },
        { address: 'ceo@example.com', locale: 'en' },
        { address: 'coo@example.com', locale: 'nl' },
      ],
    });
    // 3 promoters and 1 detractor of 4: NPS (3 − 1) / 4 = +50; 4 responses to 8 emails: rate 0.5.
    for (const view of sent.views) expect(view).toMatchObject({ responses: 4, nps: 50, responseRate: 0.5 });
    expect(sent.views.map((v) => v.locale)).toEqual(['nl', 'en']);
    expect(emails.map((e) => [e.to, /<html lang="(\w+)"/.exec(e.html)?.[1]])).toEqual([
      [['cfo@example.com'], 'nl'],
      [['coo@example.com'], 'nl'],
      [['ceo@example.com'], 'en'],
    ]);
  });

  it('sends to the subscribed readers when none are named', async () => {
    const { deps, emails } = depsWith();
    const sent = await sendDigest(deps, { now: NOW, days: 7 });
    expect(sent.recipients).toEqual(['ceo@example.com']);
    expect(sent.views.map((v) => v.locale)).toEqual(['de']);
    expect(emails.map((e) => e.to)).toEqual([['ceo@example.com']]);
  });

  it('reads and sends nothing without readers', async () => {
    const { deps, reads, emails } = depsWith();
    const sent = await sendDigest(deps, { now: NOW, days: 7, to: [] });
    expect(sent).toEqual({
      period: { since: '2026-11-17', until: '2026-11-24' },
      recipients: [],
      alreadySent: [],
      views: [],
    });
    expect(reads).toEqual([]);
    expect(emails).toEqual([]);
  });

  it('refuses a reader address that is not one before reading or sending anything', async () => {
    const { deps, reads, emails } = depsWith();
    await expect(
      sendDigest(deps, { now: NOW, days: 7, to: [{ address: 'not an address', locale: 'en' }] }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(reads).toEqual([]);
    expect(emails).toEqual([]);
  });
});

describe('digestViewIn', () => {
  it('puts the same figures in a reader’s language without changing them', async () => {
    const { deps } = depsWith();
    const figures = await readDigestFigures(deps, { now: NOW, days: 7 });
    expect(figures).toMatchObject({ title: 'Acme', periodStart: '2026-11-17', periodEnd: '2026-11-24' });
    expect(digestViewIn(figures, 'sv')).toEqual({ ...figures, locale: 'sv' });
  });
});

describe('figuresOf', () => {
  const counts = (n: number, sent: number, imported = 0): Counts => ({
    histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n],
    n,
    quarantined: 2,
    sent,
    imported,
    reminded: 0,
    skipped: {},
    failed: 0,
  });
  const cases: [n: number, sent: number, rate: number | null, imported?: number][] = [
    [60, 80, 0.75],
    [1, 3, 0.3333], // 0.33333… to four places
    [2, 3, 0.6667], // 0.66666… rounds up
    [5, 0, null], // nothing sent: no rate rather than infinity
    [0, 10, 0],
    [100, 80, 0.75, 40], // 40 imported answers were never sent from here: 60 of 80
    [40, 0, null, 40], // only imported answers: nothing sent, no rate
  ];
  for (const [n, sent, rate, imported] of cases)
    it(`gives ${n} responses (${imported ?? 0} imported) to ${sent} emails a response rate of ${rate}`, () => {
      const figures = figuresOf('nps', counts(n, sent, imported));
      expect(figures.responseRate).toBe(rate);
      expect(figures).toMatchObject({ responses: n, sent, quarantined: 2 });
    });
});
