/**
 * SES said it took an email (its `Send` event, through the configuration set and EventBridge): the recipient
 * it answers is settled as sent, even when the sender that made the call died before it could record the
 * outcome. So the recipients of a batch still held when its lease runs out (`lane-lock.ts`) that are still
 * pending had no sign of acceptance, and go out again: nobody is left unsurveyed by a crash, and nobody gets
 * two emails as long as SES's events arrive within the lease (seconds, against ten minutes).
 * Which recipient an email was for travels in its tags (`bulk-email.ts`): `nps-wave` and `nps-contact`; and
 * which email it was in `nps-kind` (`first` or `reminder`): a reminder is settled only by its own email's
 * event, never by a replayed or late event of the first email (which would record a reminder nobody got).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { ifFound } from '#shared/store/item.ts';
import { recipientKey } from '#shared/store/keys.ts';
import { recipientStateFromItem } from '#shared/store/recipient.ts';
import type { TableStore } from '#shared/store/table.ts';
import { transitionAll } from './recipient-states.ts';
import { sent } from './transitions.ts';

export const WAVE_TAG = 'nps-wave';
export const CONTACT_TAG = 'nps-contact';
export const KIND_TAG = 'nps-kind';
/**
 * The kind again, as a header: the local SES emulator keeps an email's headers but not its tags, and the
 * local mirror of the Send events (`infra/local/ses-mirror.ts`) reads it there.
 */
export const KIND_HEADER = 'X-NPS-Kind';

/** Which of a recipient's emails: the survey itself, or its reminder. */
export type EmailKind = 'first' | 'reminder';

/** The kind a tag value names; an email sent before kinds were tagged was a first email. */
export const kindOf = (value: string | undefined): EmailKind | undefined =>
  value === undefined || value === 'first' ? 'first' : value === 'reminder' ? 'reminder' : undefined;

export interface Acceptance {
  waveId: string;
  contactId: string;
  /** The address SES took it for (the contact's surveyed mark keeps it, as the sender's does). */
  email: string;
  messageId: string;
  at: Date;
  kind: EmailKind;
}

/** The email an SES event is about, from its tags (SES lists each tag's values); undefined when it is not ours. */
export const acceptanceOf = (detail: {
  mail?: {
    messageId?: string;
    timestamp?: string;
    destination?: string[];
    tags?: Record<string, string[] | undefined>;
  };
}): Acceptance | undefined => {
  const waveId = detail.mail?.tags?.[WAVE_TAG]?.[0];
  const contactId = detail.mail?.tags?.[CONTACT_TAG]?.[0];
  const email = detail.mail?.destination?.[0];
  const at = new Date(detail.mail?.timestamp ?? '');
  const kind = kindOf(detail.mail?.tags?.[KIND_TAG]?.[0]);
  if (!waveId || !contactId || !email || !kind || Number.isNaN(at.getTime())) return undefined;
  return { waveId, contactId, email, messageId: detail.mail?.messageId ?? '', at, kind };
};

/**
 * Settles the recipient the accepted email answers: a first email `pending → sent` (with the contact's
 * surveyed mark, exactly as the sender records it), a reminder `claimed → sent`. Idempotent: an
 * outcome already recorded, by the sender or an earlier delivery of the event, is left as it is. It reads the
 * recipient first, so the common case — the sender recorded the outcome itself — writes nothing to the
 * wave's partition (a refused conditional write costs write capacity too).
 */
export const recordAcceptance = async (
  store: TableStore & { timeZone: string },
  a: Acceptance,
): Promise<'sent' | 'reminded' | 'already'> => {
  const stored = (
    await store.ddb.send(
      new GetCommand({
        TableName: store.table,
        Key: recipientKey(a.waveId, a.contactId),
        ProjectionExpression: '#s, reminder',
        ExpressionAttributeNames: { '#s': 'status' },
        ConsistentRead: true,
      }),
    )
  ).Item;
  const current = ifFound(stored, recipientStateFromItem);
  const r = { waveId: a.waveId, contactId: a.contactId };
  if (a.kind === 'first') {
    // Pending: in a batch whose sender has not written its outcomes (or died); claimed: claimed one by one.
    if (current?.status !== 'pending' && current?.status !== 'claimed') return 'already';
    const [first] = await transitionAll(
      store,
      [sent(r, a.messageId, a.at, store.timeZone, current.status)],
      a.at,
    );
    return first ? 'sent' : 'already';
  }
  if (current?.reminder !== 'claimed') return 'already';
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        Key: recipientKey(a.waveId, a.contactId),
        UpdateExpression: 'SET reminder = :sent, reminderSentAt = :at',
        ConditionExpression: 'reminder = :claimed',
        ExpressionAttributeValues: { ':sent': 'sent', ':claimed': 'claimed', ':at': a.at.toISOString() },
      }),
    );
    return 'reminded';
  } catch (error) {
    if (isConditionFailed(error)) return 'already';
    throw error;
  }
};
