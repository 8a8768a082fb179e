/**
 * Webhook delivery: each ResponseDetails event goes to every subscription whose trigger it matches, as JSON
 * or as a Slack message, at least once and, once a URL has accepted it, never again: each delivery is
 * claimed before the POST and marked delivered after a 2xx, so a retried event (EventBridge, or the local
 * rules) only repeats the ones that failed. Every payload carries a stable id (the same on every attempt).
 */
import { SCALES } from '#shared/core/survey.ts';
import type { ResponseDetailsData, ResponseDetailsEvent } from '#shared/events/response-events.ts';
import { deliveryKey } from '#shared/store/keys.ts';
import { claimOnce, settleClaim } from '#shared/store/lease-claim.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type OutboundPost, OutboundRefusedError } from './outbound-post.ts';
import { type AlertTrigger, listSubscriptions, type Subscription } from './subscriptions.ts';

export interface WebhookDeps extends TableStore {
  /** The checked, pinned POST of `outbound-post.ts` (tests may pass it a resolver of their own). */
  post: OutboundPost;
  now?: () => Date;
  timeoutMs?: number;
}

const LEASE_SECONDS = 120;
const KEEP_DAYS = 30;
const MAX_TEXT = 1500;

/** The triggers one response matches: its category, and `referral` when a promoter consents. Pure. */
export const triggersOf = (details: ResponseDetailsData): AlertTrigger[] => [
  details.category,
  ...(details.answers?.referralConsent ? (['referral'] as const) : []),
];

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

/**
 * Text for a Slack message, per Slack's formatting rules: `&`, `<` and `>` escaped, so no respondent text
 * becomes a mention (`<!channel>`, `<@U123>`) or a disguised link (`<https://…|label>`). Pure.
 */
export const slackText = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** What one subscription receives for one event. Pure. */
export const payloadOf = (subscription: Subscription, event: ResponseDetailsEvent, on: AlertTrigger) => {
  const d = event.data;
  const id = `${event.metadata.id}:${subscription.id}`;
  const comment = [d.answers?.reason, d.answers?.improve].filter(Boolean).join('\n\n');
  if (subscription.format === 'slack') {
    const who = slackText(d.name || d.email || d.contactId.slice(0, 8));
    const what = on === 'referral' ? 'Referral' : `${d.category[0]?.toUpperCase()}${d.category.slice(1)}`;
    const lines = [
      `*${what}*: ${who} scored ${d.score} of ${SCALES[d.kind].max} (${d.kind.toUpperCase()}, wave ${slackText(d.waveId)})`,
      ...(comment ? [`> ${slackText(clip(comment)).replace(/\n/g, '\n> ')}`] : []),
      ...(on === 'referral' && d.answers?.referral
        ? [`Would introduce us to: ${slackText(clip(d.answers.referral))}`]
        : []),
    ];
    return { id, body: { text: lines.join('\n') } };
  }
  return {
    id,
    body: {
      id,
      type: on,
      occurredAt: event.metadata.occurredAt,
      survey: d.kind,
      score: d.score,
      category: d.category,
      waveId: d.waveId,
      contact: {
        id: d.contactId,
        email: d.email ?? null,
        name: d.name ?? null,
        locale: d.locale,
        props: d.props,
      },
      answers: d.answers ?? {},
      revision: d.revision,
    },
  };
};

export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
}

/**
 * Posts the event to each matching subscription not yet delivered. Throws when any POST failed, so the event
 * is delivered again later; those that succeeded are not repeated.
 */
export const deliverWebhooks = async (
  deps: WebhookDeps,
  event: ResponseDetailsEvent,
): Promise<{ delivered: string[]; skipped: string[] }> => {
  const triggers = triggersOf(event.data);
  const subscriptions = (await listSubscriptions(deps)).filter((s) => triggers.includes(s.on));
  const delivered: string[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  const refused: string[] = [];
  for (const subscription of subscriptions) {
    const now = deps.now?.() ?? new Date();
    const key = deliveryKey(subscription.id, `${event.metadata.id}:${subscription.on}`);
    if (!(await claimOnce(deps, key, { now, leaseSeconds: LEASE_SECONDS, keepDays: KEEP_DAYS }))) {
      skipped.push(subscription.id);
      continue;
    }
    const { id, body } = payloadOf(subscription, event, subscription.on);
    let ok = false;
    try {
      const response = await deps.post(subscription.url, {
        headers: {
          'content-type': 'application/json',
          'x-nps-delivery-id': id,
          'user-agent': 'nps-alerts/1',
        },
        body: JSON.stringify(body),
        timeoutMs: deps.timeoutMs ?? 10_000,
      });
      ok = response.status >= 200 && response.status < 300;
    } catch (error) {
      // A refused address names itself in the error (never sent); a failed call is retried as any other.
      if (error instanceof OutboundRefusedError) refused.push(`${subscription.id}: ${error.message}`);
    }
    await settleClaim(deps, key, ok ? { done: true, doneStatus: 'delivered', now } : { done: false });
    (ok ? delivered : failed).push(subscription.id);
  }
  if (failed.length > 0)
    throw new WebhookDeliveryError(
      `Webhooks ${failed.join(', ')} did not accept event ${event.metadata.id}${refused.length ? ` (refused ${refused.join('; ')})` : ''}`,
    );
  return { delivered, skipped };
};
