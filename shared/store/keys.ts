/**
 * Key builders of the single-table design, one group per entity. Pure; every read and write goes
 * through these so an item's shape is defined in one place.
 *
 *   Wave       WAVE#id        META
 *   Recipient  WAVE#id#NN     RCPT#contactId   (NN: the contact's shard of the wave, 00–127: write sharding)
 *   Response   WAVE#id#NN     RESP#contactId
 *   Lane lock  WAVE#id#Lg     LOCK             (the batch a sender has claimed in lane g of the wave, if any)
 *   Checkpoint APPLIED#WAVE#id#Gg POSITION (the aggregator's stream positions applied up to: one attribute per
 *              source partition, 32 shards of a wave to an item)
 *   Staged     APPLIED#STAGED stageId   (merged counter deltas staged with the checkpoints, drained into AGG#)
 *   Contact    CONTACT#id     META
 *   Surveyed   CONTACT#id     SURVEYED  (the fatigue mark: when our last email reached them, and the wave)
 *   Erasure notice CONTACT#id ERASED  (the stream's outbox for ContactErased: the contact id only, TTL)
 *   Aggregate  AGG#kind#scope ALL | DAY#yyyy-mm-dd
 *   Reader     DIGEST         READER#address
 *   Opt-out    DIGEST         OPTOUT#token  (the reader's unguessable one-click unsubscribe token → address)
 *   Digest sent DIGEST#since#until  READER#readerId  (the period's scheduled digest went to a reader, TTL; the
 *              id is the address's one-way hash, so the ledger holds no address)
 *   Rate       RATE#wave#contact  MIN#epochMinute  (per-link request counter, TTL)
 *              RATE#wave#contact  UNSUB#epochMinute  (the unsubscribe link's own counter, TTL)
 *   Send rate  SENDRATE#ses   SEC#epochSecond  (emails sent account-wide in that second, shared by senders, TTL)
 *   Benchmark  BENCHMARK      NAME#name  (an NPS the user trusts to compare with, and its source)
 *   GSI1: due waves (DUE / sendAt#id) and feedback by day (FEEDBACK#day / at#wave#contact)
 *   Waves index: every wave (type `wave` / sendAt), keys only: erasure and retention find waves without a scan
 */
import { contactIdOf } from '#shared/core/identity.ts';

export const waveKey = (waveId: string) => ({ pk: `WAVE#${waveId}`, sk: 'META' });

/**
 * A wave's recipients and responses are spread over this many partition keys, by contact, so no key takes
 * more than a small share of a wave's writes (DynamoDB gives one partition key at most 1,000 write units a
 * second). 128 keeps the hottest key under 0.05 item writes per recipient over a wave's life even for a few
 * thousand recipients, where the hash spreads them least evenly (docs/scale.md).
 */
export const WAVE_SHARDS = 128;
/** The shard of a contact within any wave: FNV-1a of the contact id. Pure and stable. */
export const shardOf = (contactId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < contactId.length; i++) {
    hash ^= contactId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % WAVE_SHARDS;
};
/** One of a wave's partitions of recipients and responses. */
export const waveShardPartition = (waveId: string, shard: number) =>
  `WAVE#${waveId}#${String(shard).padStart(3, '0')}`;
/** Every partition of a wave's recipients and responses, in shard order. */
export const waveShardPartitions = (waveId: string): string[] =>
  Array.from({ length: WAVE_SHARDS }, (_, shard) => waveShardPartition(waveId, shard));
/** The wave of a wave partition (`WAVE#id` or `WAVE#id#NN`); a wave id never holds `#`. */
export const waveIdOfPartition = (pk: string): string => pk.split('#')[1] ?? '';
export const recipientKey = (waveId: string, contactId: string) => ({
  pk: waveShardPartition(waveId, shardOf(contactId)),
  sk: `RCPT#${contactId}`,
});
export const responseKey = (waveId: string, contactId: string) => ({
  pk: waveShardPartition(waveId, shardOf(contactId)),
  sk: `RESP#${contactId}`,
});
/**
 * A wave's shards are sent in lanes, each a run of consecutive shards with one lock: a sender holds a lane
 * while it sends one batch of it, and several lanes are sent at once. A lane holds a few batches' worth at
 * least (so batches stay full); the largest waves have one lane per shard, so many senders can share them.
 */
const MAX_LANES = WAVE_SHARDS;
/** Recipients a lane holds at least, when the wave is large enough for more than one. */
const RECIPIENTS_PER_LANE = 200;
/** The lanes of a wave of `recipients`: a power of two from 1 to 128, so lanes divide the shards evenly. */
export const lanesFor = (recipients: number): number => {
  let lanes = 1;
  while (lanes < MAX_LANES && lanes * 2 * RECIPIENTS_PER_LANE <= recipients) lanes *= 2;
  return lanes;
};
/** The shards of one lane of a wave with `lanes` lanes: [first, last]. */
export const laneShards = (lane: number, lanes: number): [number, number] => {
  const width = WAVE_SHARDS / lanes;
  return [lane * width, lane * width + width - 1];
};
/** The lock of one lane of a wave, in a partition of its own so its writes do not add to a shard's. */
export const laneLockKey = (waveId: string, lane: number) => ({ pk: `WAVE#${waveId}#L${lane}`, sk: 'LOCK' });
/** Shards of a wave whose checkpoints share one item (so a batch touching all 128 writes 4 items, not 128). */
const SHARDS_PER_CHECKPOINT = 32;
/**
 * Where the aggregator keeps the stream position one source partition is applied up to: an attribute of a
 * checkpoint item shared by 32 shards of a wave (`p000`…`p127`), or `p` of an item of its own for any other
 * partition.
 */
export const checkpointOf = (sourcePk: string): { key: { pk: string; sk: string }; attribute: string } => {
  const shard = /^(WAVE#[^#]+)#(\d+)$/.exec(sourcePk);
  if (!shard) return { key: { pk: `APPLIED#${sourcePk}`, sk: 'POSITION' }, attribute: 'p' };
  const n = Number(shard[2]);
  return {
    key: { pk: `APPLIED#${shard[1]}#G${Math.floor(n / SHARDS_PER_CHECKPOINT)}`, sk: 'POSITION' },
    attribute: `p${shard[2]}`,
  };
};
/** Deltas the aggregator staged with its checkpoints and has not yet added to the counters. */
export const STAGED_PARTITION = 'APPLIED#STAGED';
export const stagedKey = (stageId: string) => ({ pk: STAGED_PARTITION, sk: stageId });
/** One alert about one version of a response (or a response's introduction): sent at most once. */
export const alertKey = (waveId: string, contactId: string, what: string) => ({
  pk: `${ALERT_PREFIX}${waveId}`,
  sk: `${contactId}#${what}`,
});
/** Webhook subscriptions (`nps alert add`), and one delivery of one event to one of them. */
export const SUBSCRIPTION_PARTITION = 'ALERTSUB';
export const subscriptionKey = (id: string) => ({ pk: SUBSCRIPTION_PARTITION, sk: `SUB#${id}` });
export const deliveryKey = (subscriptionId: string, eventId: string) => ({
  pk: `DELIVERY#${subscriptionId}`,
  sk: eventId,
});
export const contactKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'META' });
/**
 * A contact's fatigue mark: when an email of ours last reached them, and from which wave. An item of its own,
 * put whole (idempotent, 25 to a batch write) by the sender and by SES's Send events.
 */
export const surveyedKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'SURVEYED' });
export const linkRateKey = (waveId: string, contactId: string, epochMinute: number) => ({
  pk: `RATE#${waveId}#${contactId}`,
  sk: `MIN#${epochMinute}`,
});
/** The unsubscribe link's own budget, apart from the score link's, so a hammered score link never blocks it. */
export const unsubscribeRateKey = (waveId: string, contactId: string, epochMinute: number) => ({
  pk: `RATE#${waveId}#${contactId}`,
  sk: `UNSUB#${epochMinute}`,
});
export const sendRateKey = (epochSecond: number) => ({ pk: 'SENDRATE#ses', sk: `SEC#${epochSecond}` });
export const readerKey = (address: string) => ({ pk: 'DIGEST', sk: `READER#${address}` });
export const readerOptOutKey = (token: string) => ({ pk: 'DIGEST', sk: `OPTOUT#${token}` });
/** A reader's digest of one period: the schedule's (`READER#`) and the console's "Send now" (`NOW#`) apart. */
export const digestSentKey = (
  since: string,
  until: string,
  address: string,
  door: 'schedule' | 'now' = 'schedule',
) => ({
  pk: `DIGEST#${since}#${until}`,
  sk: `${door === 'now' ? 'NOW' : 'READER'}#${contactIdOf(address)}`,
});
export const ERASURE_NOTICE_SORT_KEY = 'ERASED';
/** Written by an erasure so the stream announces it (ContactErased); expires once the stream has passed it. */
export const erasureNoticeKey = (contactId: string) => ({
  pk: `CONTACT#${contactId}`,
  sk: ERASURE_NOTICE_SORT_KEY,
});
export const aggregateKey = (kind: string, scope: string, period: string) => ({
  pk: `AGG#${kind}#${scope}`,
  sk: period,
});

export const RECIPIENT_PREFIX = 'RCPT#';
/** The partitions of owner alert claims (`alertKey`). */
export const ALERT_PREFIX = 'ALERT#';
export const RESPONSE_PREFIX = 'RESP#';
export const READER_PREFIX = 'READER#';
export const DUE_PARTITION = 'DUE';
/** Waves whose reminders are due, in gsi1 by their time (`dueSortKey(remindAt, waveId)`). */
export const REMIND_PARTITION = 'REMIND';
export const dueSortKey = (sendAt: string, waveId: string) => `${sendAt}#${waveId}`;
export const feedbackPartition = (day: string) => `FEEDBACK#${day}`;

export const ALL_TIME = 'ALL';
export const dayPeriod = (day: string) => `DAY#${day}`;
/** The segment catalogue of a kind: which `column#value` pairs have aggregates. */
export const SEGMENTS_PERIOD = 'SEGMENTS';

/**
 * Aggregate scopes (the `scope` of `AGG#kind#scope`): everything of a kind, one wave, one segment value
 * (`column#value` from the audience file), one locale.
 */
export const ALL_SCOPE = 'all';
export const waveScope = (waveId: string) => `wave#${waveId}`;
export const localeScope = (locale: string) => `locale#${locale}`;
/** One segment value within one wave (`nps report --wave ID --segment COLUMN`). */
export const waveSegmentScope = (waveId: string, column: string, value: string) =>
  `waveseg#${waveId}#${column}#${value}`;
/** A segment value as the catalogue (`SEGMENTS_PERIOD`) keeps it. */
export const segmentValue = (column: string, value: string) => `${column}#${value}`;
const SEGMENT_SCOPE_PREFIX = 'seg#';
export const segmentScope = (column: string, value: string) =>
  `${SEGMENT_SCOPE_PREFIX}${segmentValue(column, value)}`;
/** The catalogue's `column#value` of a segment scope; undefined for any other scope. */
export const segmentValueOfScope = (scope: string): string | undefined =>
  scope.startsWith(SEGMENT_SCOPE_PREFIX) ? scope.slice(SEGMENT_SCOPE_PREFIX.length) : undefined;
/** A catalogue entry split at its first `#` (a column name never holds one; a value may). */
export const parseSegmentValue = (entry: string): { column: string; value: string } => {
  const at = entry.indexOf('#');
  return { column: entry.slice(0, at), value: entry.slice(at + 1) };
};
export const AGGREGATE_PREFIX = 'AGG#';
/** The survey kind of an aggregate item's pk (`AGG#nps#wave#w1` → `nps`). */
export const kindOfAggregate = (pk: string): string => pk.slice(AGGREGATE_PREFIX.length).split('#')[0] ?? '';

/** Benchmarks the user recorded (`nps benchmark set`): one small partition, read whole. */
export const BENCHMARK_PARTITION = 'BENCHMARK';
export const BENCHMARK_PREFIX = 'NAME#';
export const benchmarkKey = (name: string) => ({ pk: BENCHMARK_PARTITION, sk: `${BENCHMARK_PREFIX}${name}` });

/** The sparse index of every wave: its partition is the wave item's `type`, sorted by `sendAt`. */
export const WAVES_INDEX = { name: 'waves', partitionKey: 'type', sortKey: 'sendAt' } as const;
export const WAVE_TYPE = 'wave';

/** The first GSI: due waves (`DUE`), waves whose reminders are due (`REMIND`) and feedback by day. */
export const GSI1 = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
