/**
 * Answering a score page's form, as one use case: the survey endpoint parses the request and renders what
 * this returns, and nothing of the rule lives there.
 * 1. Take the score the form chose (a mis-tap on the email's link corrected on the page).
 * 2. Read the answers, each within the limit (an answer too long is handed back with what was typed).
 * 3. Commit the score and answers once, as a person's submit.
 */
import { ValidationError } from '#shared/core/errors.ts';
import { type AnsweringDeps, commitScore, type ScoreContext, withChosenScore } from './answering.ts';
import { parseAnswers, typedAnswers } from './responses.ts';

export type AnswerField = 'reason' | 'improve' | 'referral';

export type SubmitOutcome =
  /** Counted: `context` is the score as chosen on the page. */
  | { kind: 'committed'; context: ScoreContext }
  /** Nothing counted: `field` was longer than the limit; `typed` is every answer as the person wrote it. */
  | {
      kind: 'tooLong';
      context: ScoreContext;
      field: AnswerField;
      typed: Partial<Record<AnswerField, string>>;
    };

const isAnswerField = (field: string | undefined): field is AnswerField =>
  field === 'reason' || field === 'improve' || field === 'referral';

export const submitAnswers = async (
  deps: AnsweringDeps,
  link: ScoreContext,
  form: URLSearchParams,
): Promise<SubmitOutcome> => {
  const context = withChosenScore(link, form.get('score'));
  let answers: ReturnType<typeof parseAnswers>;
  try {
    answers = parseAnswers(form);
  } catch (error) {
    if (!(error instanceof ValidationError) || !isAnswerField(error.field)) throw error;
    return { kind: 'tooLong', context, field: error.field, typed: typedAnswers(form) };
  }
  await commitScore(deps, context, 'submit', answers);
  return { kind: 'committed', context };
};
