/**
 * The one description of the system. The CDK stack (`infra/stack.ts`) and the local runtime
 * (`infra/local/`) both read it, so the table, the functions, their routes, schedules and stream wiring
 * cannot drift apart. Plain data: no CDK or SDK types here.
 */

import { ERASURE_NOTICE_SORT_KEY, GSI1, WAVES_INDEX } from '#shared/store/keys.ts';
import type { FunctionSpec } from './function-spec.ts';

export { ENV } from '#shared/core/env.ts';
export { USER_POOL } from '#shared/team/user-pool.ts';

export const TABLE = {
  /** Logical id in CDK; the physical name locally. */
  name: 'nps',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** DynamoDB's TTL attribute (epoch seconds). TTL deletions are ignored by the aggregator. */
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    /**
     * Overloaded GSI: due waves (`DUE` / sendAt#waveId, only while a wave is scheduled, so the
     * dispatcher never scans) and feedback by day (`FEEDBACK#day` / time#wave#contact).
     */
    { ...GSI1, projection: 'ALL' },
    /**
     * Every wave (`wave` / sendAt), keys only, so updating a wave's counters never writes to it: erasure
     * lists all waves and retention the old ones without a scan.
     */
    { ...WAVES_INDEX, projection: 'KEYS_ONLY' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];

export type {
  FunctionSpec,
  ItemRead,
  ItemWrite,
  Schedule,
  StreamFilter,
  TableAccess,
  Trigger,
} from './function-spec.ts';

export const FUNCTIONS = {
  surveyHttp: {
    entry: 'functions/survey-http.ts',
    description: 'Public survey pages: score links, follow-up answers, dwell commits, unsubscribe',
    trigger: { kind: 'http' },
    // Reads a link's recipient and response; writes the response, the link's request budget and an
    // unsubscribe. A digest reader's one-click opt-out reads their token's item and deletes it and the reader
    // (by key, in the DIGEST partition only). Never batch-writes or scans; /health asks DynamoDB to describe
    // the table.
    table: {
      read: { actions: ['GetItem', 'BatchGetItem'], partitions: ['WAVE#*', 'DIGEST'] },
      write: { actions: ['PutItem', 'UpdateItem'], partitions: ['WAVE#*', 'RATE#*', 'CONTACT#*'] },
      remove: { actions: ['DeleteItem'], partitions: ['DIGEST'] },
      describe: true,
    },
    // Caps what anonymous callers can run at once, and keeps the rest of the account's concurrency for the
    // sender (docs/security.md: CloudFront and AWS WAF in front of it).
    reservedConcurrency: 50,
    sendsEmail: false,
    signsLinks: true,
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  sendDueWaves: {
    entry: 'functions/send-due-waves.ts',
    description: 'Sends the survey emails of every wave that is due',
    trigger: { kind: 'schedule', schedule: { kind: 'rate', minutes: 1 } },
    // Due waves from gsi1, recipients and their contacts; claims and sent marks (transactions of updates),
    // the account-wide send-rate counter, and a recurring wave's next occurrence (put and batch-written);
    // reminders: due waves from gsi1, whether recipients answered (their responses), reminder claims.
    table: {
      read: { actions: ['GetItem', 'BatchGetItem', 'Query'], partitions: ['WAVE#*', 'CONTACT#*'] },
      write: {
        actions: ['PutItem', 'UpdateItem', 'BatchWriteItem'],
        partitions: ['WAVE#*', 'CONTACT#*', 'SENDRATE#*'],
      },
      indexes: [GSI1.name],
    },
    sendsEmail: true,
    signsLinks: true,
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  aggregateResponses: {
    entry: 'functions/aggregate-responses.ts',
    description: 'Keeps exact score histograms from the response stream',
    trigger: {
      kind: 'stream',
      // Large batches: every counter and every source partition's checkpoint is written once per
      // transaction, so a batch of 1,000 changes costs little more than one of 100.
      batchSize: 1000,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 10,
      sortKeyPrefixes: ['RESP#', 'RCPT#'],
    },
    // Checkpoints per source partition and staged deltas (APPLIED#…); counters in AGG#.
    table: {
      read: { actions: ['BatchGetItem', 'GetItem', 'Query'], partitions: ['APPLIED#*'] },
      write: { actions: ['UpdateItem', 'PutItem'], partitions: ['APPLIED#*', 'AGG#*'] },
      // Its own staged deltas, once drained.
      remove: { actions: ['DeleteItem'], partitions: ['APPLIED#STAGED'] },
    },
    sendsEmail: false,
    signsLinks: false,
    memoryMb: 512,
    timeoutSeconds: 60,
  },
  publishEvents: {
    entry: 'functions/publish-events.ts',
    description: 'Puts committed and changed responses on the event bus, from the response stream',
    trigger: {
      kind: 'stream',
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 10,
      // Responses, and the erasure notices that become ContactErased; alert claims (AlertSent) and
      // recipients whose reminder was sent (ReminderSent), not every recipient change.
      sortKeyPrefixes: ['RESP#', ERASURE_NOTICE_SORT_KEY],
      alsoWhen: [
        { partitionKeyPrefix: 'ALERT#', newImage: { status: 'sent' } },
        { sortKeyPrefix: 'RCPT#', newImage: { reminder: 'sent' } },
      ],
    },
    // The respondent (recipient item) of a response's personal-data event.
    table: { read: { actions: ['BatchGetItem'], partitions: ['WAVE#*'] } },
    sendsEmail: false,
    signsLinks: false,
    publishesEvents: true,
    memoryMb: 256,
    timeoutSeconds: 60,
  },
  sendDigest: {
    entry: 'functions/send-digest.ts',
    description: 'Emails the leadership digest',
    trigger: { kind: 'schedule', schedule: { kind: 'weekly', weekDay: 'MON', hour: 8, minute: 0 } },
    // Counters, readers and benchmarks; the day-indexed feedback from gsi1. Writes only its period ledger
    // (DIGEST#…), so it cannot change who reads the digest (the DIGEST partition). The names of the waves the
    // comments came from are read by key.
    table: {
      read: { actions: ['Query', 'BatchGetItem'], partitions: ['AGG#*', 'DIGEST', 'BENCHMARK', 'WAVE#*'] },
      write: { actions: ['PutItem', 'UpdateItem', 'DeleteItem'], partitions: ['DIGEST#*'] },
      indexes: [GSI1.name],
    },
    sendsEmail: true,
    signsLinks: false,
    linksToSurvey: true,
    linksToConsole: true,
    memoryMb: 512,
    timeoutSeconds: 120,
  },
  sesEvents: {
    entry: 'functions/ses-events.ts',
    description: 'Suppresses contacts on SES bounces and complaints; settles the claims SES accepted',
    trigger: { kind: 'sesEvents', detailTypes: ['Email Bounced', 'Email Complaint Received', 'Email Sent'] },
    // A contact's suppression; an accepted email's recipient, read first, then pending → sent (with the
    // contact's fatigue mark, a batch write) or the reminder's claimed → sent.
    table: {
      read: { actions: ['GetItem'], partitions: ['WAVE#*'] },
      write: { actions: ['UpdateItem', 'BatchWriteItem'], partitions: ['CONTACT#*', 'WAVE#*'] },
    },
    sendsEmail: false,
    signsLinks: false,
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  applyRetention: {
    entry: 'functions/apply-retention.ts',
    description: 'Removes the personal data of waves older than the retention period',
    trigger: { kind: 'schedule', schedule: { kind: 'daily', hour: 3, minute: 30 } },
    // Old waves from the waves index, their items page by page; anonymising updates of recipients,
    // responses, the wave's progress mark and the contacts last surveyed by them.
    table: {
      read: { actions: ['BatchGetItem', 'Query'], partitions: ['WAVE#*'] },
      write: { actions: ['UpdateItem'], partitions: ['WAVE#*', 'CONTACT#*'] },
      indexes: ['waves'],
    },
    appliesRetention: true,
    sendsEmail: false,
    signsLinks: false,
    memoryMb: 512,
    timeoutSeconds: 900,
  },
  sendOwnerAlerts: {
    entry: 'functions/send-owner-alerts.ts',
    description:
      'Owner alerts: a detractor or passive answer, or a referral, emailed to the owner of the contact',
    trigger: { kind: 'responseEvents', detailTypes: ['ResponseDetails'] },
    // The answer's recipient (its owner) and wave (name, product, alert address); the alert's claim.
    table: {
      read: { actions: ['GetItem'], partitions: ['WAVE#*'] },
      write: { actions: ['PutItem', 'UpdateItem'], partitions: ['ALERT#*'] },
    },
    sendsEmail: true,
    signsLinks: false,
    linksToConsole: true,
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  deliverWebhooks: {
    entry: 'functions/deliver-webhooks.ts',
    description: 'Alert webhooks: each response event POSTed to the matching subscriptions of nps alert add',
    trigger: { kind: 'responseEvents', detailTypes: ['ResponseDetails'] },
    // The subscriptions; one claim per delivery, so a retried event posts only what failed.
    table: {
      read: { actions: ['Query'], partitions: ['ALERTSUB'] },
      write: { actions: ['PutItem', 'UpdateItem'], partitions: ['DELIVERY#*'] },
    },
    sendsEmail: false,
    signsLinks: false,
    memoryMb: 256,
    timeoutSeconds: 60,
  },
  consoleHttp: {
    entry: 'functions/console-http.ts',
    description: 'Marketing console: sign-in on the Cognito user pool, pages and actions by role',
    trigger: { kind: 'http', mount: '/console' },
    // Its own items (the activity log; sign-in counters, backoffs and known devices; signed-out sessions;
    // each user's request budget) and the same calls as the CLI's: waves listed from the waves index,
    // created (batch-written, undone on failure) and cancelled; counters, readers, contacts, benchmarks and
    // gsi1's comments read; readers added and removed; a contact erased
    // across every partition of the personal-data map (recipients, responses, link budgets, the reader, the
    // activity entries naming them, the tombstone); webhook subscriptions listed, added and removed (ALERTSUB);
    // "Send now" marks each reader's digest of the period (DIGEST#…), so a second click sends nothing unasked.
    table: {
      read: {
        actions: ['GetItem', 'BatchGetItem', 'Query'],
        partitions: [
          'ACTIVITY',
          'WAVE#*',
          'AGG#*',
          'DIGEST',
          'CONTACT#*',
          'BENCHMARK',
          'RATE#*',
          'ALERTSUB',
          'SIGNIN#*',
          'SESSION#*',
        ],
      },
      write: {
        actions: ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
        partitions: [
          'ACTIVITY',
          'SIGNIN#*',
          'SESSION#*',
          'USERRATE#*',
          'WAVE#*',
          'DIGEST',
          'DIGEST#*',
          'CONTACT#*',
          'RATE#*',
          'ALERTSUB',
        ],
      },
      indexes: [GSI1.name, WAVES_INDEX.name],
    },
    // Signing in through Cognito's public client needs no IAM grant, and the console manages no users (the
    // CLI does, with the caller's own credentials). Digest readers' "send now" emails the digest; the New wave
    // preview shows the survey links as the sender writes them, so it knows the survey pages' address.
    sendsEmail: true,
    signsLinks: false,
    linksToSurvey: true,
    // Audience files: the browser PUTs them to the bucket by a presigned address; the console reads them
    // back as a stream and deletes them once the wave exists.
    uploads: true,
    // Its sign-in page is open to anyone: a flood of it gets throttled (429) instead of taking the account's
    // concurrency from the sender and the survey pages. A marketing team's clicks need a handful at once.
    reservedConcurrency: 20,
    memoryMb: 1024,
    timeoutSeconds: 30,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

/**
 * The console's upload bucket: audience files under `audience/<user>/`, private, deleted by the console once
 * used and by the lifecycle after a day whatever happens. Locally an S3 emulator (S3_PORT) holds the bucket.
 */
export const UPLOADS = {
  prefix: 'audience/',
  expireDays: 1,
  localBucket: 'nps-uploads',
} as const;

/** The deployed stack, one per stage (`-c nps:stage=prod`), and the outputs the CLI reads (`--stage prod`). */
export const STACK = {
  baseName: 'NpsSurveys',
  outputs: {
    surveyUrl: 'SurveyUrl',
    tableName: 'TableName',
    fromAddress: 'FromAddress',
    configurationSet: 'ConfigurationSetName',
    digestTimeZone: 'DigestTimeZone',
    /** The console's address (its Function URL and /console), and the user pool `nps user …` manages. */
    consoleUrl: 'ConsoleUrl',
    userPoolId: 'UserPoolId',
    /** What surveys ask about when a wave names nothing else (`-c nps:product=NAME`); absent without it. */
    product: 'Product',
  },
} as const;

/** `NpsSurveys` for the default stage, `NpsSurveys-<stage>` for any other. */
export const stackName = (stage?: string): string => {
  if (stage === undefined || stage === '' || stage === 'default') return STACK.baseName;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(stage))
    throw new Error(
      `A stage is a letter then up to 30 letters, digits or dashes, not "${stage.slice(0, 40)}"`,
    );
  return `${STACK.baseName}-${stage}`;
};
