/**
 * Batch reads and writes that finish: DynamoDB may hand back part of a batch as unprocessed (throttling,
 * size limits), and these retry that part with backoff until it is done. Paginated reads use the SDK's own
 * `paginateQuery` / `paginateScan`.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

const MAX_ATTEMPTS = 11;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, 2 ** attempt * 25));

/** Reads items by key, 100 per request; keys not found are simply absent from the result. */
export const batchGetAll = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed keys');
      if (attempt > 0) await backoff(attempt);
      const out: BatchGetCommandOutput = await ddb.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      items.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return items;
};

/** Puts items, 25 per request. */
export const batchPut = async (
  ddb: DynamoDBDocumentClient,
  table: string,
  items: readonly object[],
): Promise<void> => {
  for (let i = 0; i < items.length; i += 25) {
    let requests: unknown[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed items');
      if (attempt > 0) await backoff(attempt);
      const out: BatchWriteCommandOutput = await ddb.send(
        new BatchWriteCommand({ RequestItems: { [table]: requests as never } }),
      );
      requests = out.UnprocessedItems?.[table];
    }
  }
};
