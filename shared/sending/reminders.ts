/**
 * Reminders (`wave create --remind-after 3d`): once a wave is sent and its reminder time has come, each
 * recipient who was sent the survey and has not answered gets one reminder, in their language, with its own
 * subject ("A quick reminder: …"). Unsubscribes, suppressions and erasure are read again at send time. The
 * same guarantees as the first email: a reminder is claimed (one conditional write) right after the rate
 * limiter grants it and before the SES call, so nobody gets two; a claim whose sender died is settled as sent
 * by SES's Send event for that reminder (acceptance.ts, `nps-kind: reminder`), and one still claimed after
 * its lease had no sign of acceptance: it is handed back and goes out again, so a crash loses nobody's
 * reminder. Reminders are counted per wave (`reminded`) by the aggregator.
 * 1. Due waves from the reminder index. 2. Per page: close dead claims, leave out who answered or may not be
 * mailed. 3. Per language: take the rate, claim, send, mark. 4. Nobody left: the wave leaves the index.
 */
import { SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { paginateQuery, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { blockedReason, getContacts } from '#shared/contacts/contacts.ts';
import type { Locale } from '#shared/core/locale.ts';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import {
  dueSortKey,
  GSI1,
  RECIPIENT_PREFIX,
  REMIND_PARTITION,
  recipientKey,
  responseKey,
  waveKey,
} from '#shared/store/keys.ts';
import { recipientFromItem } from '#shared/store/recipient.ts';
import { type ShardCursor, waveItemsPage } from '#shared/store/wave-items.ts';
import type { Recipient, Wave } from '#shared/waves/model.ts';
import { waveFromItem } from '#shared/waves/wave-item.ts';
import { type EmailContent, t } from '#templates/index.ts';
import { bulkEmailInput, waveEmail } from './bulk-email.ts';
import { pastDeadline, type SenderDeps } from './context.ts';
import { groupByLocale } from './eligibility.ts';
import type { SharedRateLimiter } from './rate-limiter.ts';
import { entryOutcome } from './ses-errors.ts';
import { CLAIM_LEASE_MS } from './transitions.ts';

export interface ReminderTally {
  reminded: number;
  /** Left out: answered, unsubscribed, bounced, complained or erased since the first email. */
  skipped: number;
  failed: number;
  /** Claims of senders that died that no Send event settled within their lease: handed back, sent again. */
  handedBack: number;
}

const PAGE_SIZE = 500;
const BULK = 50;

/** Whether any wave's reminders are due (one small query). */
export const hasDueReminders = async (deps: SenderDeps, now: Date): Promise<boolean> => {
  const out = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.table,
      IndexName: GSI1.name,
      KeyConditionExpression: 'gsi1pk = :remind AND gsi1sk <= :now',
      ExpressionAttributeValues: { ':remind': REMIND_PARTITION, ':now': dueSortKey(now.toISOString(), '~') },
      Limit: 1,
    }),
  );
  return (out.Items ?? []).length > 0;
};

const dueReminderWaves = async (deps: SenderDeps, now: Date): Promise<Wave[]> => {
  const waves: Wave[] = [];
  for await (const page of paginateQuery(
    { client: deps.ddb },
    {
      TableName: deps.table,
      IndexName: GSI1.name,
      KeyConditionExpression: 'gsi1pk = :remind AND gsi1sk <= :now',
      ExpressionAttributeValues: { ':remind': REMIND_PARTITION, ':now': dueSortKey(now.toISOString(), '~') },
    },
  ))
    waves.push(...(page.Items ?? []).map(waveFromItem));
  return waves;
};

/** Moves one recipient's reminder from `from` (absent: none yet) to `to`; false when another got there first. */
const mark = async (
  deps: SenderDeps,
  r: Recipient,
  from: string | undefined,
  to: string,
  extra: Record<string, string> = {},
): Promise<boolean> => {
  const names: Record<string, string> = { '#r': 'reminder' };
  const values: Record<string, unknown> = { ':to': to, ...(from ? { ':from': from } : {}) };
  const sets = ['#r = :to'];
  Object.entries(extra).forEach(([k, v], i) => {
    names[`#x${i}`] = k;
    values[`:x${i}`] = v;
    sets.push(`#x${i} = :x${i}`);
  });
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: recipientKey(r.waveId, r.contactId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: from ? '#r = :from' : 'attribute_not_exists(#r)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

/**
 * Hands back a reminder claim whose sender died (SES never took it: its Send event would have settled it),
 * as read: false when another sender handed it back or it was settled meanwhile.
 */
const handBackReminder = async (deps: SenderDeps, r: Recipient): Promise<boolean> => {
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: recipientKey(r.waveId, r.contactId),
        UpdateExpression: 'REMOVE reminder, reminderClaimedAt',
        ConditionExpression: 'reminder = :claimed AND reminderClaimedAt = :at',
        ExpressionAttributeValues: { ':claimed': 'claimed', ':at': r.reminderClaimedAt },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

const reminderTemplate = (deps: SenderDeps, wave: Wave, locale: Locale): EmailContent => {
  const first = waveEmail(deps, wave, locale);
  return { ...first, subject: t(locale, 'survey.reminder.subject', { subject: first.subject }) };
};

/** One group of one language: take the rate, claim, one bulk call, mark each outcome. */
const remindGroup = async (
  deps: SenderDeps,
  wave: Wave,
  limiter: SharedRateLimiter,
  template: EmailContent,
  group: Recipient[],
  tally: ReminderTally,
) => {
  await limiter.take(group.length);
  const claimedAt = deps.now().toISOString();
  const won = await Promise.all(
    group.map((r) => mark(deps, r, undefined, 'claimed', { reminderClaimedAt: claimedAt })),
  );
  const claimed = group.filter((_, i) => won[i]);
  if (claimed.length === 0) return;
  const out = await deps.ses.send(
    new SendBulkEmailCommand(
      bulkEmailInput(
        deps,
        wave.id,
        template,
        claimed,
        deps.now(),
        {
          ...(wave.fromName ? { fromName: wave.fromName } : {}),
          ...(wave.replyTo ? { replyTo: wave.replyTo } : {}),
          product: wave.product,
        },
        'reminder',
      ),
    ),
  );
  const results = out.BulkEmailEntryResults ?? [];
  const sentAt = deps.now().toISOString();
  await Promise.all(
    claimed.map(async (r, i) => {
      if (entryOutcome(results[i]?.Status) === 'sent') {
        await mark(deps, r, 'claimed', 'sent', { reminderSentAt: sentAt });
        tally.reminded++;
      } else {
        // Not sent by SES: failed, never retried (a reminder is a courtesy, not worth the risk of two).
        await mark(deps, r, 'claimed', 'failed');
        tally.failed++;
      }
    }),
  );
};

/** Reminds one wave's non-responders; true when nobody is left to remind. */
const remindWave = async (deps: SenderDeps, wave: Wave, limiter: SharedRateLimiter, tally: ReminderTally) => {
  let cursor: ShardCursor | undefined;
  let open = 0;
  do {
    const page = await waveItemsPage(
      deps,
      wave.id,
      {
        prefix: RECIPIENT_PREFIX,
        filter: '#s = :sent AND (attribute_not_exists(reminder) OR reminder = :claimed)',
        names: { '#s': 'status' },
        values: { ':sent': 'sent', ':claimed': 'claimed' },
        limit: PAGE_SIZE,
      },
      cursor,
    );
    const now = deps.now();
    const recipients = page.items.map(recipientFromItem);
    const fresh: Recipient[] = [];
    for (const r of recipients) {
      if (r.reminder !== 'claimed') fresh.push(r);
      else if (now.getTime() - Date.parse(r.reminderClaimedAt ?? '') >= CLAIM_LEASE_MS) {
        if (await handBackReminder(deps, r)) {
          tally.handedBack++;
          const { reminder: _r, reminderClaimedAt: _at, ...unclaimed } = r;
          fresh.push(unclaimed as Recipient);
        }
      } else open++;
    }
    const answered = new Set(
      (
        await batchGetAll(
          deps.ddb,
          deps.table,
          fresh.map((r) => responseKey(r.waveId, r.contactId)),
          { consistent: true },
        )
      )
        .filter((item) => item.status === 'committed' || item.status === 'quarantined')
        .map((item) => item.contactId as string),
    );
    const contacts = await getContacts(
      deps.ddb,
      deps.table,
      fresh.map((r) => r.contactId),
    );
    const toRemind: Recipient[] = [];
    for (const r of fresh) {
      // Fatigue does not apply: this wave's own email just reached them.
      const reason = answered.has(r.contactId)
        ? 'answered'
        : blockedReason(contacts.get(r.contactId), now, 0);
      if (reason) {
        if (await mark(deps, r, undefined, reason === 'answered' ? 'answered' : `skipped:${reason}`))
          tally.skipped++;
      } else toRemind.push(r);
    }
    for (const [locale, group] of groupByLocale(toRemind, wave.locale)) {
      const template = reminderTemplate(deps, wave, locale);
      for (let i = 0; i < group.length; i += BULK) {
        if (pastDeadline(deps)) return false;
        await remindGroup(deps, wave, limiter, template, group.slice(i, i + BULK), tally);
      }
    }
    cursor = page.next;
  } while (cursor);
  return open === 0;
};

/** Sends every due wave's reminders; a wave with nobody left to remind leaves the reminder index. */
export const sendDueReminders = async (
  deps: SenderDeps,
  limiter: SharedRateLimiter,
): Promise<ReminderTally> => {
  const tally: ReminderTally = { reminded: 0, skipped: 0, failed: 0, handedBack: 0 };
  for (const wave of await dueReminderWaves(deps, deps.now())) {
    if (pastDeadline(deps)) break;
    // A cancelled reminder sends nothing: the wave only leaves the index.
    if (!wave.reminderCancelledAt && !(await remindWave(deps, wave, limiter, tally))) continue;
    await deps.ddb
      .send(
        new UpdateCommand({
          TableName: deps.table,
          Key: waveKey(wave.id),
          UpdateExpression: 'SET remindedAt = :now REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'gsi1pk = :remind',
          ExpressionAttributeValues: { ':now': deps.now().toISOString(), ':remind': REMIND_PARTITION },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailed(error)) throw error;
      });
  }
  return tally;
};
