/** `nps alert …`: webhooks that get a POST for each response of a category, or each referral. */
import {
  ALERT_TRIGGERS,
  addSubscription,
  listSubscriptions,
  removeSubscription,
  WEBHOOK_FORMATS,
} from '#shared/alerts/subscriptions.ts';
import { webhookPolicy } from '#shared/core/config.ts';
import { command, group } from '../command.ts';

const add = command({
  name: 'add',
  summary: 'POST each response of a category (or each referral) to a URL, as JSON or a Slack message',
  options: {
    webhook: { type: 'string', value: 'URL', required: true, help: 'where to POST (https)' },
    on: { type: 'string', value: ALERT_TRIGGERS.join('|'), required: true, help: 'which responses' },
    format: { type: 'string', value: WEBHOOK_FORMATS.join('|'), help: 'json (default) or slack' },
  },
  run: async ({ options, store }) => {
    const subscription = await addSubscription(
      store,
      { url: options.webhook, on: options.on, ...(options.format ? { format: options.format } : {}) },
      { ...webhookPolicy(), now: new Date() },
    );
    return {
      data: subscription,
      text: `Alert ${subscription.id}: ${subscription.on} responses → ${subscription.url} (${subscription.format})`,
    };
  },
});

const list = command({
  name: 'list',
  summary: 'the webhook subscriptions',
  run: async ({ store }) => {
    const subscriptions = await listSubscriptions(store);
    return {
      data: subscriptions,
      text:
        subscriptions.map((s) => `${s.id}  ${s.on.padEnd(10)} ${s.format.padEnd(5)} ${s.url}`).join('\n') ||
        'No alert webhooks yet; add one with `nps alert add --webhook URL --on detractor`',
    };
  },
});

const remove = command({
  name: 'remove',
  summary: 'stop a webhook subscription',
  args: [{ name: 'ID', what: 'a subscription id (nps alert list)' }],
  run: async ({ args, store }) => {
    await removeSubscription(store, args.ID);
    return { data: { removed: args.ID }, text: `Alert ${args.ID} removed` };
  },
});

export default group({
  name: 'alert',
  summary: 'webhooks for responses and referrals',
  commands: [add, list, remove],
});
