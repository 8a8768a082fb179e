/**
 * Drivers: which segment values pull the NPS up or down. Each value with enough responses is compared with
 * everyone else (the overall histogram minus its own) by the two-sample z-test of `compareNps`, and the
 * p-values of all comparisons are Holm-corrected together (see `significance.ts` for why Holm). Pure.
 */
import { type Summary, summarize } from '#shared/core/stats.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { holmAdjust, twoSidedP } from './significance.ts';

const Z95 = 1.959964;

export interface SegmentHistogram {
  column: string;
  value: string;
  histogram: readonly number[];
}

export interface Driver {
  column: string;
  value: string;
  responses: number;
  nps: number | null;
  marginOfError: number | null;
  others: { responses: number; nps: number | null; marginOfError: number | null };
  /** The segment's NPS minus everyone else's, unrounded shares, one decimal. */
  difference: number;
  /** 95% confidence interval of the difference (per comparison, not simultaneous). */
  low: number;
  high: number;
  z: number;
  /** Two-sided p-value of this comparison alone. */
  p: number;
  /** Holm-adjusted over every comparison made. */
  adjustedP: number;
  /** adjustedP ≤ α: the correction supports calling it real. */
  significant: boolean;
}

/** Shares of a summary and the variance of its per-response score (+1/0/−1). */
const moments = (s: Summary) => {
  const p = s.promoters / s.responses;
  const d = s.detractors / s.responses;
  return { net: p - d, variance: p + d - (p - d) ** 2, n: s.responses };
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const precision3 = (x: number) => Number(x.toPrecision(3));

/**
 * Compares each segment value with everyone else. Values where either side has fewer than `minResponses`
 * responses are left out (and do not count as comparisons). Sorted by adjusted p, then by |difference|.
 */
export const driversOf = (
  kind: SurveyKind,
  overall: readonly number[],
  segments: readonly SegmentHistogram[],
  options: { minResponses: number; alpha?: number },
): Driver[] => {
  const alpha = options.alpha ?? 0.05;
  const compared = segments.flatMap((segment) => {
    const own = summarize(kind, segment.histogram);
    const rest = summarize(
      kind,
      overall.map((count, i) => count - (segment.histogram[i] ?? 0)),
    );
    if (own.responses < options.minResponses || rest.responses < options.minResponses) return [];
    const a = moments(own);
    const b = moments(rest);
    const difference = 100 * (a.net - b.net);
    const se = 100 * Math.sqrt(a.variance / a.n + b.variance / b.n);
    const z =
      se === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY) : difference / se;
    return [{ segment, own, rest, difference, se, z, p: twoSidedP(z) }];
  });
  const adjusted = holmAdjust(compared.map((c) => c.p));
  return compared
    .map(
      (c, i): Driver => ({
        column: c.segment.column,
        value: c.segment.value,
        responses: c.own.responses,
        nps: c.own.nps,
        marginOfError: c.own.marginOfError,
        others: { responses: c.rest.responses, nps: c.rest.nps, marginOfError: c.rest.marginOfError },
        difference: round1(c.difference),
        low: round1(c.difference - Z95 * c.se),
        high: round1(c.difference + Z95 * c.se),
        z: round2(c.z),
        p: precision3(c.p),
        adjustedP: precision3(adjusted[i] ?? 1),
        significant: (adjusted[i] ?? 1) <= alpha,
      }),
    )
    .sort((x, y) => x.adjustedP - y.adjustedP || Math.abs(y.difference) - Math.abs(x.difference));
};
