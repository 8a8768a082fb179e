/** `nps import responses FILE.csv`: earlier results from another tool, counted by the day they were answered. */
import { existsSync } from 'node:fs';
import { digestTimeZone } from '#shared/core/config.ts';
import { SURVEY_KINDS } from '#shared/core/survey.ts';
import { parseColumnMap, parseIgnoreList } from '#shared/response-import/columns.ts';
import { ImportRejectedError, importResponses } from '#shared/response-import/import.ts';
import { command, group, UsageError } from '../command.ts';
import { trackedFile } from '../progress.ts';

/** Invalid rows listed in the error line, before "and N more"; --json lists every one. */
const LISTED_IN_TEXT = 20;

const responses = command({
  name: 'responses',
  summary: 'import an export of earlier responses (all or nothing; importing it again adds nothing)',
  args: [{ name: 'FILE', what: 'a response export FILE.csv' }],
  options: {
    survey: {
      type: 'string',
      choices: SURVEY_KINDS,
      help: 'the survey kind of the scores (nps unless given)',
    },
    map: {
      type: 'string',
      value: 'COLUMN=HEADER,...',
      help: 'the file\'s header for our columns, e.g. score=Score,answered_at="Created At" (docs/insights.md)',
    },
    ignore: { type: 'string', value: 'HEADER,...', help: 'columns to leave out (e.g. a response id)' },
  },
  run: async ({ args, options: o, store, progress }) => {
    const file = args.FILE;
    if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
    let rows = 0;
    const open = trackedFile(file, progress);
    let pass = 0;
    try {
      const result = await importResponses(
        store,
        () => {
          pass++;
          rows = 0;
          return open(pass === 1 ? 'checking' : 'importing', () => rows);
        },
        {
          kind: o.survey ?? 'nps',
          file,
          map: parseColumnMap(o.map),
          ignore: parseIgnoreList(o.ignore),
          timeZone: digestTimeZone(),
          now: new Date(),
          onProgress: (_phase, done) => {
            rows = done;
          },
        },
      );
      return {
        data: result,
        text: `Imported ${result.imported} responses from ${file} (${result.updated} updated, ${result.unchanged} already there, ${result.skipped.length} skipped), answered ${result.firstDay ?? '-'}..${result.lastDay ?? '-'}`,
      };
    } catch (error) {
      if (!(error instanceof ImportRejectedError)) throw error;
      // Every invalid row, each with its line; nothing was written.
      const listed = error.rows.slice(0, LISTED_IN_TEXT).map((r) => `line ${r.line}: ${r.reason}`);
      const more = error.invalid - listed.length;
      return {
        data: { imported: 0, file, invalid: error.invalid, rows: error.rows },
        text: [
          `${file}: ${error.invalid} invalid rows; nothing was imported`,
          ...listed,
          ...(more > 0 ? [`and ${more} more`] : []),
        ].join('\n'),
        exitCode: 1,
      };
    }
  },
});

export default group({
  name: 'import',
  summary: 'bring earlier survey results from another tool',
  commands: [responses],
});
