/**
 * The console's dashboard, Responses and Activity pages against DynamoDB Local and the real Cognito emulator:
 * the dashboard's figures against counters whose NPS, margin and change are worked out here by hand; the
 * comments newest first with every filter, escaped, exported as CSV; the comments read a page at a time
 * without gaps or repeats; the activity log newest first. A viewer reads all of it.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/console/routes.ts';
import { applyCommit, newResponse } from '#shared/answering/responses.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { readFeedbackPage } from '#shared/reporting/feedback.ts';
import {
  ALL_SCOPE,
  aggregateKey,
  dayPeriod,
  SEGMENTS_PERIOD,
  segmentScope,
  segmentValue,
  waveKey,
} from '#shared/store/keys.ts';
import { recordActivity } from '#shared/team/activity.ts';
import { pendingRecipient } from '#shared/waves/model.ts';
import {
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  serveConsole,
  startCognito,
} from '../support/console.ts';
import { useLocalStack } from '../support/stack.ts';

// Wednesday 25 November 2026, 11:00 in Amsterdam: the last 30 days are 27 October to 25 November.
const NOW = new Date('2026-11-25T10:00:00Z');
const TZ = 'Europe/Amsterdam';

let cognito: CognitoLocal;
let stack: Awaited<ReturnType<typeof useLocalStack>>;
let app: Awaited<ReturnType<typeof serveConsole>>;
let viewer: ConsoleBrowser;

const put = (Item: Record<string, unknown>) =>
  stack.ddb.send(new PutCommand({ TableName: stack.table, Item }));

/** Day counters as the aggregator keeps them: scores → counts, plus emails sent that day. */
const counters = async (scope: string, day: string, scores: Record<number, number>, sent = 0) => {
  const item: Record<string, unknown> = { ...aggregateKey('nps', scope, dayPeriod(day)), sent };
  let n = 0;
  for (const [score, count] of Object.entries(scores)) {
    item[`s${score}`] = count;
    n += count;
  }
  await put({ ...item, n });
};

const wave = (id: string, name: string) =>
  put({
    ...waveKey(id),
    type: 'wave',
    id,
    name,
    kind: 'nps',
    locale: 'en',
    product: 'Acme',
    sendAt: '2026-11-01T09:00:00.000Z',
    status: 'sent',
    recipients: 3,
    skipped: {},
    createdAt: `2026-11-01T08:00:00.000Z#${id}`,
  });

/** A response committed through the answering core's own transition, at `at`, with its written answers. */
const answered = async (o: {
  wave: string;
  contact: string;
  score: number;
  at: string;
  locale: 'en' | 'nl' | 'sv' | 'de';
  props: Record<string, string>;
  answers: { reason?: string; improve?: string; referral?: string };
}) => {
  const recipient = pendingRecipient(o.wave, 'nps', {
    contactId: o.contact,
    email: `${o.contact}@example.com`,
    name: o.contact,
    locale: o.locale,
    props: o.props,
  });
  const at = new Date(o.at);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(at);
  // Counted as the aggregator would: the comment's day has a counter.
  await stack.ddb.send(
    new UpdateCommand({
      TableName: stack.table,
      Key: aggregateKey('nps', ALL_SCOPE, dayPeriod(day)),
      UpdateExpression: 'ADD #s :one, n :one',
      ExpressionAttributeNames: { '#s': `s${o.score}` },
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
  await put({
    ...applyCommit(
      newResponse(recipient),
      { score: o.score, answers: o.answers, via: 'submit', day },
      at,
      surveyPolicy(),
    ),
  });
};

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  process.env.MIN_SEGMENT_RESPONSES = '5';
  app = await serveConsole(consoleDeps(stack, cognito, { now: () => NOW }), ROUTES);
  await addConsoleUser(cognito, 'viewer@example.com', 'viewer');
  viewer = new ConsoleBrowser(app.url);
  expect((await viewer.signIn('viewer@example.com', 'Correct-horse-9-battery')).status).toBe(303);

  // The week of 16–22 November: 10 responses on 20 November (8 promoters, 1 passive, 1 detractor), 40 emails sent.
  await counters(ALL_SCOPE, '2026-11-20', { 10: 6, 9: 2, 7: 1, 3: 1 }, 40);
  await counters(segmentScope('region', 'EU'), '2026-11-20', { 10: 6, 9: 2, 7: 1, 3: 1 });
  await counters(segmentScope('region', 'US'), '2026-11-21', { 2: 2 });
  await counters(ALL_SCOPE, '2026-11-21', { 2: 2 }, 0);
  // The week before: 5 responses on 10 November (1 promoter, 4 detractors).
  await counters(ALL_SCOPE, '2026-11-10', { 10: 1, 0: 4 }, 10);
  await put({
    ...aggregateKey('nps', ALL_SCOPE, SEGMENTS_PERIOD),
    values: new Set([segmentValue('region', 'EU'), segmentValue('region', 'US')]),
  });

  await wave('w-spring', 'Spring customers');
  await wave('w-autumn', 'Autumn <b>customers</b>');
  await answered({
    wave: 'w-autumn',
    contact: 'c1',
    score: 2,
    at: '2026-11-24T09:00:00Z',
    locale: 'de',
    props: { region: 'EU' },
    answers: { reason: HOSTILE },
  });
  await answered({
    wave: 'w-autumn',
    contact: 'c2',
    score: 10,
    at: '2026-11-23T15:00:00Z',
    locale: 'en',
    props: { region: 'US' },
    answers: { referral: 'My sister at Globex' },
  });
  await answered({
    wave: 'w-spring',
    contact: 'c3',
    score: 8,
    at: '2026-11-23T08:00:00Z',
    locale: 'nl',
    props: { region: 'EU' },
    answers: { reason: 'Prima, maar traag', improve: '=1+1' },
  });
  await answered({
    wave: 'w-spring',
    contact: 'c4',
    score: 5,
    at: '2026-11-02T12:00:00Z',
    locale: 'sv',
    props: { region: 'US' },
    answers: { reason: 'För dyrt, "alldeles"' },
  });
  await answered({
    wave: 'w-spring',
    contact: 'c5',
    score: 0,
    at: '2026-08-01T12:00:00Z',
    locale: 'en',
    props: { region: 'EU' },
    answers: { reason: 'Long ago: out of the 90 days' },
  });
});

afterAll(async () => {
  delete process.env.MIN_SEGMENT_RESPONSES;
  await app?.stop();
  await cognito?.stop();
});

/** The week of 16–22 November, and the week before it for the change. */
const WEEK_47 = '/console?period=custom&from=2026-11-16&to=2026-11-22';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the dashboard', () => {
  it('shows the period’s NPS, margin, n, response rate and a significant change, worked out by hand', async () => {
    const page = await viewer.get(WEEK_47);
    expect(page.status).toBe(200);
    const body = text(page.body);
    // 12 responses: promoters 8, detractors 1 + 2 → NPS = 100 × (8 − 3) / 12 = 41.67 → +42.
    expect(page.body).toMatch(/data-figure="nps">\+42</);
    // Adjusted Wald: p = (8 + ¾)/15, d = (3 + ¾)/15, margin = 100 × 1.959964 × √((p + d − (p − d)²)/15).
    const p = 8.75 / 15;
    const d = 3.75 / 15;
    const margin = Math.round(100 * 1.959964 * Math.sqrt((p + d - (p - d) ** 2) / 15) * 10) / 10;
    expect(body).toContain(`Margin of error (95 %): ±${margin}`);
    expect(body).toContain('Responses: 12');
    // 12 responses to 40 emails sent this period.
    expect(body).toContain('30%');
    // Previous period: 100 × (1 − 4)/5 = −60, so +42 − (−60) = +102; z = 102 / (100 × √(v₁/12 + v₂/5)) > 1.96.
    expect(page.body).toMatch(/data-figure="change">\+102</);
    expect(body).toContain('A significant change (95 %).');
    expect(body).toContain('nps report --since 2026-11-16 --until 2026-11-23');
  });

  it('hides a segment below the minimum n and draws the weekly trend and the distribution with their tables', async () => {
    const page = await viewer.get(WEEK_47);
    // EU has 10 responses (shown, +70), US 2 (hidden under the minimum of 5).
    expect(page.body).toMatch(
      /<th scope="row"><span class="muted">region:<\/span> EU<\/th><td class="num">10<\/td><td class="num">\+70 <span/,
    );
    expect(page.body).toMatch(
      /<th scope="row"><span class="muted">region:<\/span> US<\/th><td class="num">2<\/td><td class="hidden-figure">Fewer than 5 responses/,
    );
    // Week 2026-W47 (16–22 November) holds all 12: +42.
    expect(page.body).toMatch(
      /<th scope="row">2026-W47<\/th><td class="num">12<\/td><td class="num">\+42<\/td>/,
    );
    expect(page.body).toMatch(/<svg class="chart" id="trend-chart"[^>]*role="img"/);
    expect(page.body).toMatch(/<svg class="chart" id="distribution-chart"[^>]*role="img"/);
    // Score 2 has 2 responses of 12.
    expect(page.body).toMatch(/<th scope="row">2<\/th><td class="num">2<\/td><td class="num">16\.7%<\/td>/);
  });

  it('reads a chosen week and custom days, and says what is wrong with a period it cannot read', async () => {
    const standard = text((await viewer.get('/console')).body);
    expect(standard).toContain('Figures for Oct 27, 2026 – Nov 25, 2026');
    expect(standard).toContain('nps report --since 2026-10-27 --until 2026-11-26');
    const week = text((await viewer.get('/console?period=week&week=2026-W46')).body);
    expect(week).toContain('Responses: 5'); // 10 November is in week 46
    const custom = await viewer.get('/console?period=custom&from=2026-11-21&to=2026-11-21');
    expect(custom.body).toMatch(/data-figure="nps">-100</);
    const wrong = await viewer.get('/console?period=custom&from=2026-11-21&to=2026-11-01');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('The last day comes before the first day.');
    expect(wrong.body).not.toContain('data-figure="nps"');
  });

  it('is in German for a German browser', async () => {
    const page = await viewer.get(WEEK_47, { 'accept-language': 'de-DE,de;q=0.9' });
    expect(text(page.body)).toContain('Antworten: 12');
    expect(text(page.body)).toContain('Eine signifikante Veränderung (95 %).');
  });
});

describe('the responses', () => {
  const order = (html: string) =>
    [...html.matchAll(/class="comment-text" lang="([a-z]{2})">([^<]*)</g)].map((m) => m[2]);

  it('lists the last 90 days’ comments newest first, each text in its language and escaped', async () => {
    const page = await viewer.get('/console/responses');
    expect(page.status).toBe(200);
    expect(order(page.body)).toEqual([
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;',
      'My sister at Globex',
      'Prima, maar traag',
      '=1+1',
      'För dyrt, &quot;alldeles&quot;',
    ]);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('lang="de">&lt;script&gt;');
    expect(page.body).toContain('Autumn &lt;b&gt;customers&lt;/b&gt;');
    expect(page.body).toContain('region: EU');
    expect(page.body).toMatch(
      /<a class="button secondary" href="\/console\/responses\/export\.csv\?from=2026-08-28&amp;to=2026-11-25"[^>]*>Export CSV<\/a>/,
    );
  });

  it.each([
    ['category=detractor', ['&lt;script&gt;', 'För dyrt']],
    ['wave=w-spring', ['Prima', '=1+1', 'För dyrt']],
    [`segment=${encodeURIComponent('region#US')}`, ['My sister', 'För dyrt']],
    ['language=nl', ['Prima', '=1+1']],
    ['text=SISTER', ['My sister']],
    ['from=2026-11-23&to=2026-11-23', ['My sister', 'Prima', '=1+1']],
    ['from=2026-07-01&to=2026-08-31', ['Long ago']],
  ])('filters by %s', async (filter, expected) => {
    const shown = order((await viewer.get(`/console/responses?${filter}`)).body);
    expect(shown).toHaveLength(expected.length);
    for (const [i, start] of expected.entries()) expect(shown[i]?.startsWith(start)).toBe(true);
  });

  it('refuses a filter it cannot use with a 400 that names it', async () => {
    const page = await viewer.get('/console/responses?category=angry');
    expect(page.status).toBe(400);
    expect(page.body).toMatch(/id="f-category" name="category" aria-invalid="true"/);
  });

  it('exports the filtered comments as UTF-8 CSV with a BOM, CRLF lines and formulas neutralised', async () => {
    const answer = await viewer.get('/console/responses/export.csv?wave=w-spring');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="responses-/);
    const raw = Buffer.from(
      await (
        await fetch(`${app.url}/console/responses/export.csv?wave=w-spring`, {
          headers: { cookie: viewer.cookieHeader(), 'sec-fetch-site': 'same-origin' },
        })
      ).arrayBuffer(),
    );
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = raw.toString('utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFanswered_at,wave_id,wave,survey,score,category,language,reason,improve,referral,region',
    );
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.reason)).toEqual(['Prima, maar traag', 'För dyrt, "alldeles"']);
    expect(rows[0]).toMatchObject({
      wave: 'Spring customers',
      score: '8',
      category: 'passive',
      language: 'nl',
      improve: "'=1+1",
      region: 'EU',
    });
  });

  it('reads the comments a page at a time without gaps or repeats, and stops at its read budget saying how far it got', async () => {
    const store = { ddb: stack.ddb, table: stack.table };
    const query = { range: { since: '2026-07-01', until: '2026-11-26' } };
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await readFeedbackPage(store, query, { limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.comments.map((c) => c.respondedAt));
      after = page.next;
    } while (after);
    expect(seen).toEqual([
      '2026-11-24T09:00:00.000Z',
      '2026-11-23T15:00:00.000Z',
      '2026-11-23T08:00:00.000Z',
      '2026-11-02T12:00:00.000Z',
      '2026-08-01T12:00:00.000Z',
    ]);
    // Only the oldest matches; with a budget of 2 items read the first page stops on 23 November.
    const narrow = { ...query, locale: 'en' as const, text: 'long ago' };
    const short = await readFeedbackPage(store, narrow, { limit: 10, budget: 2 });
    expect(short).toMatchObject({ comments: [], searchedTo: '2026-11-23' });
    const rest = await readFeedbackPage(store, narrow, { limit: 10, after: short.next as string });
    expect(rest.comments.map((c) => c.reason)).toEqual(['Long ago: out of the 90 days']);
    expect(rest.next).toBeUndefined();
  });
});

describe('the activity log', () => {
  it('lists who did what, newest first, with each detail escaped', async () => {
    const store = { ddb: stack.ddb, table: stack.table };
    await recordActivity(store, {
      who: 'ed@example.com',
      what: 'wave.created',
      when: new Date('2026-11-20T09:00:00Z'),
      detail: { wave: 'w-spring' },
    });
    await recordActivity(store, {
      who: 'ad@example.com',
      what: 'contact.erased',
      when: new Date('2026-11-21T09:00:00Z'),
      detail: { contact: 'c9' },
    });
    await recordActivity(store, {
      who: 'ed@example.com',
      what: 'reader.added',
      when: new Date('2026-11-22T09:00:00Z'),
      detail: { address: '<b>ceo</b>@example.com' },
    });
    const page = await viewer.get('/console/activity');
    expect(page.status).toBe(200);
    const rows = [
      ...page.body.matchAll(
        /<tr><th scope="row"><time datetime="([^"]+)">[^<]*<\/time><\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
      ),
    ].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      [
        '2026-11-22T09:00:00.000Z',
        'ed@example.com',
        'added &lt;b&gt;ceo&lt;/b&gt;@example.com as a digest reader',
      ],
      ['2026-11-21T09:00:00.000Z', 'ad@example.com', 'erased a contact'],
      ['2026-11-20T09:00:00.000Z', 'ed@example.com', 'created the wave w-spring'],
    ]);
  });
});
