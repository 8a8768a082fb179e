/**
 * Writing CSV that spreadsheets open safely. Pure. RFC 4180: comma separated, CRLF line ends, a field quoted
 * when it holds a quote, comma or line break (quotes doubled). UTF-8 with a byte order mark, so Excel reads
 * the accents of nl, sv and de right. Text that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
 * leading apostrophe, so no spreadsheet runs what a respondent typed (CSV injection).
 */

export const CSV_BOM = '\uFEFF';
export const CSV_LINE_END = '\r\n';

/** What a spreadsheet would read as the start of a formula (or, for tab and CR, hide one behind). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | null | undefined;

/** One field. Numbers are written as they are (a score of -1 stays a number); text is neutralised. */
export const csvField = (value: CsvValue): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One record, with its line end. */
export const csvRecord = (values: readonly CsvValue[]): string =>
  `${values.map(csvField).join(',')}${CSV_LINE_END}`;

/** A whole document: the byte order mark, the header, then the rows. */
export const csvDocument = (header: readonly string[], rows: Iterable<readonly CsvValue[]>): string => {
  let out = CSV_BOM + csvRecord(header);
  for (const row of rows) out += csvRecord(row);
  return out;
};
