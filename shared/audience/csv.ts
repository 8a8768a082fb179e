/**
 * A streaming CSV reader for spreadsheet and CRM exports: UTF-8 with or without BOM, comma or semicolon
 * separated (guessed from the header row), RFC 4180 quoting with doubled quotes and line breaks inside
 * quotes. Yields one record at a time with the line it started on, so memory stays bounded.
 */
import { StringDecoder } from 'node:string_decoder';
import { ValidationError } from '#shared/core/errors.ts';

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

export async function* readCsv(
  source: AsyncIterable<Buffer | string>,
  file: string,
): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder('utf8');
  let delimiter: string | undefined;
  let field = '';
  let fields: string[] = [];
  let inQuotes = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;
  let first = true;
  let pendingCR = false;
  let headerProbe = '';
  let quoteAtEnd = false;

  const endRecord = function* (): Generator<CsvRecord> {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) yield { line: recordLine, fields };
    fields = [];
    field = '';
    afterQuote = false;
  };

  const consume = function* (text: string): Generator<CsvRecord> {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // A quote at the chunk's end: decide with the next chunk.
            inQuotes = false;
            afterQuote = true;
            quoteAtEnd = true;
          } else {
            inQuotes = false;
            afterQuote = true;
          }
        } else {
          if (ch === '\n') line++;
          field += ch;
        }
        continue;
      }
      if (quoteAtEnd) {
        quoteAtEnd = false;
        if (ch === '"') {
          // It was an escaped quote split across chunks.
          field += '"';
          inQuotes = true;
          afterQuote = false;
          continue;
        }
      }
      if (ch === delimiter) {
        fields.push(field);
        field = '';
        afterQuote = false;
      } else if (ch === '\n' || ch === '\r') {
        yield* endRecord();
        if (ch === '\r') pendingCR = true;
        line++;
        recordLine = line;
      } else if (ch === '"' && field === '' && !afterQuote) {
        inQuotes = true;
      } else if (afterQuote) {
        throw new ValidationError(`${file}, line ${line}: unexpected character after a closing quote`, {
          field: 'csv',
        });
      } else {
        field += ch;
      }
    }
  };

  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (delimiter === undefined) {
        headerProbe += text;
        const end = headerProbe.search(/\r|\n/);
        if (end === -1 && headerProbe.length < 65_536) continue;
        delimiter = guessDelimiter(end === -1 ? headerProbe : headerProbe.slice(0, end));
        text = headerProbe;
      }
      first = false;
    }
    yield* consume(text);
  }
  if (first) {
    if (headerProbe === '') return;
    delimiter = guessDelimiter(headerProbe);
    yield* consume(headerProbe);
  }
  const tail = decoder.end();
  if (tail) yield* consume(tail);
  if (inQuotes) throw new ValidationError(`${file}, line ${recordLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0) yield* endRecord();
}

const guessDelimiter = (header: string): string => {
  const count = (d: string) => header.split(d).length - 1;
  return count(';') > count(',') ? ';' : ',';
};
