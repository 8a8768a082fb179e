/**
 * The one map of known errors to the console's answers (status, code, title and message in the user's
 * language, headers): a thrown ValidationError, NotFoundError, ConflictError or a spent request budget.
 */
import { RequestBudgetSpentError } from '#shared/console/request-budget.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/core/errors.ts';
import type { Scope } from './scope.ts';

export type Problem = [
  status: number,
  code: string,
  titleKey: string,
  body: string,
  headers?: Record<string, string>,
];

/** The one map of known errors to answers; anything else is a 500 (or 503) that changed nothing. */
export const problemOf = (scope: Scope, error: unknown): Problem | undefined => {
  const { t } = scope;
  if (error instanceof ValidationError)
    return error.field === 'body'
      ? [413, 'tooLarge', 'error.tooLarge.title', t('error.tooLarge.body')]
      : [400, 'invalid', 'error.invalid.title', t('error.invalid.body', { reason: error.message })];
  if (error instanceof NotFoundError)
    return [404, 'notFound', 'error.notFound.title', t('error.notFound.body')];
  if (error instanceof ConflictError)
    return [409, 'conflict', 'error.invalid.title', t('error.invalid.body', { reason: error.message })];
  if (error instanceof RequestBudgetSpentError) {
    const seconds = error.retryAfterSeconds;
    return [
      429,
      'rateLimited',
      'error.rateLimited.title',
      t('error.rateLimited.body', { seconds }),
      { 'retry-after': String(seconds) },
    ];
  }
  return undefined;
};
