/**
 * Console pages for `npm run shots`: each rendered by its own template inside the real shell, with sample
 * figures that carry the hard cases (hostile and long comments, hidden segments, empty weeks), and served to
 * Chromium with the fingerprinted stylesheet and script, so the shots look as the console does. No stack.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { activityMain } from '#functions/console/pages/activity/activity-view.ts';
import { dashboardMain } from '#functions/console/pages/dashboard/dashboard-view.ts';
import { responsesMain } from '#functions/console/pages/responses/responses-view.ts';
import { ROUTES } from '#functions/console/routes.ts';
import {
  CONSOLE_ASSETS_PATH,
  consoleAsset,
  type SafeHtml,
  shellPage,
  translator,
} from '#functions/console/ui/index.ts';
import type { Dashboard } from '#shared/reporting/dashboard.ts';
import type { FeedbackComment } from '#shared/reporting/feedback.ts';
import type { ActivityEntry } from '#shared/team/activity.ts';
import type { Locale } from '#templates/index.ts';
import { WAVE_SHOTS } from './console-waves-shots.ts';

const ORIGIN = 'http://console.shots';
const TIME_ZONE = 'Europe/Amsterdam';

/** One page of the console, as the shell renders it for a signed-in editor. */
export interface ConsoleShot {
  name: string;
  path: string;
  title: (t: ReturnType<typeof translator>) => string;
  main: (locale: Locale) => SafeHtml;
  /** Documents the page frames (an email preview): the HTML for a URL, or undefined for none. */
  frames?: (url: URL) => string | undefined;
}

const summary = (histogram: number[]) => {
  const responses = histogram.reduce((a, b) => a + b, 0);
  const promoters = (histogram[9] ?? 0) + (histogram[10] ?? 0);
  const passives = (histogram[7] ?? 0) + (histogram[8] ?? 0);
  const detractors = responses - promoters - passives;
  return { responses, promoters, passives, detractors };
};

export const sampleDashboard = (): Dashboard => {
  const histogram = [9, 4, 6, 8, 11, 17, 25, 48, 71, 97, 116];
  const weeks = [31, 0, 44, 58, 12, 61, 70, 66, 59, 81, 77, 72];
  return {
    period: { since: '2026-10-27', until: '2026-11-26' },
    previous: { since: '2026-09-27', until: '2026-10-27' },
    report: {
      kind: 'nps',
      ...summary(histogram),
      nps: 24,
      marginOfError: 7.9,
      mean: 7.6,
      satisfied: 0.5,
      histogram,
      quarantined: 7,
      sent: 1509,
      responseRate: 0.273,
    },
    previousResponses: 388,
    change: { delta: 11, significant: true },
    segments: [
      { column: 'plan', value: 'Enterprise', responses: 188, shown: true },
      { column: 'plan', value: 'Team', responses: 201, shown: true },
      { column: 'plan', value: 'Free', responses: 23, shown: false },
      {
        column: 'region',
        value: 'Nordics and Benelux, including partner-managed accounts',
        responses: 97,
        shown: true,
      },
      { column: 'region', value: '<b>DACH</b>', responses: 12, shown: false },
    ].map((s, i) => ({
      ...s,
      ...summary(histogram),
      responses: s.responses,
      nps: [31, 19, 40, 28, -5][i] ?? null,
      marginOfError: [11.2, 10.8, 30, 14.6, 40][i] ?? null,
      mean: null,
      satisfied: null,
      histogram,
      quarantined: 0,
      sent: 0,
      responseRate: null,
    })),
    minSegmentResponses: 30,
    trend: weeks.map((responses, i) => ({
      label: `2026-W${String(36 + i).padStart(2, '0')}`,
      since: '',
      until: '',
      responses,
      nps: responses === 0 ? null : ([12, 0, 18, 15, 30, 21, 19, 26, 22, 25, 13, 24][i] ?? null),
      marginOfError: responses === 0 ? null : Math.round(1000 / Math.sqrt(responses)) / 10,
      change: null,
      belowMinimum: responses < 30,
      histogram: [],
    })),
    otherSurveys: [
      { kind: 'csat', responses: 268, value: 0.86, margin: 4.2, change: { delta: 3, significant: false } },
      { kind: 'ces', responses: 143, value: 5.4, margin: 0.21, change: { delta: -0.3, significant: true } },
    ],
  };
};

export const sampleComments = (): FeedbackComment[] => [
  {
    waveId: 'w1',
    kind: 'nps',
    score: 2,
    category: 'detractor',
    locale: 'de',
    props: { plan: 'Team', region: 'DACH' },
    respondedAt: '2026-11-24T09:12:00.000Z',
    reason: '<script>alert(1)</script> Der Export bricht bei großen Dateien ab.',
    improve: 'Schnellere Exporte, bitte.',
  },
  {
    waveId: 'w1',
    kind: 'nps',
    score: 10,
    category: 'promoter',
    locale: 'nl',
    props: { plan: 'Enterprise', region: 'Nordics and Benelux, including partner-managed accounts' },
    respondedAt: '2026-11-23T15:40:00.000Z',
    referral: 'Mijn zus bij Globex in Utrecht',
  },
  {
    waveId: 'w2',
    kind: 'csat',
    score: 3,
    category: 'passive',
    locale: 'en',
    props: {},
    respondedAt: '2026-11-22T08:05:00.000Z',
    reason: `=1+1 ${'A very long comment without many spaces '.repeat(4)}${'x'.repeat(90)}`,
  },
];

export const sampleActivity = (): ActivityEntry[] => [
  {
    id: '3',
    at: '2026-11-24T10:02:00.000Z',
    who: 'anna@example.com',
    what: 'wave.created',
    detail: { wave: '01JD7T9' },
  },
  {
    id: '2',
    at: '2026-11-23T16:30:00.000Z',
    who: 'ben@example.com',
    what: 'reader.added',
    detail: { address: 'ceo@example.com' },
  },
  { id: '1', at: '2026-11-22T08:00:00.000Z', who: 'admin@example.com', what: 'contact.erased', detail: {} },
];

const t = translator;

export const CONSOLE_SHOTS: ConsoleShot[] = [
  {
    name: 'console-dashboard',
    path: '/console',
    title: (tr) => tr('nav.dashboard'),
    main: (locale) =>
      dashboardMain({
        locale,
        t: t(locale),
        form: {
          action: '/console',
          choice: '30d',
          week: '2026-W48',
          from: '2026-10-27',
          to: '2026-11-25',
          maxDays: 731,
        },
        dashboard: sampleDashboard(),
      }),
  },
  {
    name: 'console-responses',
    path: '/console/responses',
    title: (tr) => tr('nav.responses'),
    main: (locale) =>
      responsesMain({
        locale,
        t: t(locale),
        timeZone: TIME_ZONE,
        form: {
          survey: '',
          category: '',
          wave: '',
          segment: '',
          language: '',
          from: '2026-08-28',
          to: '2026-11-25',
          text: '',
        },
        waves: [
          { id: 'w1', name: 'Q4 customers' },
          { id: 'w2', name: 'Support <b>follow-up</b>' },
        ],
        segments: [
          { column: 'plan', value: 'Team', key: 'plan#Team' },
          { column: 'region', value: 'DACH', key: 'region#DACH' },
        ],
        filterQuery: 'from=2026-08-28&to=2026-11-25',
        comments: sampleComments(),
        next: 'eyJkYXkiOiIyMDI2LTExLTIyIn0',
        paged: false,
      }),
  },
  {
    name: 'console-activity',
    path: '/console/activity',
    title: (tr) => tr('nav.activity'),
    main: (locale) =>
      activityMain({ locale, t: t(locale), timeZone: TIME_ZONE, entries: sampleActivity(), paged: false }),
  },
  ...WAVE_SHOTS,
];

/** The whole document of a shot, in the shell, as an editor sees it. */
export const consoleShotHtml = (shot: ConsoleShot, locale: Locale): string => {
  const tr = t(locale);
  return shellPage({
    locale,
    t: tr,
    title: shot.title(tr),
    main: shot.main(locale),
    path: shot.path,
    csrf: 'shots',
    user: { email: 'anna@example.com', role: 'editor' },
    nav: ROUTES.filter((r) => r.nav && r.role !== 'admin').map((r) => ({
      href: r.path,
      label: tr(r.nav ?? ''),
      current: r.path === shot.path,
    })),
  });
};

/** Loads a shot's document at its console path with the console's own assets (the CSP-safe way they load). */
export const openConsoleShot = async (
  browser: Browser,
  html: string,
  path: string,
  width: number,
  frames?: ConsoleShot['frames'],
) => {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    // Headless Chromium's full-page capture leaves a sandboxed (cross-origin) frame blank: the shots frame our
    // own previews unsandboxed (they hold no script either way).
    const shown = frames ? html.replaceAll('<iframe sandbox ', '<iframe ') : html;
    if (url.pathname === path) return route.fulfill({ status: 200, contentType: 'text/html', body: shown });
    const framed = frames?.(url);
    if (framed !== undefined) return route.fulfill({ status: 200, contentType: 'text/html', body: framed });
    const asset = url.pathname.startsWith(CONSOLE_ASSETS_PATH)
      ? consoleAsset(url.pathname.slice(CONSOLE_ASSETS_PATH.length))
      : undefined;
    if (!asset) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: asset.contentType, body: asset.body });
  });
  await page.goto(`${ORIGIN}${path}`);
  return page;
};

/** Every console shot at every width, in English and German. */
export const renderConsoleShots = async (
  browser: Browser,
  dir: string,
  widths: Readonly<Record<string, number>>,
): Promise<string[]> => {
  const files: string[] = [];
  for (const shot of CONSOLE_SHOTS) {
    for (const locale of ['en', 'de'] as const) {
      for (const [device, width] of Object.entries(widths)) {
        const page = await openConsoleShot(
          browser,
          consoleShotHtml(shot, locale),
          shot.path,
          width,
          shot.frames,
        );
        const file = join(dir, `${shot.name}${locale === 'en' ? '' : `-${locale}`}-${device}.png`);
        await page.screenshot({ path: file, fullPage: true });
        await page.close();
        files.push(file);
      }
    }
  }
  return files;
};
