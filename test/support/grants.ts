/**
 * A function's table grant (infra/system.ts `TableAccess`) held against what its code really calls: a
 * DynamoDB client that records every call's IAM action and partition keys (from the client's own middleware,
 * nothing stubbed), and the calls that grant would refuse in AWS.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableAccess } from '#infra/system.ts';

/** One DynamoDB call: the action IAM authorises and the partitions (or index) it touches. */
export interface Touch {
  action: string;
  partitions: string[];
  index?: string;
}

type Av = { S?: string } | undefined;
const pkOf = (key: Record<string, Av> | undefined) => key?.pk?.S ?? '?';

/** The IAM actions and partitions of one call, from its marshalled input. */
export const touchesOf = (command: string, input: Record<string, unknown>): Touch[] => {
  const action = command.replace(/Command$/, '');
  const table = (input.RequestItems ?? {}) as Record<string, unknown>;
  switch (action) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [{ action, partitions: [pkOf(input.Key as Record<string, Av>)] }];
    case 'PutItem':
      return [{ action, partitions: [pkOf(input.Item as Record<string, Av>)] }];
    case 'BatchGetItem':
      return Object.values(table).map((t) => ({
        action,
        partitions: ((t as { Keys: Record<string, Av>[] }).Keys ?? []).map(pkOf),
      }));
    case 'BatchWriteItem':
      return Object.values(table).map((requests) => ({
        action,
        partitions: (
          requests as {
            PutRequest?: { Item: Record<string, Av> };
            DeleteRequest?: { Key: Record<string, Av> };
          }[]
        ).map((r) => pkOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key)),
      }));
    case 'TransactWriteItems': {
      const names = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
      };
      return (
        input.TransactItems as Record<string, { Key?: Record<string, Av>; Item?: Record<string, Av> }>[]
      ).map((item) => {
        const [kind, op] = Object.entries(item)[0] as [
          keyof typeof names,
          { Key?: Record<string, Av>; Item?: Record<string, Av> },
        ];
        return { action: names[kind], partitions: [pkOf(op.Key ?? op.Item)] };
      });
    }
    case 'Query': {
      if (input.IndexName) return [{ action, partitions: [], index: String(input.IndexName) }];
      const placeholder = /\bpk\s*=\s*(:\w+)/.exec(String(input.KeyConditionExpression))?.[1] ?? '';
      const values = input.ExpressionAttributeValues as Record<string, Av>;
      return [{ action, partitions: [values[placeholder]?.S ?? '?'] }];
    }
    default:
      return [{ action, partitions: [] }];
  }
};

/** Whether IAM's StringLike would match: `*` is any run of characters. */
const like = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);

/** Why the grant does not allow this call, or undefined when it does. */
export const refusal = (access: TableAccess | undefined, touch: Touch): string | undefined => {
  const what = `${touch.action} ${touch.index ? `on index ${touch.index}` : touch.partitions.join(', ')}`;
  if (!access) return `${what} (no table access)`;
  if (touch.action === 'DescribeTable') return access.describe ? undefined : what;
  if (touch.index)
    return touch.action === 'Query' && access.indexes?.includes(touch.index as never) ? undefined : what;
  const grants = [access.read, access.write, access.remove].filter((g) =>
    g?.actions.includes(touch.action as never),
  );
  const allowed = touch.partitions.every((pk) => grants.some((g) => g?.partitions.some((p) => like(p, pk))));
  return grants.length > 0 && allowed ? undefined : what;
};

/** Records every call `client` makes from now on into the returned list. */
export const recordTouches = (client: DynamoDBDocumentClient): Touch[] => {
  const touches: Touch[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      touches.push(...touchesOf(String(context.commandName), args.input as Record<string, unknown>));
      return next(args);
    },
    { step: 'build', name: 'recordGrantUse' },
  );
  return touches;
};
