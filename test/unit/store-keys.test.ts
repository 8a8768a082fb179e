/**
 * The stored key shapes, spelled out (keys.ts's table): changing one orphans every item already written
 * under it, so each builder is pinned to its exact output. The shard hash is pinned to the published FNV-1a
 * test vectors, not to itself.
 */
import { describe, expect, it } from 'vitest';
import {
  aggregateKey,
  alertKey,
  benchmarkKey,
  checkpointOf,
  contactKey,
  dayPeriod,
  deliveryKey,
  digestSentKey,
  dueSortKey,
  erasureNoticeKey,
  feedbackPartition,
  kindOfAggregate,
  laneLockKey,
  laneShards,
  lanesFor,
  linkRateKey,
  readerKey,
  readerOptOutKey,
  recipientKey,
  responseKey,
  sendRateKey,
  shardOf,
  stagedKey,
  subscriptionKey,
  surveyedKey,
  unsubscribeRateKey,
  WAVE_SHARDS,
  waveIdOfPartition,
  waveKey,
  waveSegmentScope,
  waveShardPartition,
  waveShardPartitions,
} from '#shared/store/keys.ts';

describe('the shard of a contact', () => {
  it('is FNV-1a (32 bits) of the contact id modulo 128: the published test vectors', () => {
    // FNV-1a 32: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968 (isthe.com/chongo/tech/comp/fnv).
    expect(WAVE_SHARDS).toBe(128);
    expect(shardOf('')).toBe(0x811c9dc5 % 128);
    expect(shardOf('a')).toBe(0xe40c292c % 128);
    expect(shardOf('foobar')).toBe(0xbf9cf968 % 128);
    expect([shardOf(''), shardOf('a'), shardOf('foobar')]).toEqual([69, 44, 104]);
  });

  it('names a wave partition with a three-digit shard, all 128 of them in order', () => {
    expect(waveShardPartition('W1', 7)).toBe('WAVE#W1#007');
    const all = waveShardPartitions('W1');
    expect(all).toHaveLength(128);
    expect([all[0], all[127]]).toEqual(['WAVE#W1#000', 'WAVE#W1#127']);
    expect(waveIdOfPartition('WAVE#W1#007')).toBe('W1');
    expect(waveIdOfPartition('WAVE#W1')).toBe('W1');
    expect(waveIdOfPartition('WAVE')).toBe('');
  });
});

describe('lanes', () => {
  it('are a power of two, one per 200 recipients at least, up to one per shard', () => {
    expect([0, 399, 400, 799, 800, 1600, 25_600, 51_199, 51_200, 10 ** 7].map(lanesFor)).toEqual([
      1, 1, 2, 2, 4, 8, 128, 128, 128, 128,
    ]);
    expect(lanesFor(25_599)).toBe(64);
  });

  it('are consecutive runs of shards, first and last inclusive', () => {
    expect(laneShards(0, 1)).toEqual([0, 127]);
    expect([laneShards(0, 4), laneShards(1, 4), laneShards(3, 4)]).toEqual([
      [0, 31],
      [32, 63],
      [96, 127],
    ]);
    expect(laneShards(127, 128)).toEqual([127, 127]);
  });
});

describe('key shapes', () => {
  it('spells every item’s key as the table in keys.ts says', () => {
    const shard = shardOf('c1');
    const partition = `WAVE#W1#${String(shard).padStart(3, '0')}`;
    expect({
      wave: waveKey('W1'),
      recipient: recipientKey('W1', 'c1'),
      response: responseKey('W1', 'c1'),
      laneLock: laneLockKey('W1', 3),
      staged: stagedKey('S1'),
      alert: alertKey('W1', 'c1', 'v2'),
      subscription: subscriptionKey('s1'),
      delivery: deliveryKey('s1', 'e1'),
      contact: contactKey('c1'),
      surveyed: surveyedKey('c1'),
      linkRate: linkRateKey('W1', 'c1', 42),
      unsubscribeRate: unsubscribeRateKey('W1', 'c1', 42),
      sendRate: sendRateKey(1700000000),
      reader: readerKey('ceo@example.com'),
      optOut: readerOptOutKey('tok'),
      erasureNotice: erasureNoticeKey('c1'),
      aggregate: aggregateKey('nps', 'all', 'ALL'),
      benchmark: benchmarkKey('Industry'),
    }).toEqual({
      wave: { pk: 'WAVE#W1', sk: 'META' },
      recipient: { pk: partition, sk: 'RCPT#c1' },
      response: { pk: partition, sk: 'RESP#c1' },
      laneLock: { pk: 'WAVE#W1#L3', sk: 'LOCK' },
      staged: { pk: 'APPLIED#STAGED', sk: 'S1' },
      alert: { pk: 'ALERT#W1', sk: 'c1#v2' },
      subscription: { pk: 'ALERTSUB', sk: 'SUB#s1' },
      delivery: { pk: 'DELIVERY#s1', sk: 'e1' },
      contact: { pk: 'CONTACT#c1', sk: 'META' },
      surveyed: { pk: 'CONTACT#c1', sk: 'SURVEYED' },
      linkRate: { pk: 'RATE#W1#c1', sk: 'MIN#42' },
      unsubscribeRate: { pk: 'RATE#W1#c1', sk: 'UNSUB#42' },
      sendRate: { pk: 'SENDRATE#ses', sk: 'SEC#1700000000' },
      reader: { pk: 'DIGEST', sk: 'READER#ceo@example.com' },
      optOut: { pk: 'DIGEST', sk: 'OPTOUT#tok' },
      erasureNotice: { pk: 'CONTACT#c1', sk: 'ERASED' },
      aggregate: { pk: 'AGG#nps#all', sk: 'ALL' },
      benchmark: { pk: 'BENCHMARK', sk: 'NAME#Industry' },
    });
  });

  it('keeps the digest ledger by the reader’s one-way id, never the address', () => {
    const key = digestSentKey('2026-11-16', '2026-11-23', 'ceo@example.com');
    expect(key.pk).toBe('DIGEST#2026-11-16#2026-11-23');
    expect(key.sk).toMatch(/^READER#[0-9a-f]{32}$/);
    expect(key.sk).not.toContain('ceo');
  });

  it('spells the due index, the feedback days, a day period, a wave’s segment scope and an aggregate’s kind', () => {
    expect(dueSortKey('2026-12-01T09:00:00.000Z', 'W1')).toBe('2026-12-01T09:00:00.000Z#W1');
    expect(feedbackPartition('2026-12-01')).toBe('FEEDBACK#2026-12-01');
    expect(kindOfAggregate('AGG#csat#wave#W1')).toBe('csat');
    expect(dayPeriod('2026-12-01')).toBe('DAY#2026-12-01');
    expect(waveSegmentScope('W1', 'region', 'EU#north')).toBe('waveseg#W1#region#EU#north');
  });
});

describe('the aggregator’s checkpoints', () => {
  it('share one item among 32 shards of a wave, one attribute each', () => {
    expect(checkpointOf('WAVE#W1#000')).toEqual({
      key: { pk: 'APPLIED#WAVE#W1#G0', sk: 'POSITION' },
      attribute: 'p000',
    });
    expect(checkpointOf('WAVE#W1#031').key.pk).toBe('APPLIED#WAVE#W1#G0');
    expect(checkpointOf('WAVE#W1#032')).toEqual({
      key: { pk: 'APPLIED#WAVE#W1#G1', sk: 'POSITION' },
      attribute: 'p032',
    });
    expect(checkpointOf('WAVE#W1#127').key.pk).toBe('APPLIED#WAVE#W1#G3');
  });

  it('give any other partition an item of its own', () => {
    for (const pk of ['CONTACT#c1', 'WAVE#W1', 'WAVE#W1#L3', 'XWAVE#W1#001', 'WAVE#W1#001x'])
      expect(checkpointOf(pk)).toEqual({ key: { pk: `APPLIED#${pk}`, sk: 'POSITION' }, attribute: 'p' });
  });
});
