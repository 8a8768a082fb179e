/**
 * Sending due waves. A recipient moves pending → claimed → sent (or skipped / failed) by conditional
 * writes, and is claimed before the email goes out: a crashed or concurrent sender can never send a
 * recipient twice. A claim whose outcome is unknown (the sender died between claim and SES's answer) is
 * closed as failed/interrupted rather than risk a second email.
 */

import { randomUUID } from 'node:crypto';
import { GetAccountCommand, type SESv2Client, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { escapeHtml, type Locale, surveyEmail } from '#templates/index.ts';
import type { EmailConfig, SurveyPolicy } from './config.ts';
import { blockedReason, getContacts } from './contacts.ts';
import { contactKey, DUE_PARTITION, RECIPIENT_PREFIX, recipientKey, waveKey } from './keys.ts';
import { type SigningKeys, signLink } from './links.ts';
import { dayIn } from './time.ts';
import type { Recipient, Wave } from './waves.ts';

export interface SenderDeps {
  ddb: DynamoDBDocumentClient;
  ses: SESv2Client;
  table: string;
  email: EmailConfig;
  baseUrl: string;
  keys: SigningKeys;
  policy: SurveyPolicy;
  timeZone: string;
  now: () => Date;
  /** Stop claiming new work after this instant (epoch ms), leaving the rest for the next run. */
  deadline: number;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

export interface SendReport {
  waves: string[];
  sent: number;
  skipped: number;
  failed: number;
}

const BULK_LIMIT = 50;
/** Errors where SES certainly sent nothing, so claimed recipients may be released and retried. */
const REFUSED = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
  'SendingPausedException',
  'AccountSuspendedException',
]);
/** A claim older than this without an outcome belongs to a sender that died. */
const CLAIM_LEASE_MS = 10 * 60_000;

export const sendDueWaves = async (deps: SenderDeps): Promise<SendReport> => {
  const report: SendReport = { waves: [], sent: 0, skipped: 0, failed: 0 };
  const due = await dueWaves(deps);
  const limiter = new RateLimiter(await maxSendRate(deps.ses));
  for (const wave of due) {
    if (Date.now() >= deps.deadline) break;
    if (!(await startSending(deps, wave))) continue;
    report.waves.push(wave.id);
    await sendWave(deps, wave, report, limiter);
  }
  return report;
};

const dueWaves = async (deps: SenderDeps): Promise<Wave[]> => {
  const out = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
      ExpressionAttributeValues: { ':due': DUE_PARTITION, ':now': `${deps.now().toISOString()}#~` },
    }),
  );
  return (out.Items ?? []) as Wave[];
};

const startSending = async (deps: SenderDeps, wave: Wave): Promise<boolean> => {
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: waveKey(wave.id),
        UpdateExpression: 'SET #s = :sending, startedAt = if_not_exists(startedAt, :now)',
        ConditionExpression: '#s IN (:scheduled, :sending)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':scheduled': 'scheduled',
          ':now': deps.now().toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false; // cancelled meanwhile
    throw error;
  }
};

const sendWave = async (deps: SenderDeps, wave: Wave, report: SendReport, limiter: RateLimiter) => {
  const senderId = randomUUID();
  const templates = new Map<Locale, ReturnType<typeof surveyEmail>>();
  let start: Record<string, unknown> | undefined;
  let unfinished = 0;
  do {
    const page = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rcpt)',
        FilterExpression: '#s IN (:pending, :claimed)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':pk': waveKey(wave.id).pk,
          ':rcpt': RECIPIENT_PREFIX,
          ':pending': 'pending',
          ':claimed': 'claimed',
        },
        ExclusiveStartKey: start,
        Limit: 500,
      }),
    );
    const recipients = (page.Items ?? []) as Recipient[];
    unfinished += await closeStaleClaims(
      deps,
      recipients.filter((r) => r.status === 'claimed'),
    );
    const pending = recipients.filter((r) => r.status === 'pending');
    for (let i = 0; i < pending.length; i += BULK_LIMIT) {
      if (Date.now() >= deps.deadline) return; // the next run resumes here
      await sendChunk(deps, wave, pending.slice(i, i + BULK_LIMIT), senderId, templates, report, limiter);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  if (unfinished === 0) await finishWave(deps, wave);
};

/** Claims left by a sender that died: their outcome is unknown, so they are closed, never re-sent. */
const closeStaleClaims = async (deps: SenderDeps, claimed: Recipient[]): Promise<number> => {
  let stillLeased = 0;
  for (const r of claimed) {
    if (deps.now().getTime() - Date.parse(r.claimedAt ?? '') < CLAIM_LEASE_MS) {
      stillLeased++;
      continue;
    }
    await transition(deps, r, 'claimed', { status: 'failed', reason: 'interrupted' }).catch(ignoreConflict);
  }
  return stillLeased;
};

const sendChunk = async (
  deps: SenderDeps,
  wave: Wave,
  chunk: Recipient[],
  senderId: string,
  templates: Map<Locale, ReturnType<typeof surveyEmail>>,
  report: SendReport,
  limiter: RateLimiter,
) => {
  const now = deps.now();
  const contacts = await getContacts(
    deps.ddb,
    deps.table,
    chunk.map((r) => r.contactId),
  );
  const claimed: Recipient[] = [];
  await Promise.all(
    chunk.map(async (r) => {
      const blocked = blockedReason(contacts.get(r.contactId), now, deps.policy.fatigueDays);
      if (blocked) {
        if (
          await transition(deps, r, 'pending', { status: 'skipped', reason: blocked }).catch(ignoreConflict)
        ) {
          report.skipped++;
        }
        return;
      }
      const ok = await transition(deps, r, 'pending', {
        status: 'claimed',
        claimedAt: now.toISOString(),
        claimedBy: senderId,
      }).catch(ignoreConflict);
      if (ok) claimed.push(r);
    }),
  );
  const byLocale = new Map<Locale, Recipient[]>();
  for (const r of claimed) byLocale.set(r.locale, [...(byLocale.get(r.locale) ?? []), r]);
  for (const [locale, group] of byLocale) {
    let template = templates.get(locale);
    if (!template) {
      template = surveyEmail({ kind: wave.kind, locale, baseUrl: deps.baseUrl, product: wave.product });
      templates.set(locale, template);
    }
    await limiter.take(group.length);
    let results: Awaited<ReturnType<typeof sendBulk>>;
    try {
      results = await sendBulk(deps, wave, template, group, now);
    } catch (error) {
      // SES refused the whole call before sending (throttled, paused): nothing went out, release the claims.
      if (REFUSED.has((error as Error).name)) {
        await Promise.all(
          group.map((r) => transition(deps, r, 'claimed', { status: 'pending' }).catch(ignoreConflict)),
        );
        deps.log?.('SES refused a bulk send; released its recipients', { error: (error as Error).name });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      throw error;
    }
    await Promise.all(
      group.map(async (r, i) => {
        const result = results[i];
        if (result?.Status === 'SUCCESS') {
          await transition(deps, r, 'claimed', {
            status: 'sent',
            sentAt: deps.now().toISOString(),
            sentDay: dayIn(deps.timeZone, deps.now()),
            messageId: result.MessageId ?? '',
          });
          await markSurveyed(deps, r);
          report.sent++;
        } else {
          await transition(deps, r, 'claimed', {
            status: 'failed',
            reason: `${result?.Status ?? 'NO_RESULT'}: ${result?.Error ?? ''}`.slice(0, 300),
          });
          report.failed++;
        }
      }),
    );
  }
};

const sendBulk = async (
  deps: SenderDeps,
  wave: Wave,
  template: { subject: string; html: string; text: string },
  group: Recipient[],
  now: Date,
) => {
  const responseExpiry = Math.floor(now.getTime() / 1000) + deps.policy.linkValidityDays * 86_400;
  const unsubscribeExpiry = Math.floor(now.getTime() / 1000) + 730 * 86_400;
  const out = await deps.ses.send(
    new SendBulkEmailCommand({
      FromEmailAddress: deps.email.fromAddress,
      ConfigurationSetName: deps.email.configurationSet,
      DefaultContent: {
        Template: {
          TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text },
          TemplateData: JSON.stringify({ token: '', unsubscribeToken: '', name: '' }),
          Headers: [{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }],
        },
      },
      DefaultEmailTags: [{ Name: 'wave', Value: wave.id }],
      BulkEmailEntries: group.map((r) => {
        const claims = { waveId: wave.id, contactId: r.contactId };
        const token = signLink(deps.keys, { ...claims, purpose: 'r', expiresAt: responseExpiry });
        const unsubscribeToken = signLink(deps.keys, {
          ...claims,
          purpose: 'u',
          expiresAt: unsubscribeExpiry,
        });
        return {
          Destination: { ToAddresses: [r.email] },
          ReplacementEmailContent: {
            ReplacementTemplate: {
              ReplacementTemplateData: JSON.stringify({ token, unsubscribeToken, name: escapeHtml(r.name) }),
            },
          },
          ReplacementHeaders: [
            { Name: 'List-Unsubscribe', Value: `<${deps.baseUrl}/u/${unsubscribeToken}>` },
          ],
        };
      }),
    }),
  );
  return out.BulkEmailEntryResults ?? [];
};

const transition = async (
  deps: SenderDeps,
  r: Recipient,
  from: string,
  set: Record<string, string>,
): Promise<boolean> => {
  const names: Record<string, string> = { '#s': 'status' };
  const values: Record<string, unknown> = { ':from': from, ':one': 1 };
  const assignments = Object.entries(set).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: recipientKey(r.waveId, r.contactId),
      UpdateExpression: `SET ${assignments.join(', ')} ADD version :one`,
      ConditionExpression: '#s = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
  return true;
};

const ignoreConflict = (error: unknown): false => {
  if ((error as Error).name === 'ConditionalCheckFailedException') return false;
  throw error;
};

const markSurveyed = async (deps: SenderDeps, r: Recipient) => {
  await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: contactKey(r.contactId),
      UpdateExpression: 'SET contactId = :id, email = :email, lastSurveyedAt = :now ADD waves :wave',
      ExpressionAttributeValues: {
        ':id': r.contactId,
        ':email': r.email,
        ':now': deps.now().toISOString(),
        ':wave': new Set([r.waveId]),
      },
    }),
  );
};

const finishWave = async (deps: SenderDeps, wave: Wave) => {
  await deps.ddb
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: waveKey(wave.id),
        UpdateExpression: 'SET #s = :sent, finishedAt = :now REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':sending': 'sending',
          ':now': deps.now().toISOString(),
        },
      }),
    )
    .catch(ignoreConflict);
};

/** The account's sending rate (emails per second); SES enforces it per account. */
const maxSendRate = async (ses: SESv2Client): Promise<number> => {
  try {
    const account = await ses.send(new GetAccountCommand({}));
    return account.SendQuota?.MaxSendRate ?? 14;
  } catch {
    return Number(process.env.SES_MAX_SEND_RATE ?? 14);
  }
};

/** A token bucket: at most `rate` emails per second from this sender. */
export class RateLimiter {
  private readonly rate: number;
  private available: number;
  private last = Date.now();
  constructor(rate: number) {
    this.rate = rate;
    this.available = rate;
  }
  async take(count: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.available = Math.min(this.rate, this.available + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.available >= Math.min(count, this.rate)) {
        this.available -= count;
        return;
      }
      await new Promise((r) =>
        setTimeout(r, ((Math.min(count, this.rate) - this.available) / this.rate) * 1000),
      );
    }
  }
}
