/**
 * Reading DynamoDB's refusals: the SDK throws errors told apart by `name`, and a cancelled transaction says
 * per item why in `CancellationReasons`.
 */

/** The error's name (`ConditionalCheckFailedException`, `ThrottlingException`, …), or undefined. */
export const errorName = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;

/** A single-item write whose condition did not hold. */
export const isConditionFailed = (error: unknown): boolean =>
  errorName(error) === 'ConditionalCheckFailedException';

/** Network failures that say the service is out of reach, not that the request was wrong. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Names DynamoDB gives "too much at once" and its own faults: retrying later may well work. */
const OVERLOADED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

/**
 * DynamoDB is down, out of reach or overloaded (after the client's own retries): the caller may try again
 * later (→ 503 with Retry-After), unlike a refusal of the request itself.
 */
export const isUnavailable = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { code, $fault } = error as { code?: unknown; $fault?: unknown };
  return (
    (typeof code === 'string' && UNREACHABLE.has(code)) ||
    OVERLOADED.has(errorName(error) ?? '') ||
    $fault === 'server'
  );
};

/** A transaction that was cancelled, for whatever reason. */
export const isTransactionCanceled = (error: unknown): boolean =>
  errorName(error) === 'TransactionCanceledException';

/** Why item `index` of a cancelled transaction was refused (`ConditionalCheckFailed`, `TransactionConflict`, `None`). */
export const cancellationCode = (error: unknown, index: number): string | undefined =>
  isTransactionCanceled(error)
    ? (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[index]?.Code
    : undefined;

/** Whether a conditional write was made: false when its condition did not hold; any other error is thrown. */
export const whenConditionHolds = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};
