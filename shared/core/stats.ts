/**
 * Honest statistics of a score histogram. Pure. NPS treats each response as +1 (promoter), 0 (passive) or
 * −1 (detractor); its variance gives the margin of error and the test of a change between periods.
 */
import { categoryOf, type SurveyKind, scalePoints } from './survey.ts';

const Z95 = 1.959964;

export interface Summary {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** −100…+100 as a whole number (rounded half up), null without responses. */
  nps: number | null;
  /** 95% margin of error in NPS points (adjusted Wald), null without responses. */
  marginOfError: number | null;
  /** Mean score on the kind's scale. */
  mean: number | null;
  /** CSAT: share of 4–5; CES and NPS: share in the top category. 0…1. */
  satisfied: number | null;
  /** Counts per scale point, lowest first (11 for NPS). */
  histogram: number[];
}

export const summarize = (kind: SurveyKind, histogram: readonly number[]): Summary => {
  const points = scalePoints(kind);
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  let total = 0;
  points.forEach((score, i) => {
    const count = histogram[i] ?? 0;
    total += count * score;
    const category = categoryOf(kind, score);
    if (category === 'promoter') promoters += count;
    else if (category === 'passive') passives += count;
    else detractors += count;
  });
  const responses = promoters + passives + detractors;
  if (responses === 0) {
    return {
      responses,
      promoters,
      passives,
      detractors,
      nps: null,
      marginOfError: null,
      mean: null,
      satisfied: null,
      histogram: points.map((_, i) => histogram[i] ?? 0),
    };
  }
  return {
    responses,
    promoters,
    passives,
    detractors,
    // A whole number, as the digest shows it, so the report and the digest agree to the digit.
    nps: Math.round(npsOf(promoters, detractors, responses)),
    marginOfError: round1(adjustedWaldMargin(promoters, detractors, responses)),
    mean: round2(total / responses),
    satisfied: round4(promoters / responses),
    histogram: points.map((_, i) => histogram[i] ?? 0),
  };
};

export const npsOf = (promoters: number, detractors: number, n: number): number =>
  (100 * (promoters - detractors)) / n;

/** Variance of the per-response score (+1/0/−1) given shares p and d. */
const npsVariance = (p: number, d: number): number => p + d - (p - d) ** 2;

/** Plain Wald 95% margin in NPS points. */
export const waldMargin = (promoters: number, detractors: number, n: number): number =>
  100 * Z95 * Math.sqrt(npsVariance(promoters / n, detractors / n) / n);

/**
 * Adjusted Wald 95% margin: add 3 to n and ¾ to promoters and detractors. Better coverage than plain
 * Wald at small n and near ±100, where plain Wald claims a margin of zero.
 */
export const adjustedWaldMargin = (promoters: number, detractors: number, n: number): number =>
  waldMargin(promoters + 0.75, detractors + 0.75, n + 3);

export interface Change {
  /** Current minus previous: NPS or percentage points, or points of the scale for a mean. */
  delta: number;
  z: number;
  /** True when the change is significant at 95% (two-sided). */
  significant: boolean;
}

/** Two independent samples: z = ΔNPS / sqrt(var₁/n₁ + var₂/n₂). */
export const compareNps = (current: Summary, previous: Summary): Change | null => {
  if (current.responses === 0 || previous.responses === 0) return null;
  const share = (s: Summary) => ({
    p: s.promoters / s.responses,
    d: s.detractors / s.responses,
    n: s.responses,
  });
  const a = share(current);
  const b = share(previous);
  const delta = 100 * (a.p - a.d - (b.p - b.d));
  const se = 100 * Math.sqrt(npsVariance(a.p, a.d) / a.n + npsVariance(b.p, b.d) / b.n);
  return changeOf(delta, se, round1);
};

/** z of a difference and its standard error; ±∞ when the spread is zero but the values differ. */
const changeOf = (delta: number, se: number, digits: (x: number) => number): Change => {
  const z = se === 0 ? (delta === 0 ? 0 : Number.POSITIVE_INFINITY * Math.sign(delta)) : delta / se;
  return { delta: digits(delta), z: round2(z), significant: Math.abs(z) > Z95 };
};

/**
 * CSAT: the 95% margin of the share satisfied, in percentage points (Wald: z·√(p(1−p)/n)).
 * The share is `promoters / responses` of a CSAT summary (ratings 4–5).
 */
export const shareMargin = (s: Summary): number | null =>
  s.responses === 0
    ? null
    : round1(
        100 * Z95 * Math.sqrt(((s.promoters / s.responses) * (1 - s.promoters / s.responses)) / s.responses),
      );

/** CSAT: the change of the share satisfied in percentage points, two-sample z-test. */
export const compareShares = (current: Summary, previous: Summary): Change | null => {
  if (current.responses === 0 || previous.responses === 0) return null;
  const p = (s: Summary) => s.promoters / s.responses;
  const se =
    100 *
    Math.sqrt(
      (p(current) * (1 - p(current))) / current.responses +
        (p(previous) * (1 - p(previous))) / previous.responses,
    );
  return changeOf(100 * (p(current) - p(previous)), se, round1);
};

/** Mean and sample variance of a histogram over the kind's scale. */
const moments = (kind: SurveyKind, s: Summary) => {
  const points = scalePoints(kind);
  let sum = 0;
  let squares = 0;
  points.forEach((score, i) => {
    const count = s.histogram[i] ?? 0;
    sum += count * score;
    squares += count * score * score;
  });
  const n = s.responses;
  const mean = sum / n;
  const variance = n > 1 ? (squares - n * mean * mean) / (n - 1) : 0;
  return { mean, variance: Math.max(0, variance), n };
};

/** CES (or any mean score): the 95% margin of the mean, z·s/√n, in points of the scale. */
export const meanMargin = (kind: SurveyKind, s: Summary): number | null => {
  if (s.responses === 0) return null;
  const { variance, n } = moments(kind, s);
  return round2(Z95 * Math.sqrt(variance / n));
};

/** The change of the mean score between two periods, in points of the scale (Welch z-test). */
export const compareMeans = (kind: SurveyKind, current: Summary, previous: Summary): Change | null => {
  if (current.responses === 0 || previous.responses === 0) return null;
  const a = moments(kind, current);
  const b = moments(kind, previous);
  return changeOf(a.mean - b.mean, Math.sqrt(a.variance / a.n + b.variance / b.n), round2);
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10000) / 10000;
