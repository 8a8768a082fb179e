/**
 * A streaming CSV reader for spreadsheet and CRM exports, on `csv-parse`: UTF-8 with or without BOM, comma or
 * semicolon separated (guessed from the header row), RFC 4180 quoting with doubled quotes and line breaks
 * inside quotes, `\n`, `\r\n` or `\r` line ends. Yields one record at a time with the line it started on,
 * so memory stays bounded.
 */
import { CsvError, type Options, parse } from 'csv-parse';
import { ValidationError } from '#shared/core/errors.ts';

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

/** The header line is looked for in at most this many bytes. */
const HEADER_PROBE_BYTES = 65_536;
/** A bound on one record, so a quote that is never closed cannot hold a whole file in memory. */
export const MAX_RECORD_CHARACTERS = 65_536;
/**
 * The parser is fed at most this much at a time, whatever the source's chunks: smaller feeds leave less
 * garbage between collections (a 1M-row import peaked ~80 MB above its start with 64 KB, ~125 MB with 256 KB).
 */
const FEED_BYTES = 65_536;

const LF = 0x0a;
const CR = 0x0d;

export async function* readCsv(
  source: AsyncIterable<Buffer | string>,
  file: string,
): AsyncGenerator<CsvRecord> {
  const chunks = source[Symbol.asyncIterator]();
  try {
    yield* parseRecords(chunks, file);
  } finally {
    // A reader that stops early (or a parse error) closes the file too.
    await chunks.return?.();
  }
}

async function* parseRecords(
  chunks: AsyncIterator<Buffer | string>,
  file: string,
): AsyncGenerator<CsvRecord> {
  const probe = await headerProbe(chunks);
  if (probe.length === 0) return;
  const delimiter = guessDelimiter(firstLine(probe));

  // Where the last record ended, to tell where the next one starts: after the empty lines skipped since.
  let lastEnd = 0;
  let lastEmpty = 0;
  const startOf = (emptyLines: number) => lastEnd + 1 + (emptyLines - lastEmpty);
  // The parser hands each record over here, not through its readable side: a plain array per chunk costs
  // far less than a stream read per record.
  const parsed: CsvRecord[] = [];
  const options: Options = {
    delimiter,
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARACTERS,
    // The parser's own line count takes a \r\n inside quotes for two lines; the fields' line breaks do not.
    on_record: (fields, context) => {
      const line = startOf(context.empty_lines);
      lastEnd = line + lineBreaksIn(fields);
      lastEmpty = context.empty_lines;
      // A line holding only `""` is as empty as an empty line.
      if (!(fields.length === 1 && fields[0] === '')) parsed.push({ line, fields });
      return null;
    },
  };
  const parser = parse(options);
  // A parse error reaches the reader through `feed`; as an event it would only repeat it.
  parser.on('error', () => {});
  const feed = (chunk?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (chunk === undefined) parser.end(done);
      else parser.write(chunk, done);
    });
  try {
    for (let chunk: Buffer | undefined = probe; chunk; chunk = await nextBuffer(chunks)) {
      for (let at = 0; at < chunk.length; at += FEED_BYTES) {
        await feed(chunk.subarray(at, at + FEED_BYTES));
        yield* parsed.splice(0);
      }
    }
    await feed();
    yield* parsed.splice(0);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // What was read before the fault is the reader's, as with any record it already has.
    yield* parsed.splice(0);
    const emptyLines = typeof error.empty_lines === 'number' ? error.empty_lines : lastEmpty;
    throw csvProblem(error, file, startOf(emptyLines));
  } finally {
    parser.destroy();
  }
}

const lineBreaksIn = (fields: readonly string[]): number => {
  let count = 0;
  for (const field of fields) {
    if (!field.includes('\n') && !field.includes('\r')) continue;
    count += field.match(LINE_BREAK)?.length ?? 0;
  }
  return count;
};

const LINE_BREAK = /\r\n|\r|\n/g;

const nextBuffer = async (chunks: AsyncIterator<Buffer | string>): Promise<Buffer | undefined> => {
  const next = await chunks.next();
  if (next.done) return undefined;
  return typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
};

/** The source's first chunks, up to the end of the header line (or the probe's bound), as one buffer. */
const headerProbe = async (chunks: AsyncIterator<Buffer | string>): Promise<Buffer> => {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < HEADER_PROBE_BYTES) {
    const part = await nextBuffer(chunks);
    if (!part) break;
    parts.push(part);
    size += part.length;
    if (part.includes(LF) || part.includes(CR)) break;
  }
  return Buffer.concat(parts);
};

const firstLine = (probe: Buffer): string => {
  const lf = probe.indexOf(LF);
  const cr = probe.indexOf(CR);
  const ends = [lf, cr].filter((at) => at !== -1);
  const end = ends.length ? Math.min(...ends) : probe.length;
  return probe.subarray(0, end).toString('utf8');
};

const guessDelimiter = (header: string): string => {
  const count = (d: string) => header.split(d).length - 1;
  return count(';') > count(',') ? ';' : ',';
};

/**
 * The parser's complaint as a message naming the file and the line the row starts on (the parser's own line
 * count is off after a \r\n inside quotes).
 */
const csvProblem = (error: CsvError, file: string, at: number): ValidationError => {
  switch (error.code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new ValidationError(`${file}, line ${at}: unexpected character after a closing quote`, {
        field: 'csv',
        cause: error,
      });
    case 'INVALID_OPENING_QUOTE':
      return new ValidationError(
        `${file}, line ${at}: a quote inside a field that does not start with one; quote the whole field and double the quote`,
        { field: 'csv', cause: error },
      );
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ValidationError(`${file}, line ${at}: a quoted field is never closed`, {
        cause: error,
      });
    case 'CSV_MAX_RECORD_SIZE':
      return new ValidationError(
        `${file}, line ${at}: the row is longer than ${MAX_RECORD_CHARACTERS} characters (is a quote never closed?)`,
        { field: 'csv', cause: error },
      );
    default:
      return new ValidationError(`${file}, line ${at}: ${error.message}`, { field: 'csv', cause: error });
  }
};
