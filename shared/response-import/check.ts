/**
 * The first pass of a response import: every row checked before anything is written. Any invalid row
 * rejects the whole file with every invalid row listed; a segment column with too many values (an id) is
 * refused. Also collects when each contact answered in each month, which numbers a contact's answers.
 */
import { readCsv } from '#shared/audience/csv.ts';
import { ValidationError } from '#shared/core/errors.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { columnsOf, type ResponseColumns } from './columns.ts';
import { type ImportedRow, validateResponseRow } from './rows.ts';

export interface ImportOptions {
  kind: SurveyKind;
  /** The file's name, for messages. */
  file: string;
  map?: Record<string, string>;
  ignore?: readonly string[];
  /** The reporting time zone: the day an answer counts on. */
  timeZone: string;
  now: Date;
  onProgress?: (phase: 'checking' | 'importing', rows: number) => void;
}

export interface InvalidRow {
  line: number;
  reason: string;
}

/** The file has invalid rows; every one is listed (up to `MAX_LISTED`) and nothing was written. */
export class ImportRejectedError extends ValidationError {
  override name = 'ImportRejectedError';
  readonly rows: InvalidRow[];
  readonly invalid: number;
  constructor(file: string, rows: InvalidRow[], invalid: number) {
    const first = rows[0];
    super(
      `${file}: ${invalid} invalid ${invalid === 1 ? 'row' : 'rows'} (first: line ${first?.line}: ${first?.reason}); nothing was imported`,
      { field: 'file' },
    );
    this.rows = rows;
    this.invalid = invalid;
  }
}

const MAX_LISTED = 10_000;
/** A segment with more values than this is an id, not a segment (and would swell the segment catalogue). */
export const MAX_SEGMENT_VALUES = 500;

/** When each contact answered in each month: the answer number of a row is its place in time order. */
export type AnswerTimes = Map<string, number | number[]>;
/** `contactId|yyyy-mm`: a contact's answers are numbered per month. */
const monthKey = (row: ImportedRow) => `${row.contactId}|${row.day.slice(0, 7)}`;

export interface Checked {
  columns: ResponseColumns;
  headerLength: number;
  rows: number;
  times: AnswerTimes;
  duplicates: Map<number, string>;
  firstDay: string | null;
  lastDay: string | null;
}

/** Pass 1: every row checked, answer times collected; throws with every invalid row. */
export const checkResponses = async (
  open: () => AsyncIterable<Buffer | string>,
  options: ImportOptions,
): Promise<Checked> => {
  let columns: ResponseColumns | undefined;
  let headerLength = 0;
  const invalid: InvalidRow[] = [];
  let invalidCount = 0;
  const times: AnswerTimes = new Map();
  const duplicates = new Map<number, string>();
  const values = new Map<string, Set<string>>();
  let rows = 0;
  let firstDay: string | null = null;
  let lastDay: string | null = null;
  for await (const record of readCsv(open(), options.file)) {
    if (!columns) {
      columns = columnsOf(record.fields, {
        map: options.map ?? {},
        ignore: options.ignore ?? [],
        file: options.file,
        line: record.line,
      });
      headerLength = record.fields.length;
      continue;
    }
    rows++;
    if (rows % 1000 === 0) options.onProgress?.('checking', rows);
    const result = validateResponseRow(record.line, record.fields, columns, { ...options, headerLength });
    if (!result.ok) {
      invalidCount++;
      if (invalid.length < MAX_LISTED) invalid.push({ line: result.line, reason: result.reason });
      continue;
    }
    const { row } = result;
    const at = Date.parse(row.answeredAt);
    const key = monthKey(row);
    const known = times.get(key);
    const list = known === undefined ? [] : typeof known === 'number' ? [known] : known;
    if (list.includes(at)) {
      duplicates.set(row.line, row.email);
      continue;
    }
    times.set(key, known === undefined ? at : [...list, at].sort((a, b) => a - b));
    for (const [column, value] of Object.entries(row.props)) {
      const seen = values.get(column) ?? new Set<string>();
      values.set(column, seen);
      if (seen.size <= MAX_SEGMENT_VALUES) seen.add(value);
    }
    if (firstDay === null || row.day < firstDay) firstDay = row.day;
    if (lastDay === null || row.day > lastDay) lastDay = row.day;
  }
  if (!columns) throw new ValidationError(`${options.file}: the file is empty; expected a header row`);
  if (invalidCount > 0) throw new ImportRejectedError(options.file, invalid, invalidCount);
  for (const [column, seen] of values) {
    if (seen.size > MAX_SEGMENT_VALUES)
      throw new ValidationError(
        `${options.file}: column "${column}" has more than ${MAX_SEGMENT_VALUES} different values, so it is no segment (an id?); leave it out with --ignore "${column}"; nothing was imported`,
        { field: column },
      );
  }
  return { columns, headerLength, rows, times, duplicates, firstDay, lastDay };
};

/** The answer number of a row among its contact's answers that month (1 for the first). */
export const ordinalOf = (times: AnswerTimes, row: ImportedRow): number => {
  const known = times.get(monthKey(row));
  return typeof known === 'number' || known === undefined ? 1 : known.indexOf(Date.parse(row.answeredAt)) + 1;
};
