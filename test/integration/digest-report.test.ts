/**
 * The digest's numbers are `nps report`'s numbers for the same period: both read the same day counters,
 * which the real aggregator filled in DynamoDB Local. The digest that reaches the SES emulator shows them,
 * in the reader's language, and an empty week says so instead of showing zero.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduledDigest } from '#functions/send-digest.ts';
import { applyChanges } from '#shared/aggregation/apply.ts';
import type { Category, SurveyKind } from '#shared/core/survey.ts';
import { buildDigestView } from '#shared/reporting/digest.ts';
import { listReaders, subscribeReader, unsubscribeReader } from '#shared/reporting/readers.ts';
import type { Report } from '#shared/reporting/report.ts';
import { type DigestDeps, sendDigest } from '#shared/reporting/send.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { digestSentKey, feedbackPartition, readerOptOutKey } from '#shared/store/keys.ts';
import { formatSigned, t } from '#templates/index.ts';
import { run } from '../../cli/commands.ts';
import { aRecipient, aResponse } from '../support/builders.ts';
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
  const common = { waveId: 'd1', contactId: `c${i}`, kind: 'nps', locale: 'en' } as const;
  const recipient = aRecipient({ ...common, status: 'sent', sentDay, props: { region } });
  const response = aResponse({
    ...common,
    props: { region },
    status: 'committed',
    score,
    category: score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor',
    day,
    version: 1,
  });
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
    const item = aRecipient({
      waveId: 'd1',
      contactId: `x${k}`,
      kind: 'nps',
      status: 'sent',
      sentDay: '2026-11-18',
    });
    changes.push(inserted(item, changes.length + 1));
  }
  const result = await applyChanges(stack, changes);
  expect(result.failed).toEqual([]);
});

describe('the digest agrees with nps report', () => {
  it('shows the same NPS, n, margin, distribution, response rate and segments as the report for its period', async () => {
    // Expected figures worked out from the fixture by hand (scores k % 3 = 0 ? 10 : k % 11 this period,
    // k % 4 = 0 ? 9 : k % 7 the one before), not by the statistics under test:
    // this period 26 promoters, 7 passives, 27 detractors of 60: NPS −1.67 → −2;
    // adjusted Wald p' = 26.75/63, d' = 27.75/63, var = 0.8648, margin 195.9964·√(0.8648/63) = 22.96 → 23.0.
    const histogram = [4, 4, 4, 4, 4, 4, 3, 3, 4, 3, 23];
    const view = await buildDigestView(deps, { now: NOW, days: 7, locale: 'en' });
    expect(view).toMatchObject({
      periodStart: '2026-11-17',
      periodEnd: '2026-11-24',
      responses: 60,
      nps: -2,
      marginOfError: 23,
      histogram,
      responseRate: 0.75, // 60 responses of 80 sent in the period
    });
    const report = (
      await run(['report'], { since: '2026-11-17', until: '2026-11-24', segment: 'region' }, {})
    ).data as Report;
    expect(report).toMatchObject({
      responses: 60,
      promoters: 26,
      passives: 7,
      detractors: 27,
      nps: -2,
      marginOfError: 23,
      histogram,
      responseRate: 0.75,
    });
    // EU: k < 36, 16 promoters and 16 detractors of 36 → 0. US: 10 promoters, 11 detractors of 24 → −4.17 → −4,
    // shown by the report and hidden by the digest (fewer than 30 responses).
    const segments = Object.fromEntries(
      (report.segments ?? []).map((s) => [s.value, { responses: s.responses, nps: s.nps }]),
    );
    expect(segments).toEqual({ EU: { responses: 36, nps: 0 }, US: { responses: 24, nps: -4 } });
    expect(view.segments.find((s) => s.value === 'EU')).toMatchObject({ responses: 36, nps: 0 });
    expect(view.segments.find((s) => s.value === 'US')).toMatchObject({ responses: 24, nps: null });
    // The period before: 10 promoters, 30 detractors of 40 → −50. ΔNPS = −1.667 + 50 = 48.33 → 48;
    // var now 0.8831, before 0.5; se = 100·√(0.8831/60 + 0.5/40) = 18.294, z = 2.64: significant.
    const before = (await run(['report'], { since: '2026-11-10', until: '2026-11-17' }, {})).data as Report;
    expect(before).toMatchObject({ responses: 40, promoters: 10, detractors: 30, nps: -50 });
    expect(view.change).toEqual({ delta: 48, significant: true });
  });

  it('quotes the comments of NPS responses only, never another survey kind’s', async () => {
    const feedback = (
      contactId: string,
      kind: SurveyKind,
      score: number,
      category: Category,
      reason: string,
    ) =>
      aResponse({
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
      const item = aResponse({
        waveId: 'k1',
        contactId: `${kind}${i}`,
        kind,
        locale: 'en',
        props: {},
        status: 'committed',
        score,
        // CSAT 4–5 and CES 5–7 satisfied, CSAT 3 and CES 4 neutral.
        category:
          score >= (kind === 'csat' ? 4 : 5)
            ? 'promoter'
            : score === (kind === 'csat' ? 3 : 4)
              ? 'passive'
              : 'detractor',
        day,
        version: 1,
      });
      more.push(inserted(item, more.length + 1)); // a stream never repeats a position
    };
    // CSAT: 40 this period (scores cycle 1..5, extra 5s), 20 the period before. CES: 30 this period only.
    for (let k = 0; k < 40; k++) respond('csat', k, k % 3 === 0 ? 5 : (k % 5) + 1, `2026-11-${17 + (k % 7)}`);
    for (let k = 0; k < 20; k++) respond('csat', 100 + k, (k % 5) + 1, `2026-11-${10 + (k % 7)}`);
    for (let k = 0; k < 30; k++) respond('ces', k, (k % 7) + 1, `2026-11-${17 + (k % 7)}`);
    expect((await applyChanges(stack, more)).failed).toEqual([]);

    const report = async (survey: string, since: string, until: string) =>
      (await run(['report'], { survey, since, until }, {})).data as Report;
    // Worked out by hand: CSAT now rates 1…5 = [5, 5, 6, 5, 19], 24 of 40 satisfied (0.6); before
    // [4, 4, 4, 4, 4], 8 of 20 (0.4). Margin 195.9964·√(0.6·0.4/40) = 15.18 → 15.2; change +20 points,
    // se = 100·√(0.24/40 + 0.24/20) = 13.42, z = 1.49: not significant.
    // CES scores 1…7 = [5, 5, 4, 4, 4, 4, 4]: mean 115/30 = 3.83; s² = 124.17/29 = 4.2816,
    // margin 1.959964·√(4.2816/30) = 0.74; no CES the period before, so no change.
    const csat = await report('csat', '2026-11-17', '2026-11-24');
    const csatBefore = await report('csat', '2026-11-10', '2026-11-17');
    const ces = await report('ces', '2026-11-17', '2026-11-24');
    expect([csat.responses, csatBefore.responses, ces.responses]).toEqual([40, 20, 30]);
    expect(csat).toMatchObject({ satisfied: 0.6, histogram: [5, 5, 6, 5, 19] });
    expect(csatBefore).toMatchObject({ satisfied: 0.4, histogram: [4, 4, 4, 4, 4] });
    expect(ces).toMatchObject({ mean: 3.83, histogram: [5, 5, 4, 4, 4, 4, 4] });
    const view = await buildDigestView(deps, { now: NOW, days: 7, locale: 'en' });
    expect(view.otherSurveys).toEqual([
      { kind: 'csat', responses: 40, value: 0.6, margin: 15.2, change: { delta: 20, significant: false } },
      { kind: 'ces', responses: 30, value: 3.83, margin: 0.74, change: null },
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
    const to = [{ address: 'cfo@digest-report.example.com', locale: 'nl' as const }];
    const sent = await sendDigest(deps, { now: NOW, days: 7, to });
    const view = sent.views[0];
    const [email] = await inbox(stack.sesUrl, ['cfo@digest-report.example.com']);
    const html = email?.body.html ?? '';
    expect(html).toContain(`>${formatSigned(view?.nps ?? 0)}</p>`);
    expect(html).toContain(t('nl', 'digest.change.significant'));
    expect(html).toContain('<html lang="nl"');
    expect(html).not.toMatch(/<svg|<img/);
  });

  it('reports one wave per segment value from its own exact counters', async () => {
    // A second wave with three EU answers: the first wave's segments must not count them.
    const other: ItemChange[] = [];
    for (let k = 0; k < 3; k++) {
      const item = aResponse({
        waveId: 'd2',
        contactId: `o${k}`,
        kind: 'nps',
        locale: 'en',
        props: { region: 'EU' },
        status: 'committed',
        score: 10,
        category: 'promoter',
        day: '2026-11-20',
        version: 1,
      });
      await stack.ddb.send(new PutCommand({ TableName: stack.table, Item: item }));
      other.push(inserted(item, 9100 + k));
    }
    expect((await applyChanges(stack, other)).failed).toEqual([]);
    const bySegment = async (options: Record<string, string>) =>
      Object.fromEntries(
        (
          ((await run(['report'], { segment: 'region', survey: 'nps', ...options }, {})).data as Report)
            .segments ?? []
        ).map((s) => [s.value, s]),
      );
    const everywhere = await bySegment({});
    const inWave = await bySegment({ wave: 'd1' });
    const wave = (await run(['report'], { wave: 'd1', survey: 'nps' }, {})).data as Report;
    expect(inWave.EU?.responses).toBe((everywhere.EU?.responses ?? 0) - 3);
    expect(inWave.US?.responses).toBe(everywhere.US?.responses);
    expect((inWave.EU?.responses ?? 0) + (inWave.US?.responses ?? 0)).toBe(wave.responses);
    expect(inWave.EU?.promoters).toBe((everywhere.EU?.promoters ?? 0) - 3);
    const onlyOther = await bySegment({ wave: 'd2' });
    expect(Object.keys(onlyOther)).toEqual(['EU']);
    expect(onlyOther.EU).toMatchObject({ responses: 3, promoters: 3, nps: 100 });
  });

  it('gives consecutive scheduled digests consecutive complete weeks, so a Monday afternoon answer is in one', async () => {
    // An answer on Monday 23 November after the 08:00 run: the next Monday's digest (23–29 November) has it.
    const reportOf = async (since: string, until: string) =>
      (await run(['report'], { since, until }, {})).data as Report;
    const before = (await reportOf('2026-11-23', '2026-11-30')).responses;
    await add(9000, 0, '2026-11-23', 'EU');
    expect((await applyChanges(stack, changes.splice(-2))).failed).toEqual([]);
    await subscribeReader(stack, 'weekly@digest-report.example.com', 'en');
    const thisMonday = await scheduledDigest(new Date('2026-11-23T07:00:00Z'));
    const nextMonday = await scheduledDigest(new Date('2026-11-30T07:00:00Z'));
    expect(thisMonday.period).toEqual({ since: '2026-11-16', until: '2026-11-23' });
    expect(nextMonday.period).toEqual({ since: '2026-11-23', until: '2026-11-30' });
    const english = (sent: typeof thisMonday) => sent.views.find((v) => v.locale === 'en');
    expect(english(nextMonday)?.responses).toBe(before + 1);
    expect(english(nextMonday)?.responses).toBe((await reportOf('2026-11-23', '2026-11-30')).responses);
    const week = await reportOf('2026-11-16', '2026-11-23');
    expect(english(thisMonday)).toMatchObject({ responses: week.responses, nps: week.nps });
    await unsubscribeReader(stack, 'weekly@digest-report.example.com');
  });

  it('sends the scheduled digest of a period once per reader, however often a failed run is retried', async () => {
    const to = [
      { address: 'ceo@digest-report.example.com', locale: 'en' as const },
      { address: 'cmo@digest-report.example.com', locale: 'sv' as const },
      { address: 'cto@digest-report.example.com', locale: 'en' as const },
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
    expect(retried.alreadySent).toEqual(['ceo@digest-report.example.com']);
    expect(retried.recipients.sort()).toEqual([
      'cmo@digest-report.example.com',
      'cto@digest-report.example.com',
    ]);
    const again = await sendDigest(deps, { now: NOW, days: 7, to, oncePerPeriod: true });
    expect(again.recipients).toEqual([]);
    for (const address of addresses) expect(await inbox(stack.sesUrl, [address])).toHaveLength(1);
    // `nps digest send` sends when asked, whatever the schedule did.
    await sendDigest(deps, {
      now: NOW,
      days: 7,
      to: [{ address: 'ceo@digest-report.example.com', locale: 'en' }],
    });
    expect(await inbox(stack.sesUrl, ['ceo@digest-report.example.com'])).toHaveLength(2);
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
    await claim('cfo.dead@digest-report.example.com', 30);
    await claim('cfo.busy@digest-report.example.com', 1);
    const sent = await sendDigest(deps, {
      now: NOW,
      days: 7,
      to: [
        { address: 'cfo.dead@digest-report.example.com', locale: 'de' },
        { address: 'cfo.busy@digest-report.example.com', locale: 'de' },
      ],
      oncePerPeriod: true,
    });
    expect(sent.period).toEqual(period);
    expect(sent.recipients).toEqual(['cfo.dead@digest-report.example.com']);
    expect(sent.alreadySent).toEqual(['cfo.busy@digest-report.example.com']);
  });

  it('says a week without responses has none instead of showing a zero', async () => {
    const to = [{ address: 'quiet@digest-report.example.com', locale: 'de' as const }];
    const sent = await sendDigest(deps, { now: new Date('2027-02-01T07:00:00Z'), days: 7, to });
    expect(sent.views[0]).toMatchObject({ responses: 0, nps: null });
    const [email] = await inbox(stack.sesUrl, ['quiet@digest-report.example.com']);
    expect(email?.body.html).toContain(t('de', 'digest.noResponses'));
    expect(email?.subject).toContain(
      t('de', 'digest.subjectEmpty', { title: 'Acme', period: '' }).split('(')[0]?.trim() ?? '',
    );
  });

  it('lets a reader stop the digest in one click from their mailbox, and keeps nothing of them', async () => {
    const address = 'cmo.leaving@digest-report.example.com';
    await subscribeReader(stack, address, 'sv');
    const withLinks = {
      ...deps,
      baseUrl: 'https://survey.example.com/',
      consoleUrl: 'https://console.example.com/console',
    };
    await sendDigest(withLinks, { now: NOW, days: 7 });
    const [email] = await inbox(stack.sesUrl, [address]);
    const header = (name: string) =>
      email?.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
    const url = /^<(https:\/\/survey\.example\.com\/d\/[A-Za-z0-9_-]{22})>$/.exec(
      header('List-Unsubscribe') ?? '',
    )?.[1];
    expect(url).toBeDefined();
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // The same address as a visible link, in the reader's language, and the console beside it.
    expect(email?.body.html).toContain(`href="${url}"`);
    expect(email?.body.html).toContain(t('sv', 'digest.unsubscribe'));
    expect(email?.body.html).toContain('href="https://console.example.com/console"');
    expect(email?.body.text).toContain(url);

    const { route } = await import('#functions/survey-http.ts');
    const path = new URL(url ?? '').pathname;
    const call = (method: string, headers: Record<string, string> = {}, body?: string) =>
      route({
        version: '2.0',
        rawPath: path,
        rawQueryString: '',
        headers: { host: 'survey.example.com', ...headers },
        requestContext: {
          http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 't' },
        },
        ...(body !== undefined ? { body } : {}),
        isBase64Encoded: false,
      } as unknown as LambdaFunctionURLEvent) as Promise<Exclude<LambdaFunctionURLResult, string>>;
    // Opening the visible link only asks, in Swedish.
    const asked = await call('GET', { 'accept-language': 'de' });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('<html lang="sv"');
    expect((await listReaders(stack)).map((r) => r.address)).toContain(address);
    // The mailbox's one-click POST (RFC 8058) removes the reader and their token, with no redirect.
    const oneClick = { 'content-type': 'application/x-www-form-urlencoded' };
    const done = await call('POST', oneClick, 'List-Unsubscribe=One-Click');
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(t('sv', 'page.digestUnsubscribed.title'));
    expect((await listReaders(stack)).map((r) => r.address)).not.toContain(address);
    const left = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: readerOptOutKey(url?.split('/d/')[1] ?? '') }),
    );
    expect(left.Item).toBeUndefined();
    // Clicking again says the same, and a made-up token is told nothing different.
    expect((await call('POST', oneClick, 'List-Unsubscribe=One-Click')).statusCode).toBe(200);
    expect((await call('PUT')).statusCode).toBe(405);
  });
});
