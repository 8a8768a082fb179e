/**
 * `nps import responses FILE.csv`: earlier results from another tool, counted as if answered here.
 * 1. Check every row (first pass); any invalid row rejects the file, listing each one, and nothing is written.
 * 2. Write each answer as a response of its month's "imported" wave (second pass), after recording the wave
 *    on the contact (erasure walks those) — through the same stream and aggregator as live answers, so the
 *    counters stay equal to a recount and count each answer on the day it was given.
 * Idempotent: a row's key is its contact, month and answer number; a row already stored unchanged is skipped,
 * so importing the same file (or an overlapping later export) twice adds nothing.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { readCsv } from '#shared/audience/csv.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { batchGetAll, batchPut } from '#shared/store/dynamo.ts';
import { recipientKey, responseKey, waveKey } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { checkResponses, type ImportOptions, ordinalOf } from './check.ts';
import { contactsOfImport, recordOnContacts } from './contacts.ts';
import { importHashOf, importWaveId, importWaveUpdate, recipientItemOf, responseItemOf } from './items.ts';
import { type ImportedRow, validateResponseRow } from './rows.ts';

export type { InvalidRow } from './check.ts';
export { ImportRejectedError, MAX_SEGMENT_VALUES } from './check.ts';

export interface ImportResult {
  file: string;
  survey: SurveyKind;
  /** Data rows in the file. */
  rows: number;
  /** Responses added, responses changed since an earlier import, responses already there as they are. */
  imported: number;
  updated: number;
  unchanged: number;
  /** Rows not imported and why: the same answer twice in the file, or a contact who was erased. */
  skipped: { line: number; email: string; reason: 'duplicate' | 'erased' }[];
  waves: string[];
  firstDay: string | null;
  lastDay: string | null;
}

const CHUNK = 200;
const IN_FLIGHT = 4;

type ChunkRow = ImportedRow & { waveId: string; ordinal: number };
interface WaveOfImport {
  month: string;
  ordinal: number;
}

/** What this run added, so a failed run can take it back. */
interface Added {
  keys: { pk: string; sk: string }[];
  byWave: Map<string, number>;
  /** Waves whose count already includes this run's responses. */
  counted: Set<string>;
}

/** Pass 2 for one chunk of rows: skip unchanged answers, write the rest. */
const writeChunk = async (
  store: TableStore,
  options: ImportOptions,
  chunk: ChunkRow[],
  result: ImportResult,
  added: Added,
) => {
  const at = options.now.toISOString();
  const stored = await batchGetAll(
    store.ddb,
    store.table,
    chunk.map((r) => responseKey(r.waveId, r.contactId)),
    { consistent: true },
  );
  const hashes = new Map(
    stored.map((item) => [`${item.pk}|${item.sk}`, item.importHash as string | undefined]),
  );
  const writing = chunk
    .map((row) => {
      const key = responseKey(row.waveId, row.contactId);
      const id = `${key.pk}|${key.sk}`;
      return { row, hash: importHashOf(options.kind, row), isNew: !hashes.has(id), before: hashes.get(id) };
    })
    .filter((c) => c.before !== c.hash);
  result.unchanged += chunk.length - writing.length;
  await batchPut(
    store.ddb,
    store.table,
    writing.flatMap(({ row, hash }) => [
      recipientItemOf(options.kind, row.waveId, row, at),
      responseItemOf(options.kind, row.waveId, row, hash),
    ]),
  );
  for (const { row, isNew } of writing) {
    if (!isNew) {
      result.updated++;
      continue;
    }
    result.imported++;
    added.keys.push(responseKey(row.waveId, row.contactId), recipientKey(row.waveId, row.contactId));
    added.byWave.set(row.waveId, (added.byWave.get(row.waveId) ?? 0) + 1);
  }
};

/** Creates each imported wave's META item on first use and adds this run's new responses to its count. */
const countOnWaves = async (
  store: TableStore,
  options: ImportOptions,
  waves: Map<string, WaveOfImport>,
  added: Added,
) => {
  const at = options.now.toISOString();
  for (const [waveId, { month, ordinal }] of waves) {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.table,
        ...importWaveUpdate(options.kind, waveId, month, ordinal, added.byWave.get(waveId) ?? 0, at),
      }),
    );
    added.counted.add(waveId);
  }
};

/**
 * Takes back what a failed run added (its deletions reach the aggregator like any other), so a failure leaves
 * nothing half-imported; answers it changed keep their newer content.
 */
const rollBack = async (store: TableStore, added: Added) => {
  for (let i = 0; i < added.keys.length; i += 25)
    await Promise.all(
      added.keys
        .slice(i, i + 25)
        .map((Key) => store.ddb.send(new DeleteCommand({ TableName: store.table, Key }))),
    );
  for (const [waveId, count] of added.byWave)
    if (count > 0 && added.counted.has(waveId))
      await store.ddb.send(
        new UpdateCommand({
          TableName: store.table,
          Key: waveKey(waveId),
          UpdateExpression: 'ADD recipients :minus',
          ExpressionAttributeValues: { ':minus': -count },
        }),
      );
};

/** Imports a response export; `open` is called once per pass and must give the same bytes each time. */
export const importResponses = async (
  store: TableStore,
  open: () => AsyncIterable<Buffer | string>,
  options: ImportOptions,
): Promise<ImportResult> => {
  const checked = await checkResponses(open, options);
  const result: ImportResult = {
    file: options.file,
    survey: options.kind,
    rows: checked.rows,
    imported: 0,
    updated: 0,
    unchanged: 0,
    skipped: [...checked.duplicates].map(([line, email]) => ({ line, email, reason: 'duplicate' as const })),
    waves: [],
    firstDay: checked.firstDay,
    lastDay: checked.lastDay,
  };
  const erased = await recordOnContacts(store, contactsOfImport(options.kind, checked.times));
  const waves = new Map<string, WaveOfImport>();
  const added: Added = { keys: [], byWave: new Map(), counted: new Set() };
  const inFlight = new Set<Promise<void>>();
  let chunk: ChunkRow[] = [];
  let done = 0;
  const flush = async () => {
    const rows = chunk;
    chunk = [];
    const p = writeChunk(store, options, rows, result, added).then(() => {
      done += rows.length;
      options.onProgress?.('importing', done);
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  };
  try {
    let header = true;
    for await (const record of readCsv(open(), options.file)) {
      if (header) {
        header = false;
        continue;
      }
      if (checked.duplicates.has(record.line)) continue;
      const valid = validateResponseRow(record.line, record.fields, checked.columns, {
        ...options,
        headerLength: checked.headerLength,
      });
      if (!valid.ok) throw new Error(`${options.file} changed while it was imported (line ${record.line})`);
      const { row } = valid;
      if (erased.has(row.contactId)) {
        result.skipped.push({ line: row.line, email: row.email, reason: 'erased' });
        continue;
      }
      const ordinal = ordinalOf(checked.times, row);
      const month = row.day.slice(0, 7);
      const waveId = importWaveId(options.kind, month, ordinal);
      waves.set(waveId, { month, ordinal });
      chunk.push({ ...row, waveId, ordinal });
      if (chunk.length === CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
    await Promise.all(inFlight);
    await countOnWaves(store, options, waves, added);
  } catch (cause) {
    await Promise.allSettled(inFlight);
    await rollBack(store, added).catch(() => undefined);
    throw new Error(`Importing ${options.file} failed; the responses it added have been removed`, { cause });
  }
  result.waves = [...waves.keys()].sort();
  result.skipped.sort((a, b) => a.line - b.line);
  return result;
};
