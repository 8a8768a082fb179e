/** How the commands write figures in their text output. */
import { meanMargin, type Summary, shareMargin } from '#shared/core/stats.ts';
import type { SurveyKind } from '#shared/core/survey.ts';

/** An NPS as people write it: +33, -12, 0, or n/a without responses. */
export const signed = (nps: number | null): string =>
  nps === null ? 'n/a' : `${nps > 0 ? '+' : ''}${Math.round(nps)}`;

/**
 * The headline figure of a survey kind as people read it: NPS signed with its margin; CSAT the share
 * satisfied (4–5 of 5); CES the mean ease of 1–7, where higher is easier.
 */
export const headline = (kind: SurveyKind, summary: Summary): string => {
  if (summary.responses === 0) return `${kind.toUpperCase()} n/a`;
  if (kind === 'csat')
    return `CSAT ${Math.round((summary.satisfied ?? 0) * 100)}% satisfied (4–5 of 5) ±${shareMargin(summary) ?? 'n/a'} points`;
  if (kind === 'ces')
    return `CES ${(summary.mean ?? 0).toFixed(2)} of 7, higher is easier ±${meanMargin(kind, summary) ?? 'n/a'}`;
  return `NPS ${signed(summary.nps)} ±${summary.marginOfError ?? 'n/a'}`;
};
