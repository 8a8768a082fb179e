/**
 * The digest's numbers are `nps report`'s numbers for the same period: both read the same day counters,
 * which the real aggregator filled in DynamoDB Local. The digest that reaches the SES emulator shows them,
 * in the reader's language, and an empty week says so instead of showing zero.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyChanges } from '#shared/aggregation/apply.ts';
import { compareNps, compareShares, meanMargin, shareMargin } from '#shared/core/stats.ts';
import { categoryOf } from '#shared/core/survey.ts';
import { buildDigestView } from '#shared/reporting/digest.ts';
import type { Report } from '#shared/reporting/report.ts';
import { type DigestDeps, sendDigest } from '#shared/reporting/send.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { digestSentKey, feedbackPartition } from '#shared/store/keys.ts';
import { formatSigned, t } from '#templates/index.ts';
import { run } from '../../cli/commands.ts';
import { inbox, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let deps: DigestDeps;
// Monday 23 November 2026, 08:00 in Amsterdam: the 7-day period is 17–23 November, the one before 10–16.
const NOW = new Date('2026-11-23T07:00:00Z');
const changes: ItemChange[] = [];

/** The stream change that creates `item`. */
const inserted = (item: { pk: string; sk: string }, sequenceNumber: number): ItemChange => ({
  pk: item.pk,
  sk: item.sk,
  oldImage: undefined,
  newImage: item,
  expired: false,
  sequenceNumber: String(sequenceNumber),
});

const add = async (i: number, score: number, day: string, region: string, sentDay = day) => {
  const common = { pk: 'WAVE#d1', waveId: 'd1', contactId: `c${i}`, kind: 'nps', locale: 'en' };
  const recipient = { ...common, sk: `RCPT#c${i}`, status: 'sent', sentDay, props: { region } };
  const response = {
    ...common,
    sk: `RESP#c${i}`,
    props: { region },
    status: 'committed',
    score,
    category: score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor',
    day,
    version: 1,
  };
  for (const item of [recipient, response]) {
    await stack.ddb.send(new PutCommand({ TableName: stack.table, Item: item }));
    changes.push(inserted(item, changes.length + 1));
  }
};

beforeAll(async () => {
  stack = await useLocalStack();
  deps = {
    ddb: stack.ddb,
    ses: stack.ses,
    table: stack.table,
    fromAddress: 'surveys@example.com',
    configurationSet: undefined,
    timeZone: 'Europe/Amsterdam',
    minSegmentResponses: 30,
    title: 'Acme',
  };
  // This period: 60 responses, 36 in EU (shown) and 24 in US (too few to show). Scores cycle 0..10 with
  // extra promoters. The previous period: 40 responses, mostly detractors. Some sent without an answer.
  let i = 0;
  for (let k = 0; k < 60; k++)
    await add(i++, k % 3 === 0 ? 10 : k % 11, `2026-11-${17 + (k % 7)}`, k < 36 ? 'EU' : 'US');
  for (let k = 0; k < 40; k++) await add(i++, k % 4 === 0 ? 9 : k % 7, `2026-11-${10 + (k % 7)}`, 'EU');
  for (let k = 0; k < 20; k++) {
    const item = {
      pk: 'WAVE#d1',
      sk: `RCPT#x${k}`,
      waveId: 'd1',
      contactId: `x${k}`,
      kind: 'nps',
      status: 'sent',
      sentDay: '2026-11-18',
    };
    changes.push(inserted(item, changes.length + 1));
  }
  const result = await applyChanges(stack, changes);
  expect(result.failed).toEqual([]);
});

describe('the digest agrees with nps report', () => {
  it('shows the same NPS, n, margin, distribution, response rate and segments as the report for its period', async () => {
    const view = await buildDigestView(deps, { now: NOW, days: 7, locale: 'en' });
    expect(view).toMatchObject({ periodStart: '2026-11-17', periodEnd: '2026-11-24', responses: 60 });
    const report = (
      await run(['report'], { since: '2026-11-17', until: '2026-11-24', segment: 'region' }, {})
    ).data as Report;
    expect(report.responses).toBe(view.responses);
    expect(report.nps).toBe(view.nps);
    expect(Math.round(report.marginOfError ?? Number.NaN)).toBe(view.marginOfError);
    expect(report.histogram).toEqual(view.histogram);
    expect(report.responseRate).toBe(view.responseRate);
    expect(view.responseRate).toBe(0.75); // 60 responses of 80 sent in the period
    const segments = Object.fromEntries(
      (report.segments ?? []).map((s) => [s.value, { responses: s.responses, nps: s.nps }]),
    );
    expect(segments).toEqual({
      EU: { responses: 36, nps: view.segments.find((s) => s.value === 'EU')?.nps },
      US: { responses: 24, nps: expect.any(Number) },
    });
    expect(view.segments.find((s) => s.value === 'US')).toMatchObject({ responses: 24, nps: null });
    // The change against the previous period, from the report of that period.
    const before = (await run(['report'], { since: '2026-11-10', until: '2026-11-17' }, {})).data as Report;
    const change = compareNps(report, before);
    expect(view.change).toEqual({ delta: Math.round(change?.delta ?? Number.NaN), significant: true });
    expect(change?.significant).toBe(true);
  });

  it('quotes the comments of NPS responses only, never another survey kind’s', async () => {
    const feedback = (contactId: string, kind: string, score: number, category: string, reason: string) => ({
      pk: 'WAVE#d2',
      sk: `RESP#${contactId}`,
      waveId: 'd2',
      contactId,
      kind,
      locale: 'en',
      props: {},
      status: 'committed',
      score,
      category,
      day: '2026-11-20',
      respondedAt: '2026-11-20T10:00:00.000Z',
      answers: { reason },
      version: 1,
      gsi1pk: feedbackPartition('2026-11-20'),
      gsi1sk: `2026-11-20T10:00:00.000Z#d2#${contactId}`,
    });
    for (const item of [
      feedback('n1', 'nps', 3, 'detractor', 'The export breaks'),
      feedback('s1', 'csat', 2, 'detractor', 'Support was slow'),
      feedback('e1', 'ces', 2, 'detractor', 'Too many steps'),
    ])
      await stack.ddb.send(new PutCommand({ TableName: stack.table, Item: item }));
    const view = await buildDigestView(deps, { now: NOW, days: 7, locale: 'en' });
    expect(view.detractorComments.map((c) => c.text)).toEqual(['The export breaks']);
  });

  it('adds the period’s CSAT and CES, with the figures nps report gives for them', async () => {
    const more: ItemChange[] = [];
    const respond = (kind: 'csat' | 'ces', i: number, score: number, day: string) => {
      const item = {
        pk: 'WAVE#k1',
        sk: `RESP#${kind}${i}`,
        waveId: 'k1',
        contactId: `${kind}${i}`,
        kind,
        locale: 'en',
        props: {},
        status: 'committed',
        score,
        category: categoryOf(kind, score),
        day,
        version: 1,
      };
      more.push(inserted(item, 1));
    };
    // CSAT: 40 this period (scores cycle 1..5, extra 5s), 20 the period before. CES: 30 this period only.
    for (let k = 0; k < 40; k++) respond('csat', k, k % 3 === 0 ? 5 : (k % 5) + 1, `2026-11-${17 + (k % 7)}`);
    for (let k = 0; k < 20; k++) respond('csat', 100 + k, (k % 5) + 1, `2026-11-${10 + (k % 7)}`);
    for (let k = 0; k < 30; k++) respond('ces', k, (k % 7) + 1, `2026-11-${17 + (k % 7)}`);
    expect((await applyChanges(stack, more)).failed).toEqual([]);

    const report = async (survey: string, since: string, until: string) =>
      (await run(['report'], { survey, since, until }, {})).data as Report;
    const csat = await report('csat', '2026-11-17', '2026-11-24');
    const csatBefore = await report('csat', '2026-11-10', '2026-11-17');
    const ces = await report('ces', '2026-11-17', '2026-11-24');
    expect([csat.responses, csatBefore.responses, ces.responses]).toEqual([40, 20, 30]);
    const change = compareShares(csat, csatBefore);
    const view = await buildDigestView(deps, { now: NOW, days: 7, locale: 'en' });
    expect(view.otherSurveys).toEqual([
      {
        kind: 'csat',
        responses: 40,
        value: csat.satisfied,
        margin: shareMargin(csat),
        change: { delta: change?.delta, significant: change?.significant },
      },
      { kind: 'ces', responses: 30, value: ces.mean, margin: meanMargin('ces', ces), change: null },
    ]);
    expect(view.responses).toBe(60); // the NPS figures are NPS responses only
  });

  it('reports an ISO week as the sum of its days', async () => {
    const week = (await run(['report'], { week: '2026-W47' }, {})).data as Report;
    const days = (await run(['report'], { since: '2026-11-16', until: '2026-11-23' }, {})).data as Report;
    expect(week).toEqual(days);
    expect(week.responses).toBe(57); // 17–22 November of this period (52 of 60) and 16 November (5 of 40)
  });

  it('emails the reader, in their language, the numbers the report gives', async () => {
    const to = [{ address: 'cfo@example.com', locale: 'nl' as const }];
    const sent = await sendDigest(deps, { now: NOW, days: 7, to });
    const view = sent.views[0];
    const [email] = await inbox(stack.sesUrl, ['cfo@example.com']);
    const html = email?.body.html ?? '';
    expect(html).toContain(`>${formatSigned(view?.nps ?? 0)}</p>`);
    expect(html).toContain(t('nl', 'digest.change.significant'));
    expect(html).toContain('<html lang="nl"');
    expect(html).not.toMatch(/<svg|<img/);
  });

  it('sends the scheduled digest of a period once per reader, however often a failed run is retried', async () => {
    const to = [
      { address: 'ceo@example.com', locale: 'en' as const },
      { address: 'cmo@example.com', locale: 'sv' as const },
      { address: 'cto@example.com', locale: 'en' as const },
    ];
    const addresses = to.map((r) => r.address);
    // SES fails on the second email: the run fails after reaching one reader, and Lambda retries it.
    let calls = 0;
    const flaky = {
      send: async (command: never) => {
        if (++calls === 2)
          throw Object.assign(new Error('SES is unavailable'), { name: 'ServiceUnavailable' });
        return stack.ses.send(command);
      },
    } as unknown as typeof stack.ses;
    await expect(
      sendDigest({ ...deps, ses: flaky }, { now: NOW, days: 7, to, oncePerPeriod: true }),
    ).rejects.toThrow('SES is unavailable');
    const retried = await sendDigest(deps, { now: NOW, days: 7, to, oncePerPeriod: true });
    expect(retried.alreadySent).toEqual(['ceo@example.com']);
    expect(retried.recipients.sort()).toEqual(['cmo@example.com', 'cto@example.com']);
    const again = await sendDigest(deps, { now: NOW, days: 7, to, oncePerPeriod: true });
    expect(again.recipients).toEqual([]);
    for (const address of addresses) expect(await inbox(stack.sesUrl, [address])).toHaveLength(1);
    // `nps digest send` sends when asked, whatever the schedule did.
    await sendDigest(deps, { now: NOW, days: 7, to: [{ address: 'ceo@example.com', locale: 'en' }] });
    expect(await inbox(stack.sesUrl, ['ceo@example.com'])).toHaveLength(2);
  });

  it('takes over a reader a dead run claimed but never sent to, and leaves one being sent alone', async () => {
    const period = { since: '2026-11-17', until: '2026-11-24' };
    const claim = (address: string, minutesAgo: number) =>
      stack.ddb.send(
        new PutCommand({
          TableName: stack.table,
          Item: {
            ...digestSentKey(period.since, period.until, address),
            status: 'sending',
            claimedAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
          },
        }),
      );
    await claim('cfo.dead@example.com', 30);
    await claim('cfo.busy@example.com', 1);
    const sent = await sendDigest(deps, {
      now: NOW,
      days: 7,
      to: [
        { address: 'cfo.dead@example.com', locale: 'de' },
        { address: 'cfo.busy@example.com', locale: 'de' },
      ],
      oncePerPeriod: true,
    });
    expect(sent.period).toEqual(period);
    expect(sent.recipients).toEqual(['cfo.dead@example.com']);
    expect(sent.alreadySent).toEqual(['cfo.busy@example.com']);
  });

  it('says a week without responses has none instead of showing a zero', async () => {
    const to = [{ address: 'quiet@example.com', locale: 'de' as const }];
    const sent = await sendDigest(deps, { now: new Date('2027-02-01T07:00:00Z'), days: 7, to });
    expect(sent.views[0]).toMatchObject({ responses: 0, nps: null });
    const [email] = await inbox(stack.sesUrl, ['quiet@example.com']);
    expect(email?.body.html).toContain(t('de', 'digest.noResponses'));
    expect(email?.subject).toContain(
      t('de', 'digest.subjectEmpty', { title: 'Acme', period: '' }).split('(')[0]?.trim() ?? '',
    );
  });
});
