/**
 * Webhook subscriptions (`nps alert add|list|remove`): a URL that gets a POST for each response of a
 * category (detractor, passive, promoter) or each referral a promoter consents to, as JSON or as a Slack
 * message. URLs are checked before they are stored: https only where the stack runs in AWS, and never an
 * address inside the network in any spelling (a webhook must not reach the instance's credentials or a
 * private service); delivery checks the resolved addresses again (`outbound-post.ts`).
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, ValidationError } from '#shared/core/errors.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { SUBSCRIPTION_PARTITION, subscriptionKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { isLoopbackHost, refusedHost } from './outbound-address.ts';
import { subscriptionFromItem, subscriptionToItem } from './subscription-item.ts';

export const ALERT_TRIGGERS = ['detractor', 'passive', 'promoter', 'referral'] as const;
export type AlertTrigger = (typeof ALERT_TRIGGERS)[number];
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface Subscription {
  id: string;
  url: string;
  on: AlertTrigger;
  format: WebhookFormat;
  createdAt: string;
}

const MAX_URL = 2000;

/** Where webhooks may go: https only in AWS; loopback receivers only locally with WEBHOOK_ALLOW_LOOPBACK=1. */
export interface WebhookPolicy {
  httpsOnly: boolean;
  allowLoopback?: boolean;
}

/**
 * The URL as it will be called, or a ValidationError naming what is wrong with it: the one check behind the
 * console, the CLI, the stack's deploy-time webhooks and every delivery (`outbound-post.ts`).
 */
export const checkWebhookUrl = (raw: string, options: WebhookPolicy): string => {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ValidationError(`--webhook "${raw.slice(0, 80)}" is not a URL`, { field: 'webhook' });
  }
  if (raw.length > MAX_URL) throw new ValidationError(`--webhook is longer than ${MAX_URL} characters`);
  const loopback = Boolean(options.allowLoopback) && !options.httpsOnly && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !options.httpsOnly))
    throw new ValidationError(
      `--webhook must be an https URL${options.httpsOnly ? '' : ' (or http locally)'}`,
      { field: 'webhook' },
    );
  if (url.username || url.password)
    throw new ValidationError('--webhook must not carry a user name or password', { field: 'webhook' });
  const refused = loopback ? undefined : refusedHost(url.hostname);
  if (refused)
    throw new ValidationError(
      `--webhook must not point inside the network (loopback, private, link-local, CGNAT or metadata): ${refused}`,
      { field: 'webhook' },
    );
  return url.toString();
};

export const addSubscription = async (
  store: TableStore,
  input: { url: string; on: string; format?: string },
  options: WebhookPolicy & { now: Date },
): Promise<Subscription> => {
  const on = ALERT_TRIGGERS.find((t) => t === input.on);
  if (!on)
    throw new ValidationError(`--on must be one of ${ALERT_TRIGGERS.join(', ')}, not "${input.on}"`, {
      field: 'on',
    });
  const format = WEBHOOK_FORMATS.find((f) => f === (input.format ?? 'json'));
  if (!format)
    throw new ValidationError(`--format must be json or slack, not "${input.format}"`, { field: 'format' });
  const subscription: Subscription = {
    id: randomUUID().slice(0, 8),
    url: checkWebhookUrl(input.url, options),
    on,
    format,
    createdAt: options.now.toISOString(),
  };
  await store.ddb.send(
    new PutCommand({
      TableName: store.table,
      Item: subscriptionToItem(subscription),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return subscription;
};

export const listSubscriptions = async (store: TableStore): Promise<Subscription[]> => {
  const found: Subscription[] = [];
  for await (const page of paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SUBSCRIPTION_PARTITION },
    },
  ))
    found.push(...(page.Items ?? []).map(subscriptionFromItem));
  return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
};

export const removeSubscription = async (store: TableStore, id: string): Promise<void> => {
  try {
    await store.ddb.send(
      new DeleteCommand({
        TableName: store.table,
        Key: subscriptionKey(id),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw new NotFoundError(`No alert subscription ${id}; see nps alert list`);
    throw error;
  }
};
