import { readCounts } from '#shared/aggregation/counts.ts';
import { contribute, counterId, type Deltas } from '#shared/aggregation/deltas.ts';
import { type Summary, summarize } from '#shared/core/stats.ts';
import { scalePoints } from '#shared/core/survey.ts';
import {
  ALL_TIME,
  aggregateKey,
  parseSegmentValue,
  RESPONSE_PREFIX,
  segmentScope,
  waveScope,
} from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type ShardCursor, waveItemsPage } from '#shared/store/wave-items.ts';
import type { Wave } from './model.ts';

export interface WaveStatus {
  id: string;
  name: string;
  survey: Wave['kind'];
  /** `resuming`: a sending wave no sender is working on now (it died, or its run ended); the next run resumes it. */
  status: Wave['status'] | 'resuming';
  sendAt: string;
  every?: string;
  spreadDays?: number;
  previous?: string;
  occurrence?: number;
  recipients: number;
  sent: number;
  failed: number;
  /** The import's skips (duplicate, invalid, erased) and the sender's (consent, fatigue…), by reason. */
  skipped: Record<string, number>;
  responses: number;
  quarantined: number;
  /** Reminders sent (`--remind-after`). */
  reminded: number;
  nps: number | null;
  marginOfError: number | null;
  histogram: number[];
}

/** A sending wave whose last heartbeat is older than this has no live sender (senders beat every 20 s). */
export const RESUMING_AFTER_MS = 90_000;

/** The status to show: `sending` only while a sender is working on it, by the wall clock. */
export const shownStatus = (
  wave: Pick<Wave, 'status' | 'heartbeatAt'>,
  now: number = Date.now(),
): WaveStatus['status'] =>
  wave.status === 'sending' && !(now - Date.parse(wave.heartbeatAt ?? '') < RESUMING_AFTER_MS)
    ? 'resuming'
    : wave.status;

export const waveStatus = async (store: TableStore, wave: Wave): Promise<WaveStatus> => {
  const counts = await readCounts(store, wave.kind, waveScope(wave.id));
  const summary = summarize(wave.kind, counts.histogram);
  return {
    id: wave.id,
    name: wave.name,
    survey: wave.kind,
    status: shownStatus(wave),
    sendAt: wave.sendAt,
    ...(wave.every ? { every: wave.every } : {}),
    ...(wave.spreadDays ? { spreadDays: wave.spreadDays } : {}),
    ...(wave.parentId ? { previous: wave.parentId, occurrence: wave.occurrence } : {}),
    recipients: wave.recipients,
    sent: counts.sent,
    failed: counts.failed,
    // The import's skips from the wave item, the sender's from its counter item.
    skipped: { ...wave.skipped, ...counts.skipped },
    responses: summary.responses,
    quarantined: counts.quarantined,
    reminded: counts.reminded,
    nps: summary.nps,
    marginOfError: summary.marginOfError,
    histogram: summary.histogram,
  };
};

export interface WaveSegment extends Summary {
  column: string;
  value: string;
  quarantined: number;
  /** False below the minimum number of responses: its NPS and margin are then withheld (null). */
  shown: boolean;
}

export interface WaveSegments {
  segments: WaveSegment[];
  /** Responses read; the wave has more when `complete` is false (the figures cover these only). */
  read: number;
  complete: boolean;
}

/** Responses read for one wave page's segments, so a very large wave cannot make the page slow. */
export const MAX_SEGMENT_RESPONSES = 20_000;

/**
 * The wave's segment values with the figures of its own responses. The segment counters span every wave of a
 * kind, so these are counted from the wave's response items through the aggregator's own `contribute`: the
 * same responses count in the same way as in every counter.
 */
export const waveSegments = async (
  store: TableStore,
  wave: Pick<Wave, 'id' | 'kind'>,
  options: { minResponses: number; maxResponses?: number },
): Promise<WaveSegments> => {
  const max = options.maxResponses ?? MAX_SEGMENT_RESPONSES;
  const deltas: Deltas = new Map();
  const values = new Set<string>();
  let read = 0;
  let complete = true;
  let cursor: ShardCursor | undefined;
  do {
    const page = await waveItemsPage(
      store,
      wave.id,
      { prefix: RESPONSE_PREFIX, limit: Math.min(max, 1000) },
      cursor,
    );
    cursor = page.next;
    for (const item of page.items) {
      if (read === max) {
        complete = false;
        break;
      }
      contribute(deltas, values, item, 1);
      read++;
    }
    if (!complete) break;
  } while (cursor);
  const segments = [...values].map((entry): WaveSegment => {
    const { column, value } = parseSegmentValue(entry);
    const { pk } = aggregateKey(wave.kind, segmentScope(column, value), ALL_TIME);
    const counter = deltas.get(counterId(pk, ALL_TIME)) ?? new Map<string, number>();
    const summary = summarize(
      wave.kind,
      scalePoints(wave.kind).map((score) => counter.get(`s${score}`) ?? 0),
    );
    const shown = summary.responses >= options.minResponses;
    return {
      column,
      value,
      ...summary,
      quarantined: counter.get('quarantined') ?? 0,
      shown,
      ...(shown ? {} : { nps: null, marginOfError: null }),
    };
  });
  segments.sort((a, b) => a.column.localeCompare(b.column) || a.value.localeCompare(b.value));
  return { segments, read, complete };
};
