/** The webhook subscription as stored, `ALERTSUB / SUB#id`: its key, its item and its validating read. */
import { type Item, itemReader } from '#shared/store/item.ts';
import { subscriptionKey } from '#shared/store/keys.ts';
import { ALERT_TRIGGERS, type Subscription, WEBHOOK_FORMATS } from './subscriptions.ts';

export { SUBSCRIPTION_PARTITION, subscriptionKey } from '#shared/store/keys.ts';

export const subscriptionToItem = (subscription: Subscription) => ({
  ...subscriptionKey(subscription.id),
  ...subscription,
});

/** A stored subscription, checked field by field; throws MalformedItemError on a malformed one. */
export const subscriptionFromItem = (item: Item): Subscription => {
  const r = itemReader('alert subscription', item);
  return {
    id: r.string('id'),
    url: r.string('url'),
    on: r.oneOf('on', ALERT_TRIGGERS),
    format: r.oneOf('format', WEBHOOK_FORMATS),
    createdAt: r.string('createdAt'),
  };
};
