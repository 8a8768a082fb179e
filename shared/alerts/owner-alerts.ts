/**
 * Closing the loop: the account manager hears of an answer that needs them. A detractor's or passive's
 * answers ("why", "what would change it") go to the contact's owner, and a promoter's consent to a referral
 * becomes an introduction email; without an owner in the audience, the wave's alert address gets them.
 * Each alert goes out once per response version (once per response for an introduction), however often the
 * event is delivered: a claim item is written before the email and marked sent after it; a claim whose
 * sender died is taken over once its lease runs out.
 * 1. Decide from the event alone. 2. Find who gets it. 3. Claim. 4. Send, then mark sent.
 */

import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isLocale, type Locale } from '#shared/core/locale.ts';
import { simpleEmailInput } from '#shared/core/simple-email.ts';
import type { ResponseDetailsData } from '#shared/events/response-events.ts';
import { ifFound } from '#shared/store/item.ts';
import { alertKey, recipientKey, waveKey } from '#shared/store/keys.ts';
import { claimOnce, settleClaim } from '#shared/store/lease-claim.ts';
import { recipientFromItem } from '#shared/store/recipient.ts';
import type { TableStore } from '#shared/store/table.ts';
import { waveFromItem } from '#shared/waves/wave-item.ts';
import { type AlertKind, alertEmail } from '#templates/index.ts';

export interface AlertDeps extends TableStore {
  ses: SESv2Client;
  fromAddress: string;
  configurationSet: string | undefined;
  fromName?: string;
  /** The console's address, for the link to the response; absent where the stack has none. */
  consoleUrl?: string;
  now?: () => Date;
}

/** How long a claimed alert waits for its sender before another delivery may send it. */
export const ALERT_LEASE_SECONDS = 300;
/** Claims are kept a while so late redeliveries still find them, then expire. */
const ALERT_KEEP_DAYS = 30;

export type AlertOutcome =
  | { sent: false; why: 'nothing to act on' | 'no owner' | 'already sent' }
  | { sent: true; kind: AlertKind; to: string };

/** What one response's details ask of its owner, or nothing. Pure. */
export const alertKindOf = (details: ResponseDetailsData): AlertKind | undefined => {
  const answers = details.answers ?? {};
  if (details.category === 'promoter')
    return answers.referralConsent && answers.referral?.trim() ? 'introduction' : undefined;
  if (!answers.reason?.trim() && !answers.improve?.trim()) return undefined;
  return details.category;
};

/** The claim's sort key part: each version of a follow-up, one introduction per response. */
const claimOf = (kind: AlertKind, details: ResponseDetailsData): string =>
  kind === 'introduction' ? 'introduction' : `v${details.revision}`;

export const sendOwnerAlert = async (
  deps: AlertDeps,
  details: ResponseDetailsData,
): Promise<AlertOutcome> => {
  // 1.
  const kind = alertKindOf(details);
  if (!kind) return { sent: false, why: 'nothing to act on' };
  // 2.
  const [recipient, wave] = await Promise.all([
    deps.ddb.send(
      new GetCommand({ TableName: deps.table, Key: recipientKey(details.waveId, details.contactId) }),
    ),
    deps.ddb.send(new GetCommand({ TableName: deps.table, Key: waveKey(details.waveId) })),
  ]).then(([r, w]) => [ifFound(r.Item, recipientFromItem), ifFound(w.Item, waveFromItem)] as const);
  const to = recipient?.owner ?? wave?.alertTo;
  if (!to || !wave) return { sent: false, why: 'no owner' };
  const locale: Locale =
    recipient?.owner && recipient.ownerLocale && isLocale(recipient.ownerLocale)
      ? recipient.ownerLocale
      : 'en';
  // 3.
  const now = deps.now?.() ?? new Date();
  const key = alertKey(details.waveId, details.contactId, claimOf(kind, details));
  if (!(await claimOnce(deps, key, { now, leaseSeconds: ALERT_LEASE_SECONDS, keepDays: ALERT_KEEP_DAYS })))
    return { sent: false, why: 'already sent' };
  // 4.
  const email = alertEmail({
    locale,
    kind,
    survey: details.kind,
    score: details.score,
    product: wave.product,
    waveName: wave.name,
    contact: {
      ...(details.email ? { email: details.email } : {}),
      ...(details.name ? { name: details.name } : {}),
      locale: details.locale,
      props: details.props ?? {},
    },
    answers: details.answers ?? {},
    ...(deps.consoleUrl
      ? { consoleUrl: `${deps.consoleUrl.replace(/\/+$/, '')}/waves/${encodeURIComponent(details.waveId)}` }
      : {}),
  });
  try {
    await deps.ses.send(
      new SendEmailCommand(
        simpleEmailInput({
          ...deps,
          fromName: deps.fromName ?? wave.product,
          // Replies reach the contact, not a no-reply box.
          replyTo: details.email,
          to,
          email,
          tags: [{ Name: 'kind', Value: 'alert' }],
        }),
      ),
    );
  } catch (error) {
    await settleClaim(deps, key, { done: false }).catch(() => undefined);
    throw error;
  }
  await settleClaim(deps, key, { done: true, doneStatus: 'sent', now });
  return { sent: true, kind, to };
};
