/**
 * The one map from the domain's errors to HTTP (as middy's http-error-handler keeps one): every public
 * endpoint, the survey pages and the console alike, asks `problemOf` what a thrown error means for the
 * caller, then words it in its own page or JSON. Anything not in the map is a fault of ours: 500, and
 * nothing of it is shown (`expose: false`).
 */
import {
  ConflictError,
  InvalidLinkError,
  NotFoundError,
  TooManyRequestsError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '#shared/core/errors.ts';
import { isUnavailable } from '#shared/store/conditions.ts';

export type ProblemCode =
  | 'invalid'
  | 'tooLarge'
  | 'unsupported'
  | 'invalidLink'
  | 'expired'
  | 'notFound'
  | 'conflict'
  | 'busy'
  | 'unavailable'
  | 'internal';

export interface Problem {
  status: number;
  code: ProblemCode;
  /** Whether the error's own message may be shown to the caller (it names a field, a line, a rule). */
  expose: boolean;
  headers: Record<string, string>;
  /** The field a ValidationError named, if any. */
  field?: string;
}

/** How long a caller told "busy" or "unavailable" should wait before trying again. */
export const RETRY_AFTER_SECONDS = 60;

const problem = (
  status: number,
  code: ProblemCode,
  expose: boolean,
  headers: Record<string, string> = {},
) => ({
  status,
  code,
  expose,
  headers,
});

export const problemOf = (error: unknown): Problem => {
  if (error instanceof ValidationError) {
    const field = error.field !== undefined ? { field: error.field } : {};
    // An error on the body itself: the request was larger than the endpoint reads.
    if (error.field === 'body') return { ...problem(413, 'tooLarge', false), ...field };
    return { ...problem(400, 'invalid', true), ...field };
  }
  if (error instanceof UnsupportedMediaTypeError)
    return problem(415, 'unsupported', false, { accept: error.accept });
  if (error instanceof InvalidLinkError)
    return error.reason === 'expired' ? problem(410, 'expired', false) : problem(400, 'invalidLink', false);
  if (error instanceof NotFoundError) return problem(404, 'notFound', false);
  if (error instanceof ConflictError) return problem(409, 'conflict', true);
  if (error instanceof TooManyRequestsError)
    return problem(429, 'busy', false, { 'retry-after': String(error.retryAfterSeconds) });
  if (error instanceof UnavailableError || isUnavailable(error))
    return problem(503, 'unavailable', false, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  return problem(500, 'internal', false);
};
