import { describe, expect, it } from 'vitest';
import { type CsvRecord, MAX_RECORD_CHARACTERS, readCsv } from '#shared/audience/csv.ts';
import { ValidationError } from '#shared/core/errors.ts';

const collect = async (source: AsyncIterable<Buffer | string>, file = 'people.csv'): Promise<CsvRecord[]> => {
  const records: CsvRecord[] = [];
  for await (const record of readCsv(source, file)) records.push(record);
  return records;
};

async function* chunksOf(...parts: (string | Buffer)[]) {
  for (const part of parts) yield part;
}

/** The same bytes, one byte per chunk: every boundary falls everywhere once. */
async function* byteByByte(text: string) {
  for (const byte of Buffer.from(text, 'utf8')) yield Buffer.from([byte]);
}

const failure = async (
  source: AsyncIterable<Buffer | string>,
  file = 'people.csv',
): Promise<ValidationError> => {
  try {
    await collect(source, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected the file to be refused');
};

describe('readCsv', () => {
  it.each([
    [
      'comma',
      'email,name\na@example.com,Ann\n',
      [
        ['email', 'name'],
        ['a@example.com', 'Ann'],
      ],
    ],
    [
      'semicolon, commas in names',
      'email;name\na@example.com;Smith, Ann\n',
      [
        ['email', 'name'],
        ['a@example.com', 'Smith, Ann'],
      ],
    ],
    [
      'semicolon header with a quoted comma',
      'email;"last, first";plan\nb@example.com;"Berg, Bo";gold\n',
      [
        ['email', 'last, first', 'plan'],
        ['b@example.com', 'Berg, Bo', 'gold'],
      ],
    ],
    [
      'comma when the header has as many of each',
      'email,x;y\nc@example.com,1;2\n',
      [
        ['email', 'x;y'],
        ['c@example.com', '1;2'],
      ],
    ],
  ])('guesses the delimiter from the header row (%s)', async (_, text, expected) => {
    expect((await collect(chunksOf(text))).map((r) => r.fields)).toEqual(expected);
  });

  it('drops a UTF-8 byte order mark from the first column name', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const records = await collect(
      chunksOf(Buffer.concat([bom, Buffer.from('email;name\nd@example.com;Dee\n')])),
    );
    expect(records[0]?.fields).toEqual(['email', 'name']);
  });

  it('reads doubled quotes and line breaks inside quotes', async () => {
    const records = await collect(chunksOf('email,name\ne@example.com,"Say ""hi""\nthere"\n'));
    expect(records[1]?.fields).toEqual(['e@example.com', 'Say "hi"\nthere']);
  });

  it('numbers each record by the physical line it starts on, past multi-line fields and blank lines', async () => {
    // line 1: header; 2–4: one record over three lines; 5: blank; 6: record; 7: `""` only; 8: record
    const text =
      'email,note\r\nf@example.com,"one\r\ntwo\r\nthree"\r\n\r\ng@example.com,x\r\n""\r\nh@example.com,y';
    const records = await collect(chunksOf(text));
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'email'],
      [2, 'f@example.com'],
      [6, 'g@example.com'],
      [8, 'h@example.com'],
    ]);
  });

  it('accepts \\n, \\r\\n and a bare \\r as line ends in one file', async () => {
    const records = await collect(chunksOf('email\ni@example.com\r\nj@example.com\rk@example.com\n'));
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'email'],
      [2, 'i@example.com'],
      [3, 'j@example.com'],
      [4, 'k@example.com'],
    ]);
  });

  it('gives the same records whatever the chunk boundaries, multi-byte characters and quotes included', async () => {
    const text = '\uFEFFemail;name\nl@example.com;"Åsa ""Ö"" Müller"\nm@example.com;"Zoë\n😀"\n';
    const whole = await collect(chunksOf(text));
    expect(whole).toEqual([
      { line: 1, fields: ['email', 'name'] },
      { line: 2, fields: ['l@example.com', 'Åsa "Ö" Müller'] },
      { line: 3, fields: ['m@example.com', 'Zoë\n😀'] },
    ]);
    expect(await collect(byteByByte(text))).toEqual(whole);
  });

  it('names the file and the line of a character after a closing quote', async () => {
    const error = await failure(chunksOf('email,name\nn@example.com,ok\no@example.com,"Ann"e\n'), 'crm.csv');
    expect(error.message).toBe('crm.csv, line 3: unexpected character after a closing quote');
  });

  it('names the line where a quoted field that is never closed starts', async () => {
    const error = await failure(chunksOf('email,name\np@example.com,"Ann\nq@example.com,Bo\n'), 'crm.csv');
    expect(error.message).toBe('crm.csv, line 2: a quoted field is never closed');
  });

  it('names the right line after \\r\\n line breaks inside quotes (the parser itself counts them twice)', async () => {
    const text = 'email,note\r\nw@example.com,"a\r\nb\r\nc"\r\nx@example.com,"d"e\r\n';
    const error = await failure(chunksOf(text), 'crm.csv');
    expect(error.message).toBe('crm.csv, line 5: unexpected character after a closing quote');
  });

  it('passes on a failure of the source itself', async () => {
    const broken = async function* () {
      yield 'email\ny@example.com\n';
      throw new Error('disk gone');
    };
    await expect(collect(broken())).rejects.toThrow('disk gone');
  });

  it('refuses a quote in the middle of an unquoted field, naming the line', async () => {
    const error = await failure(chunksOf('email,name\nr@example.com,ok\ns@example.com,O"Neil\n'), 'crm.csv');
    expect(error.message).toMatch(/^crm\.csv, line 3: a quote inside a field/);
  });

  it('refuses a row longer than the bound instead of holding the file in memory', async () => {
    const long = 'x'.repeat(MAX_RECORD_CHARACTERS + 10);
    const error = await failure(
      chunksOf(`email,name\nt@example.com,ok\nu@example.com,"${long}"\n`),
      'crm.csv',
    );
    expect(error.message).toMatch(/^crm\.csv, line 3: the row is longer than 65536 characters/);
  });

  it('yields nothing for an empty file', async () => {
    expect(await collect(chunksOf())).toEqual([]);
    expect(await collect(chunksOf(''))).toEqual([]);
  });

  it('streams: records come while the source is still being read, and stopping early closes it', async () => {
    let pulled = 0;
    let closed = false;
    const endless = async function* () {
      try {
        yield 'email\n';
        for (;;) {
          pulled++;
          yield `v${pulled}@example.com\n`.repeat(100);
        }
      } finally {
        closed = true;
      }
    };
    let seen = 0;
    for await (const record of readCsv(endless(), 'endless.csv')) {
      if (record.line > 1) seen++;
      if (seen === 1_000) break;
    }
    expect(seen).toBe(1_000);
    // 1,000 records are ten chunks; the parser reads ahead a little, never the (endless) whole.
    expect(pulled).toBeLessThan(1_000);
    expect(closed).toBe(true);
  });
});
