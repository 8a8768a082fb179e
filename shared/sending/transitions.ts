/**
 * A recipient's send state: pending → sent, skipped or failed. Each move is a conditional update on the
 * state it leaves, so no recipient is moved twice. Which sender may move a lane's recipients, and who is in
 * doubt after a crash, is the lane lock's business (`lane-lock.ts`), one write per batch of up to 50, not
 * one per recipient. (`claimed` is a state of recipients claimed one by one before lane locks; a stale one
 * goes back to pending.) Pure: these build the writes, `recipient-states.ts` makes them.
 */

import { surveyedToItem } from '#shared/contacts/contact-item.ts';
import { claimLeaseMs } from '#shared/core/config.ts';
import { dayIn } from '#shared/core/time.ts';
import { recipientKey } from '#shared/store/keys.ts';
import type { Recipient, RecipientStatus } from '#shared/waves/model.ts';

/** The recipient a transition moves: its key is all a transition needs of it. */
export type RecipientRef = Pick<Recipient, 'waveId' | 'contactId'>;

export interface Transition {
  r: RecipientRef;
  from: RecipientStatus;
  set: Record<string, string>;
}

/** A batch held this long without being released belongs to a sender that died (ten minutes unless configured). */
export const CLAIM_LEASE_MS = claimLeaseMs();

export const skip = (r: Recipient, reason: string): Transition => ({
  r,
  from: 'pending',
  set: { status: 'skipped', reason },
});

/** SES accepted the email: the day it went out is the recipient's day in the digest's time zone. */
export const sent = (
  r: RecipientRef,
  messageId: string,
  sentAt: Date,
  timeZone: string,
  from: RecipientStatus = 'pending',
): Transition => ({
  r,
  from,
  set: { status: 'sent', sentAt: sentAt.toISOString(), sentDay: dayIn(timeZone, sentAt), messageId },
});

export const fail = (r: Recipient, reason: string): Transition => ({
  r,
  from: 'pending',
  set: { status: 'failed', reason },
});

/** A recipient claimed one by one (before lane locks) whose sender died: back to pending, to be sent. */
export const handBack = (r: Recipient): Transition => ({ r, from: 'claimed', set: { status: 'pending' } });

/**
 * Whether a claim (a lane lock's batch, or an old one-by-one claim) is presumed dead. Had SES accepted its
 * emails, SES's `Send` events would have settled them as sent by now (acceptance.ts); those still pending go
 * out again.
 */
export const isStaleClaim = (r: { claimedAt?: string | undefined }, now: Date): boolean =>
  !(now.getTime() - Date.parse(r.claimedAt ?? '') < CLAIM_LEASE_MS);

/** The conditional update that makes one transition. */
export const transitionUpdate = (table: string, { r, from, set }: Transition) => {
  const names: Record<string, string> = { '#s': 'status' };
  const values: Record<string, unknown> = { ':from': from, ':one': 1 };
  const assignments = Object.entries(set).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  return {
    TableName: table,
    Key: recipientKey(r.waveId, r.contactId),
    UpdateExpression: `SET ${assignments.join(', ')} ADD version :one`,
    ConditionExpression: '#s = :from',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

/**
 * The contact's fatigue mark, which the fatigue rule reads: when our email reached them, and from which
 * wave. Put whole, so making it again (SES's Send event after the sender, a retry) is harmless.
 */
export const surveyedItem = (r: Pick<Recipient, 'contactId' | 'waveId'>, at: Date) =>
  surveyedToItem({ contactId: r.contactId, lastSurveyedAt: at.toISOString(), waveId: r.waveId });
