import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type AudienceMember, type AudienceRow, readAudience } from '#shared/audience/audience.ts';
import { plainParagraphs, plainText } from '#shared/audience/plain-text.ts';

const rowsOf = async (csv: string): Promise<AudienceRow[]> => {
  const rows: AudienceRow[] = [];
  for await (const row of readAudience(Readable.from([csv]), 'hostile.csv')) rows.push(row);
  return rows;
};

const membersOf = async (csv: string): Promise<AudienceMember[]> =>
  (await rowsOf(csv)).flatMap((row) => (row.ok ? [row.member] : []));

describe('plainText', () => {
  it.each([
    ['NUL', 'Ann\u0000a', 'Anna'],
    ['BEL', 'Bo\u0007b', 'Bob'],
    ['an ANSI colour sequence (ESC)', '\u001b[31mRed\u001b[0m', '[31mRed[0m'],
    ['a terminal title sequence (ESC … BEL)', '\u001b]0;owned\u0007Cy', ']0;ownedCy'],
    ['DEL', 'D\u007fee', 'Dee'],
    ['C1 controls (CSI, NEL as a line break)', 'E\u009b2Jva\u0085Lund', 'E2Jva Lund'],
    ['right-to-left override', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['every bidi embedding and override', '\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee', 'abcde'],
    ['bidi isolates', '\u2066f\u2067g\u2068h\u2069i', 'fghi'],
    ['bidi marks', '\u200Ej\u200Fk\u061Cl', 'jkl'],
    ['zero-width space, non-joiner and a joiner between letters', 'p\u200Bq\u200Cr\u200Ds', 'pqrs'],
    ['word joiner, invisible operators and the BOM', '\uFEFFt\u2060u\u2062v\u2064w', 'tuvw'],
    ['a soft hyphen and deprecated format controls', 'Su\u00ADsi\u206Ae\u206F', 'Susie'],
    ['a tab', 'Fay\tFox', 'Fay Fox'],
    ['line breaks of every kind', 'a\r\nb\nc\rd\u2028e', 'a b c d e'],
  ])('removes %s', (_, raw, expected) => {
    expect(plainText(raw)).toBe(expected);
  });

  it('keeps letters of every script, emoji, zero-width joiners and ordinary punctuation', () => {
    const names = ['Åsa Öberg', 'محمد', 'שרה', '李小龍', "O'Brien & Sons", 'Zoë 👩‍💻', 'Jean-Luc (CEO)'];
    for (const name of names) expect(plainText(name)).toBe(name);
  });
});

describe('readAudience with hostile fields', () => {
  it('strips control and bidi characters from names and segment values before they are stored', async () => {
    const csv = [
      'email;name;region;plan',
      'ann@example.com;"Ann\u001b[2J\u0007 Smith";\u202Enorth;gold\tplus',
      'bo@example.com;"Bo\u0000\r\nBerg";\u2066south\u2069;\u009bx',
    ].join('\n');
    const members = await membersOf(csv);
    expect(members.map((m) => [m.name, m.props])).toEqual([
      ['Ann[2J Smith', { region: 'north', plan: 'gold plus' }],
      ['Bo Berg', { region: 'south', plan: 'x' }],
    ]);
  });

  it('reads an address that carries a bidi mark or a NUL as the plain address', async () => {
    const members = await membersOf('email,name\n\u200Fcy@example.com\u0000,Cy\n');
    expect(members.map((m) => m.email)).toEqual(['cy@example.com']);
  });

  it('reports a skipped address without its control characters', async () => {
    const rows = await rowsOf('email,name\n"not\u001b[31man address",Dee\n');
    expect(rows).toEqual([
      {
        ok: false,
        invalid: true,
        skipped: { line: 2, email: 'not[31man address', reason: 'email is not a valid address' },
      },
    ]);
  });

  it('reads a header whose names carry control characters', async () => {
    const members = await membersOf('\u200Eemail\u0007,na\u0000me,team\u202E\neve@example.com,Eve,ops\n');
    expect(members).toEqual([
      {
        line: 2,
        email: 'eve@example.com',
        contactId: createHash('sha256').update('eve@example.com').digest('hex').slice(0, 32),
        name: 'Eve',
        locale: undefined,
        props: { team: 'ops' },
      },
    ]);
  });
});

describe('plainParagraphs', () => {
  it('keeps line breaks as \\n and removes the same controls as plainText', () => {
    expect(plainParagraphs('one\r\ntwo\rthree\u2028four\u0085five')).toBe('one\ntwo\nthree\nfour\nfive');
    expect(plainParagraphs('a\tb\u0000c\u001b[0m\u202Ed\u2066e\u200F')).toBe('a bc[0mde');
    expect(plainParagraphs('Gewöhnlich, ohne Steuerzeichen.\nZweite Zeile.')).toBe(
      'Gewöhnlich, ohne Steuerzeichen.\nZweite Zeile.',
    );
  });
});
