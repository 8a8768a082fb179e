/**
 * The mappings docs/insights.md gives for other tools' exports, taken from the document itself (so the two
 * cannot drift) and applied to a header row and an answer shaped like each tool's export: every command
 * must find the address, the score, the comment and the moment, and leave no column of the tool's own
 * bookkeeping as a segment. The headers are those the tools document for their CSV exports; the docs say
 * to check the first row of a real file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnsOf, parseColumnMap, parseIgnoreList } from '#shared/response-import/columns.ts';
import { validateResponseRow } from '#shared/response-import/rows.ts';

const DOC = readFileSync(new URL('../../docs/insights.md', import.meta.url), 'utf8');

/** The words of a shell command line, as sh splits them: double quotes group and are removed. */
const shellWords = (line: string): string[] => {
  const words: string[] = [];
  let current = '';
  let quoted = false;
  let inWord = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (ch === ' ' && !quoted) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
};

/** Each documented command by the tool's name, with its --map and --ignore values. */
const documented = new Map(
  [...DOC.matchAll(/^\| ([A-Za-z]+)[^|]*\| `(nps import responses [^`]+)` \|$/gm)].map(
    ([, tool, command]) => {
      const words = shellWords(command as string);
      const value = (flag: string) => words[words.indexOf(flag) + 1];
      return [tool as string, { map: value('--map'), ignore: value('--ignore') }];
    },
  ),
);

const EXPORTS: Record<string, { header: string[]; row: string[] }> = {
  Delighted: {
    header: [
      'Response ID',
      'Person ID',
      'Email',
      'Name',
      'Score',
      'Comment',
      'Response timestamp',
      'Notes',
      'Tags',
      'Permalink',
      'Plan',
    ],
    row: [
      'r1',
      'p1',
      'Ann@Example.com',
      'Ann',
      '9',
      'Fast, friendly support',
      '2026-09-01 14:30:00 +0000',
      '',
      '',
      'https://delighted.com/r/1',
      'Pro',
    ],
  },
  Retently: {
    header: ['Customer email', 'Score', 'Feedback', 'Date', 'Campaign', 'Tags'],
    row: ['bo@example.com', '3', 'Too slow', '2026-09-02T08:00:00Z', 'Q3 NPS', 'churn-risk'],
  },
  Typeform: {
    header: [
      '#',
      'How likely are you to recommend us to a friend or colleague?',
      'What is the main reason for your score?',
      'email',
      'Start Date (UTC)',
      'Submit Date (UTC)',
      'Stage Date (UTC)',
      'Network ID',
      'Response Type',
      'Tags',
    ],
    row: [
      'abc123',
      '7',
      'Good value',
      'cy@example.com',
      '2026-09-03 10:00:00',
      '2026-09-03 10:02:11',
      '',
      'n1',
      'completed',
      '',
    ],
  },
};

describe('the mappings docs/insights.md gives for other tools’ exports', () => {
  it('documents one for each tool tested here', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(EXPORTS).sort());
  });

  for (const [tool, file] of Object.entries(EXPORTS))
    it(`reads a ${tool} export: address, score, comment and moment, and none of its bookkeeping as a segment`, () => {
      const options = documented.get(tool);
      const columns = columnsOf(file.header, {
        map: parseColumnMap(options?.map),
        ignore: parseIgnoreList(options?.ignore),
        file: `${tool}.csv`,
        line: 1,
      });
      expect(Object.keys(columns.at).sort()).toEqual(
        tool === 'Delighted'
          ? ['answered_at', 'comment', 'email', 'name', 'score']
          : ['answered_at', 'comment', 'email', 'score'],
      );
      expect(columns.segments.map((s) => s.name)).toEqual(tool === 'Delighted' ? ['plan'] : []);
      const read = validateResponseRow(2, file.row, columns, {
        kind: 'nps',
        timeZone: 'UTC',
        now: new Date('2026-11-23T00:00:00Z'),
        headerLength: file.header.length,
      });
      expect(read.ok, JSON.stringify(read)).toBe(true);
      if (read.ok) expect(read.row.comment).toBe(file.row[columns.at.comment ?? -1]);
    });
});
