/**
 * Exact counters from the item stream. Each response or recipient change contributes the difference between
 * what its new image and its old image count. A batch is merged so each counter is written once, and every
 * source item carries an "applied" marker (its last stream position) written in the same transaction as the counters: a
 * redelivered or retried record finds its version already applied and adds nothing. So the counters equal
 * a recount of the responses after duplicates, retries and crashes.
 */
import {
  type DynamoDBDocumentClient,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type SurveyKind, scalePoints } from '#shared/core/survey.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import type { ItemChange } from '#shared/store/item-change.ts';
import { ALL_TIME, aggregateKey, appliedKey, dayPeriod, SEGMENTS_PERIOD } from '#shared/store/keys.ts';

/** counter key (pk|sk) → attribute → delta */
export type Deltas = Map<string, Map<string, number>>;

export const counterId = (pk: string, sk: string) => `${pk}|${sk}`;

const add = (deltas: Deltas, pk: string, sk: string, attribute: string, by: number) => {
  if (by === 0) return;
  const id = counterId(pk, sk);
  let counter = deltas.get(id);
  if (!counter) {
    counter = new Map();
    deltas.set(id, counter);
  }
  counter.set(attribute, (counter.get(attribute) ?? 0) + by);
};

/** The scopes an item counts in: everything of its kind, its wave, its locale, each segment value. */
export const scopesOf = (image: Record<string, unknown>): string[] => {
  const scopes = ['all', `wave#${image.waveId as string}`];
  if (typeof image.locale === 'string') scopes.push(`locale#${image.locale}`);
  const props = (image.props ?? {}) as Record<string, string>;
  for (const [column, value] of Object.entries(props)) scopes.push(`seg#${column}#${value}`);
  return scopes;
};

/**
 * What one image of an item counts, with sign: +1 for the new image, −1 for the old. The live aggregator
 * and `nps aggregates verify` (sign +1 over every current item) share it, so they count the same things.
 */
export const contribute = (
  deltas: Deltas,
  segments: Set<string>,
  image: Record<string, unknown> | undefined,
  sign: 1 | -1,
) => {
  if (!image) return;
  const kind = image.kind as SurveyKind;
  const sk = image.sk as string;
  if (sk.startsWith('RESP#')) {
    const status = image.status;
    const day = image.day as string | undefined;
    const periods = day ? [ALL_TIME, dayPeriod(day)] : [ALL_TIME];
    const scopes = scopesOf(image);
    for (const scope of scopes) {
      if (scope.startsWith('seg#')) segments.add(scope.slice(4));
      const pk = aggregateKey(kind, scope, ALL_TIME).pk;
      for (const period of periods) {
        if (status === 'committed' && typeof image.score === 'number') {
          add(deltas, pk, period, `s${image.score}`, sign);
          add(deltas, pk, period, 'n', sign);
        } else if (status === 'quarantined') {
          add(deltas, pk, period, 'quarantined', sign);
        }
      }
    }
  } else if (sk.startsWith('RCPT#') && (image.status === 'skipped' || image.status === 'failed')) {
    // Why recipients were not sent, per wave (`nps wave status`).
    const reason = image.status === 'skipped' ? `skipped_${String(image.reason)}` : 'failed_send';
    add(deltas, aggregateKey(kind, `wave#${image.waveId as string}`, ALL_TIME).pk, ALL_TIME, reason, sign);
  } else if (sk.startsWith('RCPT#') && image.status === 'sent') {
    const day = typeof image.sentDay === 'string' ? image.sentDay : undefined;
    for (const scope of ['all', `wave#${image.waveId as string}`]) {
      const pk = aggregateKey(kind, scope, ALL_TIME).pk;
      add(deltas, pk, ALL_TIME, 'sent', sign);
      if (day) add(deltas, pk, dayPeriod(day), 'sent', sign);
    }
  }
};

/**
 * A change's position in the stream. Records of one item arrive in sequence-number order and a redelivery
 * repeats its number, so "applied up to" per item is exact even when an item is deleted and created again.
 */
const positionOf = (change: ItemChange): bigint => BigInt(change.sequenceNumber);

export interface ApplyResult {
  applied: number;
  duplicates: number;
  /** Sequence numbers of changes that could not be applied (to report as batch item failures). */
  failed: string[];
}

const MAX_TRANSACTION_ITEMS = 100;

/**
 * Applies a batch of changes. 1. Drop TTL expiries. 2. Read the applied markers and drop changes already
 * applied. 3. Group per item, merge counter deltas, and write markers and counters in transactions of at most
 * 100 items. A transaction that loses a race re-reads its markers and tries again.
 */
export const applyChanges = async (
  store: { ddb: DynamoDBDocumentClient; table: string },
  changes: readonly ItemChange[],
): Promise<ApplyResult> => {
  const byItem = new Map<string, ItemChange[]>();
  for (const change of changes) {
    if (change.expired) continue;
    const id = counterId(change.pk, change.sk);
    byItem.set(id, [...(byItem.get(id) ?? []), change]);
  }
  const result: ApplyResult = { applied: 0, duplicates: 0, failed: [] };
  let pending = [...byItem.values()];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const markers = await readMarkers(store, pending);
    const chunks = planTransactions(pending, markers, result);
    const retry: ItemChange[][] = [];
    for (const chunk of chunks) {
      try {
        await store.ddb.send(
          new TransactWriteCommand({ TransactItems: withTable(store.table, chunk.items) }),
        );
        result.applied += chunk.changeCount;
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException' || attempt >= 5) {
          result.failed.push(...chunk.groups.flatMap((g) => g.map((c) => c.sequenceNumber)));
          continue;
        }
        retry.push(...chunk.groups);
      }
    }
    pending = retry;
    if (retry.length) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
  }
  return result;
};

const readMarkers = async (
  store: { ddb: DynamoDBDocumentClient; table: string },
  groups: ItemChange[][],
): Promise<Map<string, string>> => {
  const keys = groups.map((g) => appliedKey((g[0] as ItemChange).pk, (g[0] as ItemChange).sk));
  const items = await batchGetAll(store.ddb, store.table, keys, { consistent: true });
  return new Map(
    items.map((item) => [counterId(item.pk as string, item.sk as string), item.position as string]),
  );
};

interface Chunk {
  items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
  groups: ItemChange[][];
  changeCount: number;
}

const planTransactions = (
  groups: ItemChange[][],
  markers: Map<string, string>,
  result: ApplyResult,
): Chunk[] => {
  const chunks: Chunk[] = [];
  let current: {
    groups: ItemChange[][];
    fresh: ItemChange[][];
    deltas: Deltas;
    segments: Map<string, Set<string>>;
  } = {
    groups: [],
    fresh: [],
    deltas: new Map(),
    segments: new Map(),
  };
  const flush = () => {
    if (current.fresh.length === 0) return;
    chunks.push(toChunk(current.fresh, current.deltas, current.segments, markers));
    current = { groups: [], fresh: [], deltas: new Map(), segments: new Map() };
  };
  for (const group of groups) {
    const first = group[0] as ItemChange;
    const marker = appliedKey(first.pk, first.sk);
    const applied = BigInt(markers.get(counterId(marker.pk, marker.sk)) ?? -1);
    const fresh = group
      .filter((c) => positionOf(c) > applied)
      .sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1));
    result.duplicates += group.length - fresh.length;
    if (fresh.length === 0) continue;
    const deltas: Deltas = new Map();
    const segments = new Map<string, Set<string>>();
    for (const change of fresh) {
      const kind = (change.newImage ?? change.oldImage)?.kind as string;
      const seen = segments.get(kind) ?? new Set<string>();
      segments.set(kind, seen);
      contribute(deltas, seen, change.oldImage, -1);
      contribute(deltas, seen, change.newImage, 1);
    }
    const merged = mergeInto(current.deltas, deltas, true);
    const size = current.fresh.length + 1 + merged + current.segments.size + segments.size;
    if (size > MAX_TRANSACTION_ITEMS) flush();
    mergeInto(current.deltas, deltas, false);
    for (const [kind, set] of segments) {
      const into = current.segments.get(kind) ?? new Set<string>();
      for (const s of set) into.add(s);
      current.segments.set(kind, into);
    }
    current.fresh.push(fresh);
  }
  flush();
  return chunks;
};

/** Merges `from` into `into`; with `dryRun`, only counts the counters `into` would then hold. */
const mergeInto = (into: Deltas, from: Deltas, dryRun: boolean): number => {
  let size = into.size;
  for (const [id, attributes] of from) {
    if (!into.has(id)) size++;
    if (dryRun) continue;
    const target = into.get(id) ?? new Map<string, number>();
    for (const [attribute, by] of attributes) target.set(attribute, (target.get(attribute) ?? 0) + by);
    into.set(id, target);
  }
  return size;
};

const toChunk = (
  groups: ItemChange[][],
  deltas: Deltas,
  segments: Map<string, Set<string>>,
  markers: Map<string, string>,
): Chunk => {
  const items: Chunk['items'] = [];
  for (const group of groups) {
    const first = group[0] as ItemChange;
    const key = appliedKey(first.pk, first.sk);
    const previous = markers.get(counterId(key.pk, key.sk));
    // The group is sorted by position: its last change is the furthest applied.
    const position = positionOf(group[group.length - 1] as ItemChange).toString();
    items.push({
      Update: {
        TableName: '',
        Key: key,
        UpdateExpression: 'SET #p = :p',
        ConditionExpression: previous === undefined ? 'attribute_not_exists(#p)' : '#p = :prev',
        ExpressionAttributeNames: { '#p': 'position' },
        ExpressionAttributeValues: {
          ':p': position,
          ...(previous === undefined ? {} : { ':prev': previous }),
        },
      },
    });
  }
  for (const [id, attributes] of deltas) {
    const nonZero = [...attributes].filter(([, by]) => by !== 0);
    if (nonZero.length === 0) continue;
    const [pk, sk] = id.split('|') as [string, string];
    items.push({
      Update: {
        TableName: '',
        Key: { pk, sk },
        UpdateExpression: `ADD ${nonZero.map((_, i) => `#a${i} :d${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(nonZero.map(([a], i) => [`#a${i}`, a])),
        ExpressionAttributeValues: Object.fromEntries(nonZero.map(([, by], i) => [`:d${i}`, by])),
      },
    });
  }
  for (const [kind, values] of segments) {
    if (values.size === 0) continue;
    items.push({
      Update: {
        TableName: '',
        Key: aggregateKey(kind, 'all', SEGMENTS_PERIOD),
        UpdateExpression: 'ADD #v :v',
        ExpressionAttributeNames: { '#v': 'values' },
        ExpressionAttributeValues: { ':v': new Set(values) },
      },
    });
  }
  return { items, groups, changeCount: groups.reduce((n, g) => n + g.length, 0) };
};

/** Fills in the table name (kept out of the planning code above). */
const withTable = (table: string, items: Chunk['items']) => {
  for (const item of items) if (item.Update) item.Update.TableName = table;
  return items;
};

export interface Counts {
  histogram: number[];
  n: number;
  quarantined: number;
  sent: number;
  /** Recipients skipped at send time, by reason (kept per wave). */
  skipped: Record<string, number>;
  /** Recipients whose send failed (kept per wave). */
  failed: number;
}

const emptyCounts = (kind: SurveyKind): Counts => ({
  histogram: scalePoints(kind).map(() => 0),
  n: 0,
  quarantined: 0,
  sent: 0,
  skipped: {},
  failed: 0,
});

const addCounts = (kind: SurveyKind, into: Counts, item: Record<string, unknown>) => {
  scalePoints(kind).forEach((score, i) => {
    into.histogram[i] = (into.histogram[i] ?? 0) + Number(item[`s${score}`] ?? 0);
  });
  into.n += Number(item.n ?? 0);
  into.quarantined += Number(item.quarantined ?? 0);
  into.sent += Number(item.sent ?? 0);
  for (const [attribute, value] of Object.entries(item)) {
    const count = Number(value);
    if (attribute.startsWith('skipped_') && count > 0) {
      const reason = attribute.slice('skipped_'.length);
      into.skipped[reason] = (into.skipped[reason] ?? 0) + count;
    } else if (attribute.startsWith('failed_')) into.failed += count;
  }
};

/**
 * Reads the counters of one scope: all time, or the days from `since` (inclusive) to `until` (exclusive).
 * Reads at most one item per day; never the responses.
 */
export const readCounts = async (
  store: { ddb: DynamoDBDocumentClient; table: string },
  kind: SurveyKind,
  scope: string,
  range?: { since: string; until?: string },
): Promise<Counts> => {
  const counts = emptyCounts(kind);
  const pk = aggregateKey(kind, scope, ALL_TIME).pk;
  const pages = paginateQuery(
    { client: store.ddb },
    {
      TableName: store.table,
      ConsistentRead: true,
      ...(range
        ? {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': pk,
              ':from': dayPeriod(range.since),
              ':to': range.until ? dayPeriod(`${range.until}`) : 'DAY#~',
            },
          }
        : {
            KeyConditionExpression: 'pk = :pk AND sk = :all',
            ExpressionAttributeValues: { ':pk': pk, ':all': ALL_TIME },
          }),
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (range?.until && item.sk === dayPeriod(range.until)) continue;
      addCounts(kind, counts, item);
    }
  }
  return counts;
};

/** The `column#value` pairs that have counters, for one column or all. */
export const segmentValues = async (
  store: { ddb: DynamoDBDocumentClient; table: string },
  kind: SurveyKind,
  column?: string,
): Promise<{ column: string; value: string }[]> => {
  const out = await store.ddb.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: {
        ':pk': aggregateKey(kind, 'all', SEGMENTS_PERIOD).pk,
        ':sk': SEGMENTS_PERIOD,
      },
    }),
  );
  const values = [...((out.Items?.[0]?.values as Set<string> | undefined) ?? [])];
  return values
    .map((v) => ({ column: v.slice(0, v.indexOf('#')), value: v.slice(v.indexOf('#') + 1) }))
    .filter((s) => column === undefined || s.column === column)
    .sort((a, b) => a.column.localeCompare(b.column) || a.value.localeCompare(b.value));
};
