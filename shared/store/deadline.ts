/**
 * A request that must answer within a time budget gives every DynamoDB call it makes one deadline: the
 * client's own retries stop there too, so a slow or contended table costs the caller a refusal, not a timeout.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

interface SendOptions {
  abortSignal?: AbortSignal;
}

/** The same client, each `send` aborted once `deadline` is (its own signal, if any, still counts). */
export const withDeadline = (ddb: DynamoDBDocumentClient, deadline: AbortSignal): DynamoDBDocumentClient =>
  new Proxy(ddb, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: Parameters<DynamoDBDocumentClient['send']>[0], options?: SendOptions) =>
        target.send(command, {
          ...options,
          abortSignal: options?.abortSignal ? AbortSignal.any([deadline, options.abortSignal]) : deadline,
        });
    },
  });
