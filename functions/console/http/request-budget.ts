/**
 * Each console user's budget of reads (every page and API GET) and exports (the responses CSV) per minute,
 * counted in one table item per user and window (an atomic add under a condition, expired by TTL). A
 * stolen session or a runaway script cannot page through everything or export in a loop; a person
 * clicking, and the live counts a page polls every five seconds, stay far below it.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TooManyRequestsError } from '#shared/core/errors.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import type { TableStore } from '#shared/store/table.ts';
import { userRequestBudgetKey } from '#shared/team/keys.ts';

export type BudgetKind = 'read' | 'export';

export interface RequestLimits {
  reads: number;
  exports: number;
  windowSeconds: number;
}

/** 240 reads (4 a second on average) and 5 exports a minute per user. */
export const REQUEST_LIMITS: RequestLimits = { reads: 240, exports: 5, windowSeconds: 60 };

export class RequestBudgetSpentError extends TooManyRequestsError {
  override name = 'RequestBudgetSpentError';
  constructor(retryAfterSeconds: number) {
    super(`Too many requests; try again in ${retryAfterSeconds} s`, retryAfterSeconds);
  }
}

/** Spends one request of `kind` from the user's budget; throws RequestBudgetSpentError when it is spent. */
export const spendRequestBudget = async (
  store: TableStore,
  request: { sub: string; kind: BudgetKind; now: Date },
  limits: RequestLimits = REQUEST_LIMITS,
): Promise<void> => {
  const nowSeconds = Math.floor(request.now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % limits.windowSeconds);
  const max = request.kind === 'export' ? limits.exports : limits.reads;
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: userRequestBudgetKey(request.sub, windowStart),
        UpdateExpression: 'ADD #kind :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#kind) OR #kind < :max',
        ExpressionAttributeNames: { '#kind': request.kind },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': max,
          ':expires': windowStart + limits.windowSeconds + 60,
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error))
      throw new RequestBudgetSpentError(windowStart + limits.windowSeconds - nowSeconds);
    throw error;
  }
};
