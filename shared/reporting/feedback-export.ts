/**
 * The comments as a CSV file (the console's `Export CSV`): the same filter and order as the list, one row per
 * response, a column per segment property. Read a page at a time; the file is bounded so it fits one
 * response of a Function URL (6 MB), and a larger one is refused with a hint rather than cut short.
 */
import { type CsvValue, csvDocument, csvRecord } from '#shared/core/csv-writer.ts';
import type { TableStore } from '#shared/store/table.ts';
import { allFeedback, type FeedbackComment, type FeedbackQuery } from './feedback.ts';

export const FEEDBACK_CSV_COLUMNS = [
  'answered_at',
  'wave_id',
  'wave',
  'survey',
  'score',
  'category',
  'language',
  'reason',
  'improve',
  'referral',
] as const;

/** Bytes of CSV text (UTF-8) an export may hold. */
export const MAX_EXPORT_BYTES = 5 * 1024 * 1024;

export class FeedbackExportTooLargeError extends Error {
  override name = 'FeedbackExportTooLargeError';
  readonly rows: number;
  constructor(rows: number) {
    super(`The export is over ${MAX_EXPORT_BYTES / 1024 / 1024} MB after ${rows} rows; narrow the filters`);
    this.rows = rows;
  }
}

/** The header: the fixed columns, then each segment column (prefixed only where it would clash). Pure. */
export const feedbackCsvHeader = (segmentColumns: readonly string[]): string[] => [
  ...FEEDBACK_CSV_COLUMNS,
  ...segmentColumns.map((c) =>
    (FEEDBACK_CSV_COLUMNS as readonly string[]).includes(c) ? `segment_${c}` : c,
  ),
];

/** One comment's row, in the header's order. Pure. */
export const feedbackCsvRow = (
  comment: FeedbackComment,
  waveName: string | undefined,
  segmentColumns: readonly string[],
): CsvValue[] => [
  comment.respondedAt,
  comment.waveId,
  waveName ?? '',
  comment.kind,
  comment.score,
  comment.category,
  comment.locale,
  comment.reason ?? '',
  comment.improve ?? '',
  comment.referral ?? '',
  ...segmentColumns.map((c) => comment.props[c] ?? ''),
];

/** The whole export as CSV text (with its byte order mark). */
export const exportFeedbackCsv = async (
  store: TableStore,
  query: FeedbackQuery,
  options: { waveNames: ReadonlyMap<string, string>; segmentColumns: readonly string[] },
): Promise<{ csv: string; rows: number }> => {
  const header = feedbackCsvHeader(options.segmentColumns);
  const rows: CsvValue[][] = [];
  let bytes = Buffer.byteLength(csvDocument(header, []));
  for await (const comment of allFeedback(store, query)) {
    const row = feedbackCsvRow(comment, options.waveNames.get(comment.waveId), options.segmentColumns);
    bytes += Buffer.byteLength(csvRecord(row));
    if (bytes > MAX_EXPORT_BYTES) throw new FeedbackExportTooLargeError(rows.length);
    rows.push(row);
  }
  return { csv: csvDocument(header, rows), rows: rows.length };
};
