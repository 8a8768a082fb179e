/** Survey kinds, their scales and how a score falls into a category. Pure; shared by every part. */

export const SURVEY_KINDS = ['nps', 'csat', 'ces'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

export const isSurveyKind = (value: string): value is SurveyKind =>
  (SURVEY_KINDS as readonly string[]).includes(value);

export interface Scale {
  readonly min: number;
  readonly max: number;
}

/** NPS asks 0–10, CSAT 1–5 (4–5 satisfied), CES 1–7 (mean effort; higher = easier). */
export const SCALES: Readonly<Record<SurveyKind, Scale>> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

/** Every score of a kind's scale, in order. */
export const scalePoints = (kind: SurveyKind): number[] => {
  const { min, max } = SCALES[kind];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
};

export const isScore = (kind: SurveyKind, score: number): boolean =>
  Number.isInteger(score) && score >= SCALES[kind].min && score <= SCALES[kind].max;

/**
 * The category a score puts a respondent in, which picks the follow-up question.
 * NPS: 0–6 detractor, 7–8 passive, 9–10 promoter. CSAT: 1–2 unsatisfied, 3 neutral, 4–5 satisfied.
 * CES: 1–3 high effort, 4 neutral, 5–7 low effort.
 */
export type Category = 'detractor' | 'passive' | 'promoter';

export const categoryOf = (kind: SurveyKind, score: number): Category => {
  switch (kind) {
    case 'nps':
      return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
    case 'csat':
      return score >= 4 ? 'promoter' : score === 3 ? 'passive' : 'detractor';
    case 'ces':
      return score >= 5 ? 'promoter' : score === 4 ? 'passive' : 'detractor';
  }
};

/** The longest follow-up answer we keep, in characters: the page's counter and the server's check agree. */
export const MAX_ANSWER_LENGTH = 2000;
