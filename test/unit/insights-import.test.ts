/**
 * Reading another tool's response export: headers matched case-insensitively or through --map, columns left
 * out with --ignore, answered_at as an ISO 8601 date or date-time, and every invalid row with its reason.
 */
import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '#shared/answering/responses.ts';
import { eventsOfChange } from '#shared/events/response-events.ts';
import { columnsOf, parseColumnMap, parseIgnoreList } from '#shared/response-import/columns.ts';
import { contactsOfImport } from '#shared/response-import/contacts.ts';
import { importWaveId, responseItemOf } from '#shared/response-import/items.ts';
import { parseAnsweredAt, validateResponseRow } from '#shared/response-import/rows.ts';

const where = { file: 'export.csv', line: 1 };
const NOW = new Date('2026-11-23T07:00:00Z');
const TZ = 'Europe/Amsterdam';

describe('columns', () => {
  it('matches our columns case-insensitively; every other column is a segment', () => {
    const columns = columnsOf(['Email', 'SCORE', 'Answered_At', 'Comment', 'Plan'], {
      map: {},
      ignore: [],
      ...where,
    });
    expect(columns.at).toEqual({ email: 0, score: 1, answered_at: 2, comment: 3 });
    expect(columns.segments).toEqual([{ name: 'plan', index: 4 }]);
  });

  it('maps another tool’s headers with --map, quoted names with commas included', () => {
    const map = parseColumnMap(
      'score=Rating,answered_at="Created At, UTC",email=Customer Email,plan=Properties: Plan',
    );
    expect(map).toEqual({
      score: 'Rating',
      answered_at: 'Created At, UTC',
      email: 'Customer Email',
      plan: 'Properties: Plan',
    });
    const columns = columnsOf(
      ['Response ID', 'customer email', 'Rating', 'Created At, UTC', 'Properties: Plan', 'Score'],
      { map, ignore: parseIgnoreList('Response ID'), ...where },
    );
    // "Score" is not the score here (--map chose Rating) and is left out rather than made a segment.
    expect(columns.at).toEqual({ email: 1, score: 2, answered_at: 3 });
    expect(columns.segments).toEqual([{ name: 'plan', index: 4 }]);
  });

  it('names the missing column and the way to map it', () => {
    expect(() => columnsOf(['email', 'rating', 'answered_at'], { map: {}, ignore: [], ...where })).toThrow(
      'export.csv, line 1: the header has no "score" column; name the file\'s column with --map score=HEADER',
    );
    expect(() =>
      columnsOf(['email', 'score', 'answered_at'], { map: { score: 'Rating' }, ignore: [], ...where }),
    ).toThrow('--map score="Rating": the header has no column "Rating"');
    expect(() =>
      columnsOf(['email', 'score', 'answered_at', 'Tags: NPS'], { map: {}, ignore: [], ...where }),
    ).toThrow(/--ignore "Tags: NPS"/);
    expect(() => parseColumnMap('score')).toThrow(/COLUMN=HEADER/);
  });
});

describe('answered_at', () => {
  it('takes a date as that day and a time as its day in the reporting time zone', () => {
    expect(parseAnsweredAt('2026-09-01', TZ, NOW)).toEqual({
      answeredAt: '2026-09-01T12:00:00.000Z',
      day: '2026-09-01',
    });
    // 23:30 UTC on 1 September is 01:30 on 2 September in Amsterdam (UTC+2 in summer).
    expect(parseAnsweredAt('2026-09-01T23:30:00Z', TZ, NOW)).toEqual({
      answeredAt: '2026-09-01T23:30:00.000Z',
      day: '2026-09-02',
    });
    // No offset: UTC. A space instead of T, and offsets without a colon, as exports write them.
    expect(parseAnsweredAt('2026-09-01 10:00', TZ, NOW)).toMatchObject({
      answeredAt: '2026-09-01T10:00:00.000Z',
    });
    expect(parseAnsweredAt('2026-09-01T10:00:00-0700', TZ, NOW)).toMatchObject({
      answeredAt: '2026-09-01T17:00:00.000Z',
    });
  });

  it('refuses what is not a real date, a future one, or another format', () => {
    expect(parseAnsweredAt('2026-02-30', TZ, NOW)).toMatch(/not a real date/);
    expect(parseAnsweredAt('2026-09-01T25:00:00Z', TZ, NOW)).toMatch(/not a real date and time/);
    expect(parseAnsweredAt('01/09/2026', TZ, NOW)).toMatch(/not an ISO 8601 date/);
    expect(parseAnsweredAt('2027-01-01', TZ, NOW)).toMatch(/in the future/);
    expect(parseAnsweredAt('1900-01-01', TZ, NOW)).toMatch(/before 1990/);
  });
});

describe('rows', () => {
  const columns = columnsOf(['email', 'score', 'answered_at', 'comment', 'locale', 'plan'], {
    map: {},
    ignore: [],
    ...where,
  });
  const row = (fields: string[], kind: 'nps' | 'csat' = 'nps') =>
    validateResponseRow(7, fields, columns, { kind, timeZone: TZ, now: NOW, headerLength: 6 });

  it('reads a valid row: normalised address, score, day, comment, locale and segment', () => {
    expect(
      row([' Ann@Example.COM ', '9', '2026-09-01', 'Great\u0007 support', 'nl-NL', 'Pro']),
    ).toMatchObject({
      ok: true,
      row: {
        line: 7,
        email: 'ann@example.com',
        score: 9,
        day: '2026-09-01',
        comment: 'Great support',
        locale: 'nl',
        props: { plan: 'Pro' },
      },
    });
  });

  it('keeps a comment’s paragraphs and drops control and bidi characters from every field', () => {
    const read = row([
      'bo@example.com',
      '3',
      '2026-09-01',
      'Slow\r\nexports.\u202E\r\n\r\nFix\u001b[31m them\u0000.',
      'de',
      'Pro\u202E\u0007\tplus',
    ]);
    expect(read).toMatchObject({
      ok: true,
      row: { comment: 'Slow\nexports.\n\nFix[31m them.', props: { plan: 'Pro plus' } },
    });
  });

  it('says why a row is invalid', () => {
    const reason = (fields: string[], kind: 'nps' | 'csat' = 'nps') => {
      const r = row(fields, kind);
      return r.ok ? undefined : r.reason;
    };
    expect(reason(['', '9', '2026-09-01'])).toBe('email is empty');
    expect(reason(['not-an-address', '9', '2026-09-01'])).toMatch(/is not a valid address/);
    expect(reason(['a@example.com', '11', '2026-09-01'])).toBe(
      'score "11" is not a whole number from 0 to 10',
    );
    expect(reason(['a@example.com', '9', '2026-09-01'], 'csat')).toBe(
      'score "9" is not a whole number from 1 to 5',
    );
    expect(reason(['a@example.com', '9.5', '2026-09-01'])).toMatch(/whole number/);
    expect(reason(['a@example.com', '9', ''])).toBe('answered_at is empty');
    expect(reason(['a@example.com', '9', '2026-09-01', 'x'.repeat(2001)])).toBe(
      'comment is longer than 2000 characters',
    );
    expect(reason(['a@example.com', '9', '2026-09-01', '', 'fr'])).toBe('locale "fr" is not supported');
    expect(reason(['a@example.com', '9', '2026-09-01', '', '', 'p', 'extra'])).toBe(
      '7 fields, the header has 6',
    );
  });
});

describe('importWaveId', () => {
  it('names one imported wave per survey kind and month, and a second for a second answer that month', () => {
    expect(importWaveId('nps', '2026-09', 1)).toBe('import-nps-2026-09');
    expect(importWaveId('csat', '2026-09', 2)).toBe('import-csat-2026-09-2');
  });
});

describe('contactsOfImport', () => {
  it('records on each contact every imported wave it answered in and its latest answer', () => {
    const at = (iso: string) => Date.parse(iso);
    const times = new Map<string, number | number[]>([
      ['c1|2026-09', [at('2026-09-02T10:00:00Z'), at('2026-09-20T10:00:00Z')]],
      ['c1|2026-10', at('2026-10-05T08:00:00Z')],
      ['c2|2026-09', at('2026-09-03T12:00:00Z')],
    ]);
    const contacts = contactsOfImport('nps', times);
    expect([...(contacts.get('c1')?.waves ?? [])].sort()).toEqual([
      'import-nps-2026-09',
      'import-nps-2026-09-2',
      'import-nps-2026-10',
    ]);
    expect(contacts.get('c1')?.latest).toBe('2026-10-05T08:00:00.000Z');
    expect(contacts.get('c2')).toEqual({
      waves: new Set(['import-nps-2026-09']),
      latest: '2026-09-03T12:00:00.000Z',
    });
  });
});

describe('an imported answer', () => {
  it('is a committed response counted on its day, in the feedback index, raising no events', () => {
    const valid = validateResponseRow(
      2,
      ['ann@example.com', '3', '2026-09-01T08:00:00Z', 'Far too expensive', 'nl', 'Pro'],
      columnsOf(['email', 'score', 'answered_at', 'comment', 'locale', 'plan'], {
        map: {},
        ignore: [],
        ...where,
      }),
      { kind: 'nps', timeZone: TZ, now: NOW, headerLength: 6 },
    );
    if (!valid.ok) throw new Error(valid.reason);
    const item = responseItemOf('nps', 'import-nps-2026-09', valid.row, 'h');
    expect(item).toMatchObject({
      sk: `RESP#${valid.row.contactId}`,
      status: 'committed',
      score: 3,
      category: 'detractor',
      day: '2026-09-01',
      answers: { reason: 'Far too expensive' },
      gsi1pk: 'FEEDBACK#2026-09-01',
    });
    expect(eventsOfChange(undefined, item as unknown as ResponseItem)).toEqual([]);
    // The same answer given on the survey page would raise events: the import is what keeps them out.
    expect(eventsOfChange(undefined, { ...item, via: 'submit' } as unknown as ResponseItem)).not.toEqual([]);
  });
});
