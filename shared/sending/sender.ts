/**
 * Sending due waves. A recipient moves pending → claimed → sent (or skipped / failed) by conditional
 * writes, and is claimed before the email goes out: a crashed or concurrent sender can never send a
 * recipient twice. A claim whose outcome is unknown (the sender died between claim and SES's answer) is
 * closed as failed/interrupted rather than risk a second email.
 *
 * Pacing: every sender takes its emails from one per-second counter in the table, so concurrent senders
 * together stay under the account's SES rate; a spread wave also takes from its own linear quota.
 */

import { randomUUID } from 'node:crypto';
import {
  type BulkEmailEntry,
  type BulkEmailEntryResult,
  GetAccountCommand,
  type SESv2Client,
  SendBulkEmailCommand,
} from '@aws-sdk/client-sesv2';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { blockedReason, getContacts } from '#shared/contacts/contacts.ts';
import type { EmailConfig, SurveyPolicy } from '#shared/core/config.ts';
import { type SigningKeys, signLink } from '#shared/core/links.ts';
import { dayIn } from '#shared/core/time.ts';
import {
  contactKey,
  DUE_PARTITION,
  RECIPIENT_PREFIX,
  recipientKey,
  sendRateKey,
  waveKey,
} from '#shared/store/keys.ts';
import { type Recipient, scheduleNextOccurrence, spreadQuota, type Wave } from '#shared/waves/waves.ts';
import { escapeHtml, type Locale, surveyEmail } from '#templates/index.ts';

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
  /** Claimed but handed back unsent (SES throttled or paused): the next run sends them. */
  deferred: number;
  /** Next occurrences of recurring waves scheduled by this run. */
  scheduled: string[];
}

/** SES v2 accepts at most 50 destinations per SendBulkEmail call. */
export const BULK_LIMIT = 50;
/** Bulk calls in flight per sender: DynamoDB work of one chunk overlaps SES calls of the others. */
const CHUNKS_IN_FLIGHT = 4;
/** Errors where SES certainly sent nothing, so claimed recipients may be retried. */
const REFUSED = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
  'SendingPausedException',
  'AccountSuspendedException',
]);
/** Per-entry outcomes where SES sent nothing and a retry soon may succeed. */
const RETRY_ENTRY = new Set(['ACCOUNT_THROTTLED', 'TRANSIENT_FAILURE']);
/** Per-entry outcomes where SES sent nothing and retrying in this run is pointless: hand back, stop. */
const DEFER_ENTRY = new Set([
  'ACCOUNT_DAILY_QUOTA_EXCEEDED',
  'ACCOUNT_SENDING_PAUSED',
  'CONFIGURATION_SET_SENDING_PAUSED',
  'ACCOUNT_SUSPENDED',
]);
const MAX_ATTEMPTS = 5;
/** A claim older than this without an outcome belongs to a sender that died. */
const CLAIM_LEASE_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backoff = (attempt: number) => sleep(Math.min(5_000, 100 * 2 ** attempt) * (0.5 + Math.random()));

export const sendDueWaves = async (deps: SenderDeps): Promise<SendReport> => {
  const report: SendReport = { waves: [], sent: 0, skipped: 0, failed: 0, deferred: 0, scheduled: [] };
  const due = await dueWaves(deps);
  if (due.length === 0) return report;
  const limiter = new SharedRateLimiter(deps.ddb, deps.table, await maxSendRate(deps.ses));
  for (const wave of due) {
    if (Date.now() >= deps.deadline) break;
    if (!(await startSending(deps, wave))) continue;
    report.waves.push(wave.id);
    const outcome = await sendWave(deps, wave, report, limiter);
    if (outcome === 'stop') break;
  }
  return report;
};

const dueWaves = async (deps: SenderDeps): Promise<Wave[]> => {
  const waves: Wave[] = [];
  const pages = paginateQuery(
    { client: deps.ddb },
    {
      TableName: deps.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
      ExpressionAttributeValues: { ':due': DUE_PARTITION, ':now': `${deps.now().toISOString()}#~` },
    },
  );
  for await (const page of pages) waves.push(...((page.Items ?? []) as Wave[]));
  return waves;
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

type Templates = Map<Locale, ReturnType<typeof surveyEmail>>;
/** `done`: every recipient has an outcome; `open`: some left for a later run; `stop`: SES paused sending. */
type WaveOutcome = 'done' | 'open' | 'stop';

interface WaveRun {
  wave: Wave;
  senderId: string;
  templates: Templates;
  report: SendReport;
  limiter: SharedRateLimiter;
  /** Recipients this run leaves pending (quota, deadline, deferred). */
  open: number;
  stop: boolean;
}

const sendWave = async (
  deps: SenderDeps,
  wave: Wave,
  report: SendReport,
  limiter: SharedRateLimiter,
): Promise<WaveOutcome> => {
  const run: WaveRun = {
    wave,
    senderId: randomUUID(),
    templates: new Map(),
    report,
    limiter,
    open: 0,
    stop: false,
  };
  const chunkSize = Math.max(1, Math.min(BULK_LIMIT, Math.floor(limiter.rate)));
  let start: Record<string, unknown> | undefined;
  let leased = 0;
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
        Limit: 1000,
      }),
    );
    const recipients = (page.Items ?? []) as Recipient[];
    leased += await closeStaleClaims(
      deps,
      recipients.filter((r) => r.status === 'claimed'),
    );
    const pending = recipients.filter((r) => r.status === 'pending');
    const chunks: Recipient[][] = [];
    for (let i = 0; i < pending.length; i += chunkSize) chunks.push(pending.slice(i, i + chunkSize));
    // A few chunks in flight at once; each takes its share of the shared rate before it sends.
    let failure: { error: unknown } | undefined;
    await Promise.all(
      Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, async () => {
        for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
          if (failure || run.stop || Date.now() >= deps.deadline) {
            run.open += chunk.length; // the next run resumes here
            continue;
          }
          try {
            await sendChunk(deps, run, chunk);
          } catch (error) {
            // Let the other chunks in flight record their outcomes before giving up.
            failure ??= { error };
          }
        }
      }),
    );
    if (failure) throw failure.error;
    if (run.stop && run.open > 0) break;
    start = page.LastEvaluatedKey;
  } while (start);
  if (run.stop) return 'stop';
  if (leased > 0 || run.open > 0) return 'open';
  // Every recipient has an outcome: schedule the next occurrence first, so a crash in between repeats it.
  if (wave.every) {
    const next = await scheduleNextOccurrence(deps, wave, deps.deadline);
    if (!next) return 'open'; // copying the audience ran out of time; the next run continues it
    if (next.created) report.scheduled.push(next.id);
  }
  await finishWave(deps, wave);
  return 'done';
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

const sendChunk = async (deps: SenderDeps, run: WaveRun, chunk: Recipient[]) => {
  const { wave, report } = run;
  const now = deps.now();
  const contacts = await getContacts(
    deps.ddb,
    deps.table,
    chunk.map((r) => r.contactId),
  );
  let eligible: Recipient[] = [];
  const skips: Transition[] = [];
  for (const r of chunk) {
    const blocked = blockedReason(contacts.get(r.contactId), now, deps.policy.fatigueDays);
    if (blocked) skips.push({ r, from: 'pending', set: { status: 'skipped', reason: blocked } });
    else eligible.push(r);
  }
  // Awaited before the `+=`: concurrent chunks would otherwise add to a stale total.
  const skipped = (await transitionAll(deps, skips)).filter(Boolean).length;
  report.skipped += skipped;
  if (eligible.length === 0) return;
  if (wave.spreadDays) {
    const granted = await takeSpreadQuota(deps, wave, eligible.length);
    if (granted < eligible.length) {
      run.open += eligible.length - granted;
      eligible = eligible.slice(0, granted);
    }
    if (eligible.length === 0) return;
  }
  const byLocale = new Map<Locale, Recipient[]>();
  for (const r of eligible) byLocale.set(r.locale, [...(byLocale.get(r.locale) ?? []), r]);
  for (const [locale, candidates] of byLocale) {
    if (run.stop) {
      run.open += candidates.length;
      if (wave.spreadDays) await returnSpreadQuota(deps, wave, candidates.length);
      continue;
    }
    // Claimed right before the call, so a crash leaves as few recipients as possible in doubt.
    const claimed = await transitionAll(
      deps,
      candidates.map((r) => ({
        r,
        from: 'pending',
        set: { status: 'claimed', claimedAt: now.toISOString(), claimedBy: run.senderId },
      })),
    );
    const group = candidates.filter((_, i) => claimed[i]);
    if (wave.spreadDays && group.length < candidates.length)
      await returnSpreadQuota(deps, wave, candidates.length - group.length);
    if (group.length === 0) continue;
    let template = run.templates.get(locale);
    if (!template) {
      template = surveyEmail({ kind: wave.kind, locale, baseUrl: deps.baseUrl, product: wave.product });
      run.templates.set(locale, template);
    }
    await sendGroup(deps, run, template, group);
  }
};

/**
 * Sends one group of claimed recipients, retrying with backoff only the entries SES did not send (throttled
 * or transient). What is still unsent after the last attempt goes back to pending for the next run.
 */
const sendGroup = async (
  deps: SenderDeps,
  run: WaveRun,
  template: { subject: string; html: string; text: string },
  group: Recipient[],
) => {
  let remaining = group;
  for (let attempt = 0; remaining.length > 0 && attempt < MAX_ATTEMPTS && !run.stop; attempt++) {
    if (attempt > 0) await backoff(attempt);
    await run.limiter.take(remaining.length);
    let results: BulkEmailEntryResult[];
    try {
      results = await sendBulk(deps, run.wave, template, remaining, deps.now());
    } catch (error) {
      // SES refused the whole call before sending (throttled, paused): nothing went out, try again.
      if (REFUSED.has((error as Error).name)) {
        deps.log?.('SES refused a bulk send; retrying', { error: (error as Error).name, attempt });
        if (
          (error as Error).name !== 'TooManyRequestsException' &&
          (error as Error).name !== 'ThrottlingException'
        )
          run.stop = true;
        continue;
      }
      throw error;
    }
    const retry: Recipient[] = [];
    const sentAt = deps.now();
    const delivered: Transition[] = [];
    remaining.forEach((r, i) => {
      const result = results[i];
      if (result?.Status !== 'SUCCESS') return;
      delivered.push({
        r,
        from: 'claimed',
        set: {
          status: 'sent',
          sentAt: sentAt.toISOString(),
          sentDay: dayIn(deps.timeZone, sentAt),
          messageId: result?.MessageId ?? '',
        },
      });
    });
    const recorded = (await transitionAll(deps, delivered, { markSurveyed: true })).filter(Boolean).length;
    run.report.sent += recorded;
    await Promise.all(
      remaining.map(async (r, i) => {
        const result = results[i];
        const status = result?.Status ?? 'NO_RESULT';
        if (status === 'SUCCESS') {
          // recorded above, in one transaction with the others
        } else if (RETRY_ENTRY.has(status)) {
          retry.push(r);
        } else if (DEFER_ENTRY.has(status)) {
          run.stop = true;
          retry.push(r);
        } else {
          await transition(deps, r, 'claimed', {
            status: 'failed',
            reason: `${status}: ${result?.Error ?? ''}`.slice(0, 300),
          });
          run.report.failed++;
        }
      }),
    );
    if (retry.length > 0) deps.log?.('SES did not send some entries', { count: retry.length, attempt });
    remaining = retry;
  }
  if (remaining.length > 0) {
    // SES sent none of these: hand them back, unclaimed, for the next run.
    await Promise.all(
      remaining.map((r) => transition(deps, r, 'claimed', { status: 'pending' }).catch(ignoreConflict)),
    );
    run.report.deferred += remaining.length;
    run.open += remaining.length;
  }
};

/** The per-recipient entries of one bulk call: tokens signed, name escaped; the template is shared. */
export const bulkEntries = (
  deps: Pick<SenderDeps, 'keys' | 'baseUrl' | 'policy'>,
  waveId: string,
  group: readonly Pick<Recipient, 'contactId' | 'email' | 'name'>[],
  now: Date,
): BulkEmailEntry[] => {
  const responseExpiry = Math.floor(now.getTime() / 1000) + deps.policy.linkValidityDays * 86_400;
  const unsubscribeExpiry = Math.floor(now.getTime() / 1000) + 730 * 86_400;
  return group.map((r) => {
    const claims = { waveId, contactId: r.contactId };
    const token = signLink(deps.keys, { ...claims, purpose: 'r', expiresAt: responseExpiry });
    const unsubscribeToken = signLink(deps.keys, { ...claims, purpose: 'u', expiresAt: unsubscribeExpiry });
    return {
      Destination: { ToAddresses: [r.email] },
      ReplacementEmailContent: {
        ReplacementTemplate: {
          ReplacementTemplateData: JSON.stringify({ token, unsubscribeToken, name: escapeHtml(r.name) }),
        },
      },
      ReplacementHeaders: [{ Name: 'List-Unsubscribe', Value: `<${deps.baseUrl}/u/${unsubscribeToken}>` }],
    };
  });
};

const sendBulk = async (
  deps: SenderDeps,
  wave: Wave,
  template: { subject: string; html: string; text: string },
  group: Recipient[],
  now: Date,
): Promise<BulkEmailEntryResult[]> => {
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
      BulkEmailEntries: bulkEntries(deps, wave.id, group, now),
    }),
  );
  return out.BulkEmailEntryResults ?? [];
};

interface Transition {
  r: Recipient;
  from: string;
  set: Record<string, string>;
}

/** The conditional update that moves one recipient from one state to the next. */
const transitionUpdate = (deps: SenderDeps, { r, from, set }: Transition) => {
  const names: Record<string, string> = { '#s': 'status' };
  const values: Record<string, unknown> = { ':from': from, ':one': 1 };
  const assignments = Object.entries(set).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  return {
    TableName: deps.table,
    Key: recipientKey(r.waveId, r.contactId),
    UpdateExpression: `SET ${assignments.join(', ')} ADD version :one`,
    ConditionExpression: '#s = :from',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

const transition = async (deps: SenderDeps, r: Recipient, from: string, set: Record<string, string>) => {
  await deps.ddb.send(new UpdateCommand(transitionUpdate(deps, { r, from, set })));
  return true;
};

/**
 * Many transitions (and, optionally, the contacts' "surveyed" marks) in one transaction: one round trip per
 * bulk call instead of one per recipient. When any condition fails (another sender got there first) the
 * transaction changes nothing, and the transitions are made one by one so the rest still go through.
 * Returns, per transition, whether it happened.
 */
const transitionAll = async (
  deps: SenderDeps,
  transitions: Transition[],
  options: { markSurveyed?: boolean } = {},
): Promise<boolean[]> => {
  if (transitions.length === 0) return [];
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = transitions.map((t) => ({
    Update: transitionUpdate(deps, t),
  }));
  if (options.markSurveyed) items.push(...transitions.map((t) => ({ Update: surveyedUpdate(deps, t.r) })));
  if (items.length <= 100) {
    try {
      await deps.ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return transitions.map(() => true);
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
    }
  }
  return Promise.all(
    transitions.map(async (t) => {
      const ok = await transition(deps, t.r, t.from, t.set).catch(ignoreConflict);
      if (ok && options.markSurveyed) await markSurveyed(deps, t.r);
      return ok;
    }),
  );
};

const ignoreConflict = (error: unknown): false => {
  if ((error as Error).name === 'ConditionalCheckFailedException') return false;
  throw error;
};

const surveyedUpdate = (deps: SenderDeps, r: Recipient) => ({
  TableName: deps.table,
  Key: contactKey(r.contactId),
  UpdateExpression: 'SET contactId = :id, email = :email, lastSurveyedAt = :now ADD waves :wave',
  ExpressionAttributeValues: {
    ':id': r.contactId,
    ':email': r.email,
    ':now': deps.now().toISOString(),
    ':wave': new Set([r.waveId]),
  },
});

const markSurveyed = async (deps: SenderDeps, r: Recipient) => {
  await deps.ddb.send(new UpdateCommand(surveyedUpdate(deps, r)));
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

/**
 * Takes up to `wanted` from a spread wave's quota (a linear share of its recipients by now), atomically
 * across concurrent senders. Returns how many were granted.
 */
const takeSpreadQuota = async (deps: SenderDeps, wave: Wave, wanted: number): Promise<number> => {
  const allowed = spreadQuota(wave, deps.now());
  // n never exceeds the quota, so the first take (no `dispatched` yet) cannot overshoot either.
  for (let n = Math.min(wanted, allowed), tries = 0; n > 0 && tries < 5; tries++) {
    try {
      await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.table,
          Key: waveKey(wave.id),
          UpdateExpression: 'ADD dispatched :n',
          ConditionExpression: 'attribute_not_exists(dispatched) OR dispatched <= :limit',
          ExpressionAttributeValues: { ':n': n, ':limit': allowed - n },
        }),
      );
      return n;
    } catch (error) {
      ignoreConflict(error);
      const out = await deps.ddb.send(
        new GetCommand({
          TableName: deps.table,
          Key: waveKey(wave.id),
          ProjectionExpression: 'dispatched',
          ConsistentRead: true,
        }),
      );
      n = Math.min(wanted, allowed - Number(out.Item?.dispatched ?? 0));
    }
  }
  return 0;
};

const returnSpreadQuota = async (deps: SenderDeps, wave: Wave, n: number) => {
  await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: waveKey(wave.id),
      UpdateExpression: 'ADD dispatched :n',
      ExpressionAttributeValues: { ':n': -n },
    }),
  );
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

/**
 * The account's send rate shared by every sender: one counter item per second in the table, taken from by a
 * conditional ADD, so concurrent senders (Lambda runs, the CLI) together send at most `rate` emails a second.
 */
export class SharedRateLimiter {
  readonly rate: number;
  private readonly ddb: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(ddb: DynamoDBDocumentClient, table: string, rate: number) {
    this.ddb = ddb;
    this.table = table;
    this.rate = Math.max(1, Math.floor(rate));
  }

  /** Waits until `count` (at most `rate`) emails may go out now, and counts them. */
  async take(count: number): Promise<void> {
    const n = Math.min(count, this.rate);
    for (;;) {
      const nowMs = Date.now();
      const second = Math.floor(nowMs / 1000);
      try {
        await this.ddb.send(
          new UpdateCommand({
            TableName: this.table,
            Key: sendRateKey(second),
            UpdateExpression: 'ADD used :n SET expiresAt = :ttl',
            ConditionExpression: 'attribute_not_exists(used) OR used <= :limit',
            ExpressionAttributeValues: { ':n': n, ':limit': this.rate - n, ':ttl': second + 3600 },
          }),
        );
        // A grant that came back after its second ended is spent but stale: sending on it now would put
        // two seconds' budgets into this one. Leave it counted (never over the rate) and ask again.
        if (Math.floor(Date.now() / 1000) === second) return;
      } catch (error) {
        ignoreConflict(error);
        // This second is used up: wait for the next one (with jitter, so senders do not collide).
        await sleep(1000 - (Date.now() % 1000) + Math.random() * 20);
      }
    }
  }
}
