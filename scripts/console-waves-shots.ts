/**
 * Shots of the console's waves, wave, New wave (checked and refused), digest readers and contacts pages, each
 * rendered by its page's own markup with sample figures that carry the hard cases (a markup name, a long name,
 * a hidden segment, every skip reason), the previews framed as the console frames them. No stack.
 */

import { contactsMain } from '#functions/console/pages/contacts/contacts.ts';
import { type CheckResult, PREVIEW_PATH, waveForm } from '#functions/console/pages/new-wave/new-wave-view.ts';
import { readersMain } from '#functions/console/pages/readers/readers.ts';
import { waveMain } from '#functions/console/pages/wave/wave.ts';
import { wavesMain } from '#functions/console/pages/waves/waves.ts';
import { translator } from '#functions/console/ui/index.ts';
import { isLocale, type Locale } from '#templates/index.ts';
import { digestPreview, surveyEmailPreview } from '#templates/previews.ts';
import type { Wave } from '../shared/waves/model.ts';
import type { WaveSegments, WaveStatus } from '../shared/waves/status.ts';
import type { ConsoleShot } from './console-shots.ts';
import { sampleDigestView } from './screenshots.ts';

const status = (o: Partial<WaveStatus> & Pick<WaveStatus, 'id' | 'name'>): WaveStatus => ({
  survey: 'nps',
  status: 'sent',
  sendAt: '2026-11-16T08:00:00.000Z',
  recipients: 1200,
  sent: 1163,
  failed: 2,
  skipped: { duplicate: 9, invalid: 0, fatigue: 21, unsubscribed: 4, bounced: 1 },
  responses: 0,
  quarantined: 0,
  reminded: 0,
  nps: null,
  marginOfError: null,
  histogram: Array.from({ length: 11 }, () => 0),
  ...o,
});

const HISTOGRAM = [9, 4, 6, 8, 11, 17, 25, 48, 71, 97, 116];

export const sampleWaves = (): WaveStatus[] => [
  status({
    id: '01JD7T9Q4M2N8P6R3S5T7V9W1X',
    name: 'Q4 customers — EMEA <b>enterprise</b> accounts, renewals due before March',
    responses: 412,
    quarantined: 7,
    nps: 24,
    marginOfError: 7.9,
    histogram: HISTOGRAM,
  }),
  status({
    id: '01JD7T9Q4M2N8P6R3S5T7V9W2Y',
    name: 'Support follow-up',
    survey: 'csat',
    status: 'sending',
    sent: 310,
    responses: 57,
    nps: 40,
    marginOfError: 12,
    histogram: [3, 5, 9, 17, 23],
  }),
  status({
    id: '01JD7T9Q4M2N8P6R3S5T7V9W3Z',
    name: 'Onboarding effort',
    survey: 'ces',
    status: 'scheduled',
    sendAt: '2026-12-01T08:00:00.000Z',
    sent: 0,
    failed: 0,
    skipped: {},
  }),
  status({
    id: '01JD7T9Q4M2N8P6R3S5T7V9W40',
    name: 'Spring pilot',
    status: 'cancelled',
    sent: 0,
    failed: 0,
    skipped: {},
  }),
];

const sampleWave = (): Wave => ({
  id: '01JD7T9Q4M2N8P6R3S5T7V9W1X',
  name: 'Q4 customers — EMEA <b>enterprise</b> accounts',
  kind: 'nps',
  locale: 'en',
  product: 'Acme Cloud',
  sendAt: '2026-11-16T08:00:00.000Z',
  every: 'P90D',
  spreadDays: 0.5,
  status: 'sent',
  recipients: 1200,
  skipped: { duplicate: 9 },
  createdAt: '2026-11-15T16:00:00.000Z',
});

const sampleSegments = (): WaveSegments => {
  const segment = (
    column: string,
    value: string,
    histogram: number[],
    nps: number,
    margin: number,
    shown = true,
  ) => {
    const responses = histogram.reduce((a, b) => a + b, 0);
    return {
      column,
      value,
      responses,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: shown ? nps : null,
      marginOfError: shown ? margin : null,
      mean: null,
      satisfied: null,
      histogram,
      quarantined: 0,
      shown,
    };
  };
  return {
    read: 412,
    complete: true,
    segments: [
      segment('plan', 'Enterprise', [2, 1, 2, 3, 4, 8, 10, 20, 30, 50, 58], 31, 11.2),
      segment('plan', 'Free', [1, 0, 1, 1, 2, 1, 3, 2, 4, 3, 5], 0, 0, false),
      segment(
        'region',
        'Nordics and Benelux, including partner-managed accounts',
        [1, 1, 1, 2, 2, 3, 5, 10, 20, 20, 32],
        28,
        14.6,
      ),
    ],
  };
};

const CHECKED: CheckResult = {
  kind: 'valid',
  file: 'q4-customers.csv',
  recipients: 1200,
  skipped: { duplicate: 9, erased: 1 },
  languages: [
    { locale: 'en', recipients: 610 },
    { locale: 'sv', recipients: 240 },
    { locale: 'de', recipients: 350 },
  ],
};

const REFUSED: CheckResult = {
  kind: 'problems',
  file: 'q4-customers.csv',
  rows: [
    { line: 3, reason: 'email is not a valid address' },
    { line: 17, reason: 'locale "xx" is not supported' },
    { line: 245, reason: 'name is longer than 200 characters' },
    { line: 1022, reason: '7 fields, the header has 5' },
  ],
  more: 0,
};

const formShot = (name: string, check: CheckResult): ConsoleShot => ({
  name,
  path: '/console/waves/new',
  title: (t) => t('newWave.title'),
  main: (locale) =>
    waveForm({
      t: translator(locale),
      locale,
      csrf: 'shots',
      values: {
        name: 'Q4 customers',
        kind: 'nps',
        product: 'Acme Cloud',
        locale,
        start: 'at',
        at: '2026-12-01T09:00',
        zone: 'Europe/Amsterdam',
        every: '90',
        spread: '12',
        spreadUnit: 'hours',
        alertTo: 'customer-success@acme-cloud.example',
        remindAfter: '3',
        remindUnit: 'days',
      },
      zones: ['Europe/Amsterdam', 'Europe/Berlin', 'Europe/Stockholm', 'UTC'],
      problems: {},
      check,
    }),
  frames: (url) => {
    const locale = url.searchParams.get('locale') ?? '';
    if (url.pathname !== PREVIEW_PATH || !isLocale(locale)) return undefined;
    return surveyEmailPreview({
      kind: 'nps',
      locale,
      baseUrl: 'https://survey.example.com',
      product: 'Acme Cloud',
    });
  },
});

export const WAVE_SHOTS: ConsoleShot[] = [
  {
    name: 'console-waves',
    path: '/console/waves',
    title: (t) => t('nav.waves'),
    main: (locale) =>
      wavesMain({
        t: translator(locale),
        locale,
        zone: 'Europe/Amsterdam',
        waves: sampleWaves(),
        editor: true,
      }),
  },
  {
    name: 'console-wave',
    path: '/console/waves/01JD7T9Q4M2N8P6R3S5T7V9W1X',
    title: () => sampleWave().name,
    main: (locale) =>
      waveMain({
        t: translator(locale),
        locale,
        zone: 'Europe/Amsterdam',
        wave: sampleWave(),
        status: sampleWaves()[0] as WaveStatus,
        segments: sampleSegments(),
        minResponses: 30,
        canCancel: false,
      }),
  },
  formShot('console-new-wave', CHECKED),
  formShot('console-new-wave-refused', REFUSED),
  {
    name: 'console-readers',
    path: '/console/readers',
    title: (t) => t('nav.readers'),
    main: (locale) =>
      readersMain({
        t: translator(locale),
        locale,
        csrf: 'shots',
        editor: true,
        readers: [
          { address: 'ceo@example.com', locale: 'en' },
          { address: 'vd.sverige@example.se', locale: 'sv' },
          { address: 'geschaeftsfuehrung.dach.und.benelux@example.de', locale: 'de' },
        ],
        previewLocale: locale,
        done: { kind: 'sent', n: 3 },
      }),
    frames: (url) => {
      const locale = url.searchParams.get('locale') ?? '';
      return url.pathname === '/console/readers/preview' && isLocale(locale)
        ? digestPreview(sampleDigestView(locale as Locale))
        : undefined;
    },
  },
  {
    name: 'console-contacts',
    path: '/console/contacts',
    title: (t) => t('nav.contacts'),
    main: (locale) =>
      contactsMain({
        t: translator(locale),
        locale,
        csrf: 'shots',
        query: new URLSearchParams({
          erased: '',
          waves: '2',
          removed: 'contact:1,recipient:2,response:1,reader:1',
        }),
      }),
  },
];
