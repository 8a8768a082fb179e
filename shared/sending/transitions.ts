/**
 * A recipient's send state: pending → claimed → sent (or pending → skipped, claimed → failed, claimed →
 * pending when SES sent nothing). Each move is a conditional update on the state it leaves, so a crashed or
 * concurrent sender can never move a recipient twice; a recipient is claimed before its email goes out, so it
 * is never sent twice. Pure: these build the writes, `recipient-states.ts` makes them.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { claimLeaseMs } from '#shared/core/config.ts';
import { dayIn } from '#shared/core/time.ts';
import { contactKey, recipientKey } from '#shared/store/keys.ts';
import type { Recipient, RecipientStatus } from '#shared/waves/model.ts';

export interface Transition {
  r: Recipient;
  from: RecipientStatus;
  set: Record<string, string>;
}

/** DynamoDB's limit on the items of one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;
/** A claim older than this without an outcome belongs to a sender that died (ten minutes unless configured). */
export const CLAIM_LEASE_MS = claimLeaseMs();

export const skip = (r: Recipient, reason: string): Transition => ({
  r,
  from: 'pending',
  set: { status: 'skipped', reason },
});

export const claim = (r: Recipient, now: Date, senderId: string): Transition => ({
  r,
  from: 'pending',
  set: { status: 'claimed', claimedAt: now.toISOString(), claimedBy: senderId },
});

/** SES accepted the email: the day it went out is the recipient's day in the digest's time zone. */
export const sent = (r: Recipient, messageId: string, sentAt: Date, timeZone: string): Transition => ({
  r,
  from: 'claimed',
  set: { status: 'sent', sentAt: sentAt.toISOString(), sentDay: dayIn(timeZone, sentAt), messageId },
});

export const fail = (r: Recipient, reason: string): Transition => ({
  r,
  from: 'claimed',
  set: { status: 'failed', reason },
});

/** SES certainly sent nothing: the recipient goes back to pending for the next run. */
export const handBack = (r: Recipient): Transition => ({ r, from: 'claimed', set: { status: 'pending' } });

/**
 * Whether a claim's sender is presumed dead. Had SES accepted its email, SES's `Send` event would have
 * settled the claim as sent by now (acceptance.ts); so it goes back to pending and is sent again.
 */
export const isStaleClaim = (r: Pick<Recipient, 'claimedAt'>, now: Date): boolean =>
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

/** The contact's "surveyed" mark, which the fatigue rule reads: when, and which waves reached them. */
export const surveyedUpdate = (table: string, r: Recipient, at: Date) => ({
  TableName: table,
  Key: contactKey(r.contactId),
  UpdateExpression: 'SET contactId = :id, email = :email, lastSurveyedAt = :now ADD waves :wave',
  ExpressionAttributeValues: {
    ':id': r.contactId,
    ':email': r.email,
    ':now': at.toISOString(),
    ':wave': new Set([r.waveId]),
  },
});

/**
 * One transaction for many transitions (and, when `surveyedAt` is given, the contacts' surveyed marks): one
 * round trip per bulk call instead of one per recipient. Undefined when they do not fit in one transaction.
 */
export const transactionPlan = (
  table: string,
  transitions: readonly Transition[],
  surveyedAt?: Date,
): NonNullable<TransactWriteCommandInput['TransactItems']> | undefined => {
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = transitions.map((t) => ({
    Update: transitionUpdate(table, t),
  }));
  if (surveyedAt) items.push(...transitions.map((t) => ({ Update: surveyedUpdate(table, t.r, surveyedAt) })));
  return items.length <= MAX_TRANSACTION_ITEMS ? items : undefined;
};
