import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvDocument, csvField, csvRecord } from '#shared/core/csv-writer.ts';

describe('csv fields', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 20 123 4567', "'+31 20 123 4567"],
    ['-5 stars', "'-5 stars"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=cmd', "'\t=cmd"],
  ])('neutralises %j so no spreadsheet runs it', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('neutralises a leading carriage return and then quotes the field for its line break', () => {
    expect(csvField('\r=1+1')).toBe(`"'\r=1+1"`);
  });

  it('leaves text that only contains a formula sign later on as it is', () => {
    expect(csvField('a=1+1 @home - ok')).toBe('a=1+1 @home - ok');
  });

  it('quotes a field with a comma, a quote or a line break and doubles its quotes', () => {
    expect(csvField('slow, really')).toBe('"slow, really"');
    expect(csvField('the "new" export')).toBe('"the ""new"" export"');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('line one\r\nline two')).toBe('"line one\r\nline two"');
  });

  it('quotes a neutralised formula that also holds a quote', () => {
    expect(csvField('=HYPERLINK("http://x.example")')).toBe(`"'=HYPERLINK(""http://x.example"")"`);
  });

  it('writes numbers as numbers (a negative one is not text) and nothing for a missing value', () => {
    expect(csvField(-8)).toBe('-8');
    expect(csvField(10)).toBe('10');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
  });
});

describe('csv documents', () => {
  it('ends every record with CRLF', () => {
    expect(csvRecord(['a', 1, 'b c'])).toBe('a,1,b c\r\n');
  });

  it('starts with a UTF-8 byte order mark, then the header and one record per row', () => {
    const doc = csvDocument(
      ['score', 'comment'],
      [
        [9, 'Schön'],
        [2, '=1+1'],
      ],
    );
    expect(doc).toBe(`${CSV_BOM}score,comment\r\n9,Schön\r\n2,'=1+1\r\n`);
    expect(Buffer.from(doc, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('reads back to the same values with an RFC 4180 parser', () => {
    const rows = [
      ['1', 'comma, and "quotes"', 'two\r\nlines'],
      ['2', 'plain', ''],
    ];
    const doc = csvDocument(['id', 'a', 'b'], rows);
    expect(parse(doc, { bom: true, record_delimiter: '\r\n' })).toEqual([['id', 'a', 'b'], ...rows]);
  });
});
