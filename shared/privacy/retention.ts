/**
 * Retention: once a wave is older than the retention period, its recipients and responses lose their
 * personal data (the map's `remove` lists), and so do contacts last surveyed before the period. What the
 * exact counters count stays, so every counter delta of an anonymising change is zero and the aggregates do
 * not move. Old waves come from the waves index (sent before the cutoff), so young waves' recipients are
 * never read. Idempotent and resumable: anonymised items are marked and skipped, and a wave keeps a cursor
 * after each page, so a run cut short (its time up, or a crash) goes on where it stopped.
 * 1. Old waves from the index. 2. Per wave, page by page: its recipients (and the contacts they were sent
 * to, when last surveyed before the period), then its responses. 3. Mark the wave done.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '#shared/store/conditions.ts';
import { batchGetAll } from '#shared/store/dynamo.ts';
import { defined, type Item, itemReader } from '#shared/store/item.ts';
import { contactKey, RECIPIENT_PREFIX, RESPONSE_PREFIX, waveKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { type ShardCursor, waveItemsPage } from '#shared/store/wave-items.ts';
import type { Wave } from '#shared/waves/model.ts';
import { waveIdPages } from '#shared/waves/wave-index.ts';
import { waveFromItem } from '#shared/waves/wave-item.ts';
import {
  ANONYMISED_AT,
  CONTACT_PERSONAL,
  type ItemKind,
  RECIPIENT_PERSONAL,
  RESPONSE_PERSONAL,
} from './personal-data.ts';

const DAY_MS = 86_400_000;
/** Items read per page of a wave, and anonymising updates in flight. */
const PAGE = 200;
const IN_FLIGHT = 16;
/** The status of a wave of answers imported from another tool (`nps import responses`). */
const IMPORTED = 'imported';
const MONTH_DAYS = 31;
/** States whose data is no longer in use: a wave still scheduled or sending is never touched. */
const SETTLED = new Set<string>(['sent', 'cancelled', 'importing', IMPORTED]);

export interface RetentionDeps extends TableStore {
  now: Date;
  months: number;
  /** How long a survey link answers after its send: no answer can arrive later than that. */
  linkValidityDays: number;
  /** Asked before each page: true stops the run there (its time is up); the next run resumes. */
  shouldStop: () => boolean;
  /** Items read per page of a wave (default 200). */
  pageSize?: number;
}

export interface RetentionReport {
  cutoff: string;
  /** Waves whose personal data is now gone (this run finished them). */
  waves: string[];
  recipients: number;
  responses: number;
  contacts: number;
  /** True when the run had to stop first; the next run goes on from the cursors. */
  unfinished: boolean;
}

/** `months` calendar months before `now` (UTC), the day clamped to the month's last. Pure. */
export const retentionCutoff = (now: Date, months: number): Date => {
  const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(now.getUTCDate(), lastDay));
  return new Date(target.getTime() + (now.getTime() % DAY_MS));
};

type StoredWave = Omit<Wave, 'status'> & {
  status: string;
  finishedAt?: string;
  anonymisedAt?: string;
  retentionCursor?: RetentionCursor;
};

/** A wave as retention reads it: the wave, and where retention stands in it. */
const storedWaveOf = (item: Item): StoredWave => {
  const r = itemReader('wave', item);
  return {
    ...waveFromItem(item),
    ...defined({
      finishedAt: r.optionalString('finishedAt'),
      anonymisedAt: r.optionalString('anonymisedAt'),
      retentionCursor: r.optionalObject('retentionCursor', (c) =>
        defined({
          phase: c.integer('phase'),
          at: c.optionalObject('at', (a) =>
            defined({ shard: a.integer('shard'), start: a.optionalObject('start', (s) => s.record()) }),
          ),
        }),
      ),
    }),
  };
};

/**
 * The last moment anything personal could reach a wave: its last send plus the links' validity; for a wave
 * of imported answers, the end of the month they were given in. Never before its send time. Pure.
 */
export const lastAnswerBy = (wave: StoredWave, linkValidityDays: number): number => {
  const sendAt = Date.parse(wave.sendAt);
  if (wave.status === IMPORTED) return sendAt + MONTH_DAYS * DAY_MS;
  const lastSend = Math.max(
    sendAt + (wave.spreadDays ?? 0) * DAY_MS,
    wave.finishedAt ? Date.parse(wave.finishedAt) : 0,
  );
  return lastSend + linkValidityDays * DAY_MS;
};

/** Whether retention applies to the wave now. Pure. */
export const isPastRetention = (wave: StoredWave, cutoff: Date, linkValidityDays: number): boolean =>
  !wave.anonymisedAt && SETTLED.has(wave.status) && lastAnswerBy(wave, linkValidityDays) < cutoff.getTime();

const removal = (attributes: readonly string[]) => ({
  names: Object.fromEntries(attributes.map((a, i) => [`#r${i}`, a])),
  expression: attributes.map((_, i) => `#r${i}`).join(', '),
});

/** One item's anonymising update; false when it was anonymised (or deleted) already. */
const anonymise = async (
  deps: RetentionDeps,
  key: { pk: string; sk: string },
  remove: readonly string[],
  extra = '',
): Promise<boolean> => {
  const { names, expression } = removal(remove);
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: key,
        UpdateExpression: `REMOVE ${expression} SET #anon = :at${extra}`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#anon)',
        ExpressionAttributeNames: { ...names, '#anon': ANONYMISED_AT },
        ExpressionAttributeValues: { ':at': deps.now.toISOString(), ...(extra ? { ':one': 1 } : {}) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

/** A contact last surveyed before the cutoff loses address and wave list; consent and suppression stay. */
const anonymiseContact = async (deps: RetentionDeps, contactId: string, cutoff: Date): Promise<boolean> => {
  const { names, expression } = removal(CONTACT_PERSONAL);
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: contactKey(contactId),
        UpdateExpression: `REMOVE ${expression}`,
        ConditionExpression: 'lastSurveyedAt < :cutoff AND (attribute_exists(#r0) OR attribute_exists(#r1))',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':cutoff': cutoff.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

const eachOf = async <T>(items: readonly T[], work: (item: T) => Promise<boolean>) => {
  let changed = 0;
  for (let i = 0; i < items.length; i += IN_FLIGHT) {
    changed += (await Promise.all(items.slice(i, i + IN_FLIGHT).map(work))).filter(Boolean).length;
  }
  return changed;
};

/** A wave's items in the order retention walks them: recipients (and their contacts), then responses. */
const PHASES = [RECIPIENT_PREFIX, RESPONSE_PREFIX] as const;

/** One page of a wave's items of one kind, anonymised; counted into the report. */
const anonymisePage = async (
  deps: RetentionDeps,
  items: Record<string, unknown>[],
  prefix: (typeof PHASES)[number],
  cutoff: Date,
  report: RetentionReport,
) => {
  const todo = items.filter((i) => i[ANONYMISED_AT] === undefined);
  const keyOf = (i: Record<string, unknown>) => ({ pk: String(i.pk), sk: String(i.sk) });
  if (prefix === RESPONSE_PREFIX) {
    // The version moves on, so an answer racing the anonymisation loses its conditional write.
    report.responses += await eachOf(todo, (r) =>
      anonymise(deps, keyOf(r), RESPONSE_PERSONAL, ' ADD version :one'),
    );
    return;
  }
  report.recipients += await eachOf(todo, (r) => anonymise(deps, keyOf(r), RECIPIENT_PERSONAL));
  const surveyed = items
    .filter((r) => r.status === 'sent' || r.status === IMPORTED)
    .map((r) => String(r.contactId));
  report.contacts += await eachOf(surveyed, (id) => anonymiseContact(deps, id, cutoff));
};

/** Where retention stands in a wave: the kind of item (its phase) and the shard cursor within it. */
interface RetentionCursor {
  phase: number;
  at?: ShardCursor;
}

/**
 * Anonymises one wave's items from its cursor on, saving the cursor after each page (at a change of kind,
 * the start of the next kind); returns false when it had to stop first.
 */
const retainWave = async (
  deps: RetentionDeps,
  wave: StoredWave,
  cutoff: Date,
  report: RetentionReport,
): Promise<boolean> => {
  const saved = wave.retentionCursor;
  for (let phase = saved?.phase ?? 0; phase < PHASES.length; phase++) {
    const prefix = PHASES[phase] as (typeof PHASES)[number];
    let at = phase === saved?.phase ? saved.at : undefined;
    do {
      if (deps.shouldStop()) return false;
      const page = await waveItemsPage(
        deps,
        wave.id,
        {
          prefix,
          projection: 'pk, sk, contactId, #s, #anon',
          names: { '#s': 'status', '#anon': ANONYMISED_AT },
          limit: deps.pageSize ?? PAGE,
        },
        at,
      );
      await anonymisePage(deps, page.items, prefix, cutoff, report);
      at = page.next;
      const next: RetentionCursor | undefined = at
        ? { phase, at }
        : phase + 1 < PHASES.length
          ? { phase: phase + 1 }
          : undefined;
      await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.table,
          Key: waveKey(wave.id),
          ...(next
            ? { UpdateExpression: 'SET retentionCursor = :c', ExpressionAttributeValues: { ':c': next } }
            : {
                UpdateExpression: 'SET #anon = :at REMOVE retentionCursor',
                ExpressionAttributeNames: { '#anon': ANONYMISED_AT },
                ExpressionAttributeValues: { ':at': deps.now.toISOString() },
              }),
        }),
      );
    } while (at);
  }
  return true;
};

export const applyRetention = async (deps: RetentionDeps): Promise<RetentionReport> => {
  const cutoff = retentionCutoff(deps.now, deps.months);
  const report: RetentionReport = {
    cutoff: cutoff.toISOString(),
    waves: [],
    recipients: 0,
    responses: 0,
    contacts: 0,
    unfinished: false,
  };
  // 1. A wave that sends after the cutoff cannot be past it, so the index query stops there.
  for await (const ids of waveIdPages(deps, { sendBefore: cutoff.toISOString() })) {
    const waves = (await batchGetAll(deps.ddb, deps.table, ids.map(waveKey), { consistent: true })).map(
      storedWaveOf,
    );
    for (const wave of waves.sort((a, b) => a.sendAt.localeCompare(b.sendAt))) {
      if (!isPastRetention(wave, cutoff, deps.linkValidityDays)) continue;
      // 2. and 3.
      if (!(await retainWave(deps, wave, cutoff, report))) {
        report.unfinished = true;
        return report;
      }
      report.waves.push(wave.id);
    }
  }
  return report;
};

/** The kinds whose map entry says retention removes attributes, all of which this module does. */
export const RETENTION_REMOVES: readonly ItemKind[] = ['contact', 'recipient', 'response', 'feedbackEntry'];
