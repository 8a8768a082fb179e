/**
 * The one description of the system. The CDK stack (`infra/stack.ts`) and the local runtime
 * (`infra/local/`) both read it, so the table, the functions, their routes, schedules and stream wiring
 * cannot drift apart. Plain data: no CDK or SDK types here.
 */

export { ENV } from '#shared/core/env.ts';

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
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ],
} as const;

/** What a function may do with the table; CDK turns it into the least grant. */
export type TableAccess = 'read' | 'readWrite' | 'none';

export type Schedule =
  /** Every N minutes. */
  | { kind: 'rate'; minutes: number }
  /** Weekly at a local time in the configured digest time zone. */
  | {
      kind: 'weekly';
      weekDay: 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';
      hour: number;
      minute: number;
    };

export type Trigger =
  | { kind: 'schedule'; schedule: Schedule }
  | { kind: 'http' }
  | {
      kind: 'stream';
      batchSize: number;
      maxBatchingWindowSeconds: number;
      retryAttempts: number;
      /** Only these item kinds reach the function (Lambda event filter; the local poller applies the same). */
      sortKeyPrefixes: readonly string[];
    }
  | { kind: 'sesEvents'; detailTypes: readonly string[] };

export interface FunctionSpec {
  /** Entry file, relative to the repository root; exports `handler`. */
  entry: string;
  description: string;
  trigger: Trigger;
  table: TableAccess;
  /**
   * Partition-key prefixes a `read` function may still write (its own bookkeeping), granted with a
   * `dynamodb:LeadingKeys` condition so it can change nothing else.
   */
  writesPartitions?: readonly string[];
  sendsEmail: boolean;
  signsLinks: boolean;
  /** Publishes response events to the event bus (EVENT_BUS_NAME and events:PutEvents on that bus). */
  publishesEvents?: boolean;
  memoryMb: number;
  timeoutSeconds: number;
}

export const FUNCTIONS = {
  surveyHttp: {
    entry: 'functions/survey-http.ts',
    description: 'Public survey pages: score links, follow-up answers, dwell commits, unsubscribe',
    trigger: { kind: 'http' },
    table: 'readWrite',
    sendsEmail: false,
    signsLinks: true,
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  sendDueWaves: {
    entry: 'functions/send-due-waves.ts',
    description: 'Sends the survey emails of every wave that is due',
    trigger: { kind: 'schedule', schedule: { kind: 'rate', minutes: 1 } },
    table: 'readWrite',
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
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 10,
      sortKeyPrefixes: ['RESP#', 'RCPT#'],
    },
    table: 'readWrite',
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
      sortKeyPrefixes: ['RESP#'],
    },
    table: 'read',
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
    table: 'read',
    // Which readers a period's scheduled digest reached, so a retried run sends no second copy.
    writesPartitions: ['DIGEST#'],
    sendsEmail: true,
    signsLinks: false,
    memoryMb: 512,
    timeoutSeconds: 120,
  },
  sesEvents: {
    entry: 'functions/ses-events.ts',
    description: 'Suppresses contacts on SES bounce and complaint events',
    trigger: { kind: 'sesEvents', detailTypes: ['Email Bounced', 'Email Complaint Received'] },
    table: 'readWrite',
    sendsEmail: false,
    signsLinks: false,
    memoryMb: 256,
    timeoutSeconds: 30,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

/**
 * The deployed stack: one per stage (`cdk deploy -c nps:stage=prod`), and the outputs the CLI reads to work
 * against it (`nps --stage prod …`).
 */
export const STACK = {
  baseName: 'NpsSurveys',
  outputs: {
    surveyUrl: 'SurveyUrl',
    tableName: 'TableName',
    fromAddress: 'FromAddress',
    configurationSet: 'ConfigurationSetName',
    digestTimeZone: 'DigestTimeZone',
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
