/**
 * The digest's insight sections in the sample digest (`npm run shots`, the e2e layout check): a week without
 * responses, weeks with too few, a significant fall and rise, a long example comment and a long source.
 */
import type { DigestInsights } from '#templates/digest-insights.ts';

export const sampleDigestInsights: DigestInsights = {
  trend: [
    { week: '2026-W41', since: '2026-10-05', responses: 0, nps: null, marginOfError: null, change: null },
    { week: '2026-W42', since: '2026-10-12', responses: 14, nps: 40, marginOfError: 33, change: null },
    { week: '2026-W43', since: '2026-10-19', responses: 96, nps: 22, marginOfError: 12, change: null },
    {
      week: '2026-W44',
      since: '2026-10-26',
      responses: 101,
      nps: 25,
      marginOfError: 11,
      change: { delta: 3, significant: false },
    },
    {
      week: '2026-W45',
      since: '2026-11-02',
      responses: 88,
      nps: -8,
      marginOfError: 13,
      change: { delta: -33, significant: true },
    },
    {
      week: '2026-W46',
      since: '2026-11-09',
      responses: 93,
      nps: 18,
      marginOfError: 12,
      change: { delta: 26, significant: true },
    },
    {
      week: '2026-W47',
      since: '2026-11-16',
      responses: 109,
      nps: 24,
      marginOfError: 11,
      change: { delta: 6, significant: false },
    },
    {
      week: '2026-W48',
      since: '2026-11-23',
      responses: 3,
      nps: 100,
      marginOfError: 40,
      change: null,
    },
  ],
  drivers: {
    comparisons: 7,
    significant: [
      {
        column: 'plan',
        value: 'Free',
        responses: 60,
        nps: -31,
        others: 42,
        othersResponses: 352,
        difference: -73,
        low: -90.2,
        high: -55.8,
      },
    ],
  },
  themes: {
    comments: 140,
    top: [
      {
        id: 'price',
        labels: { en: 'Price', nl: 'Prijs', sv: 'Pris', de: 'Preis' },
        count: 41,
        share: 0.29,
        change: { delta: 8.5, significant: true },
        example:
          'Way too expensive since the renewal, we are looking at alternatives that cost half. '.repeat(3),
      },
      {
        id: 'support',
        labels: { en: 'Support', nl: 'Klantenservice', sv: 'Kundtjänst', de: 'Support' },
        count: 22,
        share: 0.16,
        change: null,
        example: 'Support took four days to answer.',
      },
    ],
  },
  value: {
    promoters: 1250000,
    passives: 420000,
    detractors: 380000,
    atRisk: 380000,
    weightedNps: 43,
    responses: 230,
  },
  benchmarks: [
    {
      name: 'Industry average',
      score: 30,
      source: 'Vendor X B2B software benchmark 2026 (self-reported, n=812)',
      gap: -6,
      overlaps: true,
    },
  ],
};
