/**
 * Sample emails as readers get them, for the screenshots, the accessibility test and the deliverability
 * judge: the survey email of each kind filled for one recipient the way SES fills it, and a digest that
 * carries the hard cases (long segment names, hostile and foreign-language comments, hidden segments).
 */
import type { SurveyKind } from '#shared/core/survey.ts';
import {
  alertEmail,
  type DigestView,
  type Locale,
  surveyEmail,
  surveyTemplateData,
} from '#templates/index.ts';
import { fillTemplate } from '#templates/previews.ts';
import { sampleDigestInsights } from './digest-insights-sample.ts';

export const SAMPLE_PRODUCT = 'Acme Cloud';
export const SAMPLE_BASE_URL = 'https://survey.acme-cloud.example';
export const SAMPLE_CONSOLE_URL = 'https://nps.acme-cloud.example/console';

/** A recipient per language, named as an audience file would name them (full name; the email greets the first). */
export const SAMPLE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'Jane Doe',
  nl: 'Anna de Vries',
  sv: 'Åsa Lindström',
  de: 'Anna Müller',
};

export const sampleDigestView = (locale: Locale = 'en'): DigestView => ({
  locale,
  title: 'Acme Cloud — EMEA customers',
  periodStart: '2026-11-16',
  periodEnd: '2026-11-23',
  responses: 412,
  nps: 24,
  marginOfError: 8,
  change: { delta: 11, significant: true },
  histogram: [9, 4, 6, 8, 11, 17, 25, 48, 71, 97, 116],
  responseRate: 0.273,
  segments: [
    { column: 'plan', value: 'Enterprise', responses: 188, nps: 31 },
    { column: 'plan', value: 'Team', responses: 201, nps: 19 },
    { column: 'plan', value: 'Free', responses: 23, nps: null },
    {
      column: 'region',
      value: 'Nordics and Benelux, including partner-managed accounts',
      responses: 97,
      nps: 28,
    },
    { column: 'region', value: 'DACH', responses: 12, nps: null },
  ],
  minSegmentResponses: 30,
  detractorComments: [
    {
      score: 2,
      text: 'Exports time out on anything over 50k rows. We lost a day to it.',
      locale: 'en',
      wave: 'Q4 customers',
      segment: ['plan: Enterprise', 'region: Nordics and Benelux'],
    },
    {
      score: 5,
      text: 'Der Support antwortet schnell, aber die Rechnungen sind unübersichtlich.',
      locale: 'de',
      wave: 'Q4 customers',
      segment: ['plan: Team', 'region: DACH'],
    },
    {
      score: 4,
      locale: 'en',
      wave: 'Onboarding follow-up',
      text: `<b>Support</b> took four days to answer. ${'Very long comment without spaces '.repeat(3)}${'x'.repeat(120)}`,
    },
  ],
  promoterReferrals: [
    {
      score: 10,
      text: 'Told our sister company in Utrecht about it; they signed up last week.',
      locale: 'nl',
      wave: 'Q4 customers',
      segment: ['plan: Enterprise'],
      consent: true,
    },
  ],
  quarantined: 7,
  otherSurveys: [
    { kind: 'csat', responses: 268, value: 0.86, margin: 4.2, change: { delta: 3, significant: false } },
    { kind: 'ces', responses: 143, value: 5.4, margin: 0.21, change: { delta: 0.3, significant: true } },
  ],
  ...sampleDigestInsights,
  unsubscribeUrl: `${SAMPLE_BASE_URL}/d/Qm9hcmRSZWFkZXJTYW1wbGU`,
  consoleUrl: SAMPLE_CONSOLE_URL,
});

/** The survey email's template as the sender hands it to SES, and the same filled for the sample recipient. */
export const sampleSurvey = (kind: SurveyKind, locale: Locale) => {
  const template = surveyEmail({ kind, locale, baseUrl: SAMPLE_BASE_URL, product: SAMPLE_PRODUCT });
  const data = surveyTemplateData({
    token: 'k1.r.01JD0SAMPLEWAVE.0f1e2d3c4b5a69788796a5b4c3d2e1f0.mz3k1a.Zm9yLXNhbXBsZS1vbmx5',
    unsubscribeToken: 'k1.u.01JD0SAMPLEWAVE.0f1e2d3c4b5a69788796a5b4c3d2e1f0.n0q2b8.c2FtcGxlLXRva2VuLXU',
    name: SAMPLE_NAMES[locale],
  });
  return {
    template,
    data,
    filled: {
      subject: fillTemplate(template.subject, data),
      html: fillTemplate(template.html, data),
      text: fillTemplate(template.text, data),
    },
  };
};

export const surveyHtml = (locale: Locale = 'en', kind: SurveyKind = 'nps'): string =>
  sampleSurvey(kind, locale).filled.html;

/** The owner alert an account manager gets about a detractor, in the owner's language. */
export const alertHtml = (locale: Locale = 'en'): string =>
  alertEmail({
    locale,
    kind: 'detractor',
    survey: 'nps',
    score: 2,
    product: SAMPLE_PRODUCT,
    waveName: 'Q4 customers',
    contact: {
      email: 'kim.jansen@customer-one.example',
      name: 'Kim Jansen',
      locale: 'nl',
      props: { plan: 'Enterprise', region: 'Benelux' },
    },
    answers: {
      reason: 'The export broke our month end, twice.',
      improve: 'Test the exports before a release, and tell us when something changes.',
    },
    consoleUrl: SAMPLE_CONSOLE_URL,
  }).html;
