/** What a wave is, as stored (`WAVE#id / META`), and a recipient as a wave is created with it. */

import type { Locale } from '#shared/core/locale.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { recipientKey } from '#shared/store/keys.ts';
import type { Recipient } from '#shared/store/recipient.ts';

export type WaveStatus = 'importing' | 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'imported';

export interface Wave {
  id: string;
  name: string;
  kind: SurveyKind;
  locale: Locale;
  /** What the question asks about ("How likely are you to recommend {product}…"). */
  product: string;
  sendAt: string;
  /** ISO-8601 duration of the recurrence, e.g. P90D. */
  every?: string;
  /** Spread the sends evenly over this many days from `sendAt` (a linear quota), so responses arrive steadily. */
  spreadDays?: number;
  /** How much of a spread wave's quota senders have taken. */
  dispatched?: number;
  /** For an occurrence of a recurring wave: the previous occurrence, and this one's number (the first is 1). */
  parentId?: string;
  occurrence?: number;
  status: WaveStatus;
  recipients: number;
  skipped: Record<string, number>;
  createdAt: string;
  /** The audience column read as each contact's value (`--value-column`), e.g. annual revenue. */
  valueColumn?: string;
  /** Where a contact's alerts go when the audience names no owner for them (`--alert-to`). */
  alertTo?: string;
  /** The sender's display name and Reply-To of this wave's emails (`--from-name`, `--reply-to`). */
  fromName?: string;
  replyTo?: string;
  /** One reminder to those who have not answered, this long after the wave is sent (`--remind-after`). */
  remindAfterSeconds?: number;
  /** When the reminders are due (set when the wave is sent), and when they were all done. */
  remindAt?: string;
  remindedAt?: string;
  /** A person cancelled the pending reminder (`cancelReminder`): none goes out from then on. */
  reminderCancelledAt?: string;
  /** Lanes its shards are sent in (keys.ts `lanesFor`), by audience size; 1 when absent. */
  lanes?: number;
  /** When a sender last said it was working on the wave (while `sending`). */
  heartbeatAt?: string;
}

export type { Recipient, RecipientStatus } from '#shared/store/recipient.ts';

/** A recipient as a wave is created with it: pending, keyed under the wave. */
export const pendingRecipient = (
  waveId: string,
  kind: SurveyKind,
  member: Pick<
    Recipient,
    'contactId' | 'email' | 'name' | 'locale' | 'props' | 'value' | 'owner' | 'ownerLocale'
  >,
): Recipient => ({
  ...recipientKey(waveId, member.contactId),
  waveId,
  contactId: member.contactId,
  email: member.email,
  name: member.name,
  locale: member.locale,
  kind,
  props: member.props,
  ...(member.value !== undefined ? { value: member.value } : {}),
  ...(member.owner ? { owner: member.owner } : {}),
  ...(member.ownerLocale ? { ownerLocale: member.ownerLocale } : {}),
  status: 'pending',
});
