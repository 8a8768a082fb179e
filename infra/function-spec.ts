/**
 * The shape of one function in the system description (infra/system.ts): its entry, trigger, schedule or
 * stream wiring, the table access it is granted, and its size. Plain data: no CDK or SDK types here.
 */
import type { IndexName } from './system.ts';

/** Item reads and writes a grant can name; Scan is never granted (nothing on a request path scans). */
export type ItemRead = 'GetItem' | 'BatchGetItem' | 'Query';
export type ItemWrite = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';

/**
 * What a function may do with the table, derived from what its code touches; CDK turns it into the least
 * grant. Partitions are partition-key patterns (IAM `StringLike`: `*` matches any tail) granted through a
 * `dynamodb:LeadingKeys` condition, so a function can touch no other partition. Index queries are granted
 * per named index, without that condition: an index's partition key is not the table's (docs/security.md).
 */
export interface TableAccess {
  read?: { actions: readonly ItemRead[]; partitions: readonly string[] };
  write?: { actions: readonly ItemWrite[]; partitions: readonly string[] };
  /** Deletes allowed in other partitions than its writes (e.g. only a digest reader's items). */
  remove?: { actions: readonly 'DeleteItem'[]; partitions: readonly string[] };
  /** Indexes it queries (Query only). */
  indexes?: readonly IndexName[];
  /** dynamodb:DescribeTable, for a health check that asks whether the table answers. */
  describe?: boolean;
}

export type Schedule =
  /** Every N minutes. */
  | { kind: 'rate'; minutes: number }
  /** Daily at a local time in the configured digest time zone. */
  | { kind: 'daily'; hour: number; minute: number }
  /** Weekly at a local time in the configured digest time zone. */
  | {
      kind: 'weekly';
      weekDay: 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';
      hour: number;
      minute: number;
    };

export type Trigger =
  | { kind: 'schedule'; schedule: Schedule }
  /**
   * A Function URL. With `mount`, the function serves the paths under it (e.g. `/console`): in AWS behind its
   * own URL, locally on the app's port beside the survey pages, which get every other path.
   */
  | { kind: 'http'; mount?: '/console' }
  | {
      kind: 'stream';
      batchSize: number;
      maxBatchingWindowSeconds: number;
      retryAttempts: number;
      /** Only these item kinds reach the function (Lambda event filter; the local poller applies the same). */
      sortKeyPrefixes: readonly string[];
      /** And changes matching one of these (a partition key prefix, or a sort key prefix with new values). */
      alsoWhen?: readonly StreamFilter[];
    }
  | { kind: 'sesEvents'; detailTypes: readonly string[] }
  /** The pipeline's own events on its bus (EVENT_SOURCE): an EventBridge rule in AWS, the local bus locally. */
  | { kind: 'responseEvents'; detailTypes: readonly string[] };

/** One more Lambda event filter on a stream: every field given must match. */
export interface StreamFilter {
  partitionKeyPrefix?: string;
  sortKeyPrefix?: string;
  /** String attributes of the item after the change, each equal to its value. */
  newImage?: Readonly<Record<string, string>>;
}

export interface FunctionSpec {
  /** Entry file, relative to the repository root; exports `handler`. */
  entry: string;
  description: string;
  trigger: Trigger;
  /** TABLE_NAME and exactly this access; absent: neither. */
  table?: TableAccess;
  sendsEmail: boolean;
  signsLinks: boolean;
  /** Knows the survey pages' address (PUBLIC_BASE_URL) without signing links: the console's email preview. */
  linksToSurvey?: boolean;
  /** Publishes response events to the event bus (EVENT_BUS_NAME and events:PutEvents on that bus). */
  publishesEvents?: boolean;
  /** Applies the retention period (RETENTION_MONTHS, from the `nps:retentionMonths` context when set). */
  appliesRetention?: boolean;
  /** Links to the console in what it sends (CONSOLE_URL). */
  linksToConsole?: boolean;
  /** Presigns uploads to, reads and deletes from the console's upload bucket (UPLOADS): UPLOAD_BUCKET. */
  uploads?: boolean;
  /** Concurrent executions reserved for it, which also caps it: a public endpoint cannot eat the account's. */
  reservedConcurrency?: number;
  memoryMb: number;
  timeoutSeconds: number;
}
