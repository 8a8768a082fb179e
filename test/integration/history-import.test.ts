/**
 * Twelve weeks of a peer tool's export, imported with `nps import responses --map`, flow through the real
 * DynamoDB stream and aggregator: the weekly trend equals a recount of the file week by week, a planted
 * driver is found and a planted null is not, comments in four languages fall into their themes, a second
 * import adds nothing, an export with invalid rows writes nothing, and the digest shows the trend, the
 * drivers, the themes and the benchmark gap in Dutch and in English.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { verifyAggregates } from '#shared/aggregation/recount.ts';
import { addDays, dayIn } from '#shared/core/time.ts';
import { type TrendPeriod, trendPeriods } from '#shared/insights/trend.ts';
import { type DigestDeps, sendDigest } from '#shared/reporting/send.ts';
import { formatSigned, t } from '#templates/index.ts';
import { run } from '../../cli/commands.ts';
import { inbox, pollStream, useLocalStack } from '../support/stack.ts';

const TZ = 'Europe/Amsterdam';
const LANGUAGES = ['en', 'nl', 'sv', 'de'] as const;
/** One comment per theme and language; the blocks of rows they go to are below. */
const COMMENTS: Record<string, Record<(typeof LANGUAGES)[number], string>> = {
  price: {
    en: 'Far too expensive for a team our size',
    nl: 'Veel te duur voor een team als het onze',
    sv: 'Alldeles för dyrt för ett litet team',
    de: 'Viel zu teuer für ein kleines Team',
  },
  support: {
    en: 'The support team never called back',
    nl: 'De klantenservice belde nooit terug',
    sv: 'Kundtjänsten ringde aldrig tillbaka',
    de: 'Der Kundendienst hat nie zurückgerufen',
  },
  speed: {
    en: 'Reports are painfully slow',
    nl: 'Rapporten zijn ontzettend traag',
    sv: 'Rapporterna är väldigt långsamma',
    de: 'Berichte sind quälend langsam',
  },
  reliability: {
    en: 'The app crashed twice this week',
    nl: 'De app is deze week twee keer gecrasht',
    sv: 'Appen kraschade två gånger i veckan',
    de: 'Die App ist diese Woche zweimal abgestürzt',
  },
};
/** The theme of each block of eight rows (block 3 writes no comment). */
const BLOCK_THEMES = ['price', 'support', 'speed', undefined, 'reliability'] as const;
/**
 * Scores by block: plan=free rows (every fourth) get FREE, the others one of PAID. Rows i and i + 4 share
 * a block and a plan but not a region (north is i % 8 < 4), so both regions get the very same scores.
 */
const FREE = [0, 2, 5, 7, 9];
const PAID = [
  [10, 9, 8, 10, 6],
  [9, 10, 7, 9, 10],
  [10, 10, 9, 3, 8],
];
/** In this week everyone answers like the free plan: a fall and then a rise the trend must mark. */
const BAD_WEEK = 9;

interface Row {
  email: string;
  score: number;
  day: string;
  answeredAt: string;
  comment: string;
  plan: string;
  region: string;
  language: string;
}

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let poller: StreamPoller;
let weeks: TrendPeriod[];
let rows: Row[];
let file: string;
const dir = mkdtempSync(join(tmpdir(), 'nps-history-'));

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

/** 40 rows a week for the 12 weeks before the current one, by the same 40 people every week. */
const plantedRows = (): Row[] =>
  weeks.slice(0, 12).flatMap((week, w) =>
    Array.from({ length: 40 }, (_, i): Row => {
      const block = Math.floor(i / 8);
      const free = i % 4 === 0;
      const score = free || w === BAD_WEEK ? (FREE[block] as number) : (PAID[(i % 4) - 1]?.[block] as number);
      const day = addDays(week.since, i % 7);
      const language = LANGUAGES[i % 4] as (typeof LANGUAGES)[number];
      const theme = BLOCK_THEMES[block];
      return {
        email: `person${i}@example.com`,
        score,
        day,
        // Half the rows give a date only, half a time (09:30 UTC is the same day in Amsterdam).
        answeredAt: i % 2 ? `${day}T09:30:00Z` : day,
        comment: theme ? (COMMENTS[theme]?.[language] ?? '') : '',
        plan: free ? 'free' : 'paid',
        region: i % 8 < 4 ? 'north' : 'south',
        language,
      };
    }),
  );

/** The peer tool's export: its own header names, semicolons, a response id we leave out. */
const peerExport = (data: readonly Row[]): string =>
  [
    'Response ID;Person Email;Rating;Comment;Created At;Plan;Region;Language',
    ...data.map((r, k) =>
      [`r${k}`, r.email, r.score, quote(r.comment), r.answeredAt, r.plan, r.region, r.language].join(';'),
    ),
  ].join('\r\n');

const MAP = 'email="Person Email",score=Rating,answered_at="Created At",locale=Language';

const importFile = (path: string) =>
  run(['import', 'responses', path], { map: MAP, ignore: 'Response ID' }, {});

/** Waits until the aggregator has applied every change: the counters equal a recount. */
const settled = async () => {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const verification = await verifyAggregates(stack);
    if (verification.ok) return verification;
    if (Date.now() > deadline)
      throw new Error(`aggregates never matched: ${JSON.stringify(verification.differences.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 300));
  }
};

beforeAll(async () => {
  stack = await useLocalStack();
  const { aggregate } = await import('#functions/aggregate-responses.ts');
  poller = await pollStream(stack, 'aggregateResponses', ((event) =>
    aggregate(event as DynamoDBStreamEvent)) as Handler);
  weeks = trendPeriods('week', 13, dayIn(TZ, new Date()));
  rows = plantedRows();
  file = join(dir, 'peer-export.csv');
  writeFileSync(file, peerExport(rows));
}, 60_000);

afterAll(async () => {
  await poller?.stop();
});

describe('importing a peer tool’s export', () => {
  it('imports every row through the stream, counted on the day it was answered', async () => {
    const first = await importFile(file);
    expect(first.exitCode ?? 0).toBe(0);
    expect(first.data).toMatchObject({ rows: 480, imported: 480, updated: 0, unchanged: 0, skipped: [] });
    const verification = await settled();
    expect(verification.responses).toBe(480);
    // DynamoDB Local on a busy machine writes a few dozen items a second: 960 items and their stream.
  }, 240_000);

  it('gives a weekly trend equal to a recount of the file, week by week, with the fall and rise marked', async () => {
    const { data } = await run(['report'], { trend: 'week', weeks: '13' }, {});
    const trend = (
      data as {
        trend: {
          week: string;
          responses: number;
          nps: number | null;
          marginOfError: number | null;
          change: { significant: boolean } | null;
        }[];
      }
    ).trend;
    expect(trend.map((p) => p.week)).toEqual(weeks.map((w) => w.label));
    for (const [w, week] of weeks.entries()) {
      const mine = rows.filter((r) => r.day >= week.since && r.day < week.until);
      const promoters = mine.filter((r) => r.score >= 9).length;
      const detractors = mine.filter((r) => r.score <= 6).length;
      const n = mine.length;
      // Adjusted Wald: add 3 to n and ¾ to promoters and detractors; margin = 1.959964·√(var/n′) in points.
      const p = (promoters + 0.75) / (n + 3);
      const d = (detractors + 0.75) / (n + 3);
      const margin = Math.round(1000 * 1.959964 * Math.sqrt((p + d - (p - d) ** 2) / (n + 3))) / 10;
      expect(trend[w]).toMatchObject(
        n === 0
          ? { responses: 0, nps: null, marginOfError: null }
          : { responses: n, nps: Math.round((100 * (promoters - detractors)) / n), marginOfError: margin },
      );
    }
    // A normal week: 22 promoters, 8 passives, 10 detractors of 40 (+30); the bad week 8, 8, 24 (−40).
    expect(trend[BAD_WEEK - 1]?.nps).toBe(30);
    expect(trend[BAD_WEEK]?.nps).toBe(-40);
    const marked = trend.map((p, w) => (p.change?.significant ? w : -1)).filter((w) => w >= 0);
    expect(marked).toEqual([BAD_WEEK, BAD_WEEK + 1]);
  });

  it('finds the planted driver and not the planted null', async () => {
    const { data } = await run(['report'], { drivers: true }, {});
    const { drivers, correction } = data as {
      drivers: {
        column: string;
        value: string;
        significant: boolean;
        difference: number;
        responses: number;
      }[];
      correction: { method: string; comparisons: number };
    };
    const by = (value: string) => drivers.find((d) => d.value === value);
    // free: 12 weeks × (2 promoters, 2 passives, 6 detractors) = −40 against the paid plan's +45.
    expect(by('free')).toMatchObject({ column: 'plan', responses: 120, significant: true });
    expect(by('free')?.difference).toBeLessThan(-60);
    expect(by('north')).toMatchObject({
      column: 'region',
      responses: 240,
      difference: 0,
      significant: false,
    });
    expect(by('south')).toMatchObject({ difference: 0, significant: false });
    expect(correction).toMatchObject({ method: 'holm', comparisons: 4 });
  });

  it('puts the comments of all four languages in their themes', async () => {
    // The last four weeks: 8 rows a week per theme block, 2 in each language.
    const since = weeks[8]?.since as string;
    const until = weeks[12]?.since as string;
    const { data } = await run(['report'], { themes: true, since, until }, {});
    const report = data as {
      comments: number;
      previousComments: number;
      themes: { id: string; count: number; previous: { count: number } }[];
    };
    expect([report.comments, report.previousComments]).toEqual([128, 128]);
    const counts = Object.fromEntries(report.themes.map((th) => [th.id, [th.count, th.previous.count]]));
    expect(counts).toEqual({
      price: [32, 32],
      support: [32, 32],
      speed: [32, 32],
      reliability: [32, 32],
    });
  });

  it('adds nothing when the same file is imported again', async () => {
    const again = await importFile(file);
    expect(again.data).toMatchObject({ rows: 480, imported: 0, updated: 0, unchanged: 480 });
    const verification = await settled();
    expect(verification.responses).toBe(480);
  });

  it('writes nothing from an export with invalid rows, and lists every one with its line', async () => {
    const broken = join(dir, 'broken.csv');
    const bad = rows.slice(0, 5).map((r) => ({ ...r, email: r.email.replace('person', 'new') }));
    if (bad[1]) bad[1].score = 11;
    if (bad[3]) bad[3].answeredAt = '03/09/2026';
    writeFileSync(broken, peerExport(bad));
    const result = await importFile(broken);
    expect(result.exitCode).toBe(1);
    expect(result.data).toMatchObject({
      imported: 0,
      invalid: 2,
      rows: [
        { line: 3, reason: 'score "11" is not a whole number from 0 to 10' },
        { line: 5, reason: expect.stringMatching(/^answered_at "03\/09\/2026" is not an ISO 8601 date/) },
      ],
    });
    expect(result.text).toContain('line 3: score "11"');
    expect((await verifyAggregates(stack)).responses).toBe(480);
  });
});

describe('the digest of imported history', () => {
  it('shows the trend, the drivers, the themes and the benchmark gap, in Dutch and in English', async () => {
    await run(['benchmark', 'set', 'Industry average', '20'], { source: 'Example benchmark study 2026' }, {});
    const deps: DigestDeps = {
      ddb: stack.ddb,
      ses: stack.ses,
      table: stack.table,
      fromAddress: 'surveys@example.com',
      configurationSet: undefined,
      timeZone: TZ,
      minSegmentResponses: 30,
      title: 'Acme',
    };
    // Sunday noon of the last imported week: the 28-day period is its last four weeks.
    const now = new Date(`${addDays(weeks[11]?.until as string, -1)}T12:00:00Z`);
    const to = [
      { address: 'cfo.history@example.com', locale: 'nl' as const },
      { address: 'ceo.history@example.com', locale: 'en' as const },
    ];
    const sent = await sendDigest(deps, { now, days: 28, to });
    const view = sent.views[0];
    expect(view?.trend?.map((w) => w.week)).toEqual(weeks.slice(4, 12).map((w) => w.label));
    expect(view?.drivers?.significant.map((d) => d.value)).toContain('free');
    expect(view?.drivers?.significant.map((d) => d.value)).not.toContain('north');
    expect(view?.themes?.top.map((th) => th.id).sort()).toEqual(['price', 'reliability', 'speed', 'support']);
    // Four weeks: 22+8+22+22 promoters and 10+24+10+10 detractors of 160: NPS (74 − 54)/160 = +12.5 → +13.
    expect(view?.nps).toBe(13);
    expect(view?.benchmarks).toEqual([
      {
        name: 'Industry average',
        score: 20,
        source: 'Example benchmark study 2026',
        gap: -7,
        overlaps: true,
      },
    ]);
    for (const { address, locale } of to) {
      const [email] = await inbox(stack.sesUrl, [address]);
      const html = email?.body.html ?? '';
      const text = email?.body.text ?? '';
      expect(html).toContain(`<html lang="${locale}"`);
      for (const key of ['digest.trend', 'digest.drivers', 'digest.themes', 'digest.benchmarks'])
        expect(html).toContain(t(locale, key));
      // The trend: signed NPS per week in text, the bad week's fall and the rise after it marked.
      expect(html).toContain('<strong>+30</strong>');
      expect(html).toContain('<strong>-40</strong>');
      expect(html).toContain('▼');
      expect(html).toContain('▲');
      expect(html).toContain(`plan = free: ${formatSigned(-40)}`);
      expect(html).toContain(locale === 'nl' ? 'Prijs' : 'Price');
      expect(html).toContain('Example benchmark study 2026');
      expect(text).toContain(t(locale, 'digest.trend.down'));
      expect(html).not.toMatch(/<svg|<script|<img/);
    }
  });
});
