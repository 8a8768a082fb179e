/**
 * The columns of a response export: which header holds each of our columns (`email`, `score`,
 * `answered_at` required; `comment`, `name`, `locale` optional), which are segment properties, and which
 * the user left out. Header names match case-insensitively; `--map score=Score,answered_at="Created At"`
 * names another tool's headers; `--ignore` leaves columns out. Pure.
 */
import { MAX_SEGMENT_COLUMNS } from '#shared/audience/audience.ts';
import { ValidationError } from '#shared/core/errors.ts';

export const REQUIRED_COLUMNS = ['email', 'score', 'answered_at'] as const;
export const OPTIONAL_COLUMNS = ['comment', 'name', 'locale'] as const;
export type ResponseColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const KNOWN: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** A segment column's name, as audience files allow it. */
const COLUMN = /^[\p{L}\p{N}_ -]{1,40}$/u;

export interface ResponseColumns {
  /** Field index of each of our columns present in the file. */
  at: Partial<Record<ResponseColumn, number>>;
  /** Segment properties: their name (lower case, or as mapped) and field index. */
  segments: { name: string; index: number }[];
}

/** Splits `a=b,c="d, e"` at commas outside quotes; quotes around a value are removed. */
const splitList = (text: string): string[] => {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.map((i) => i.trim()).filter(Boolean);
};

/** Parses `--map COLUMN=HEADER,…` into our column (lower case) → the file's header. */
export const parseColumnMap = (text: string | undefined): Record<string, string> => {
  const map: Record<string, string> = {};
  for (const item of splitList(text ?? '')) {
    const at = item.indexOf('=');
    const column = item.slice(0, at).trim().toLowerCase();
    const header = item.slice(at + 1).trim();
    if (at <= 0 || !header || !COLUMN.test(column))
      throw new ValidationError(`--map takes COLUMN=HEADER pairs separated by commas, not "${item}"`, {
        field: 'map',
      });
    if (map[column] !== undefined)
      throw new ValidationError(`--map names "${column}" twice`, { field: 'map' });
    map[column] = header;
  }
  return map;
};

/** Parses `--ignore HEADER,…` (headers left out of the import, e.g. a response id). */
export const parseIgnoreList = (text: string | undefined): string[] => splitList(text ?? '');

/** Resolves the header row; throws, naming the file and line, when a required column cannot be found. */
export const columnsOf = (
  header: readonly string[],
  options: { map: Record<string, string>; ignore: readonly string[]; file: string; line: number },
): ResponseColumns => {
  const where = `${options.file}, line ${options.line}`;
  const names = header.map((h) => h.trim());
  const lower = names.map((h) => h.toLowerCase());
  lower.forEach((h, i) => {
    if (lower.indexOf(h) !== i) throw new ValidationError(`${where}: column "${names[i]}" appears twice`);
  });
  const indexOf = (name: string) => lower.indexOf(name.trim().toLowerCase());
  const taken = new Map<number, string>();
  for (const [column, wanted] of Object.entries(options.map)) {
    const index = indexOf(wanted);
    if (index === -1)
      throw new ValidationError(
        `${where}: --map ${column}="${wanted}": the header has no column "${wanted}"`,
        {
          field: 'map',
        },
      );
    taken.set(index, column);
  }
  const ignored = new Set(
    options.ignore.map((h) => {
      const index = indexOf(h);
      if (index === -1) throw new ValidationError(`${where}: --ignore "${h}": the header has no such column`);
      return index;
    }),
  );
  const at: ResponseColumns['at'] = {};
  const segments: ResponseColumns['segments'] = [];
  const mappedColumns = new Set(taken.values());
  lower.forEach((name, index) => {
    if (!taken.has(index) && (ignored.has(index) || (KNOWN.includes(name) && mappedColumns.has(name))))
      return;
    const column = taken.get(index) ?? (KNOWN.includes(name) ? name : undefined);
    if (column !== undefined && KNOWN.includes(column)) {
      at[column as ResponseColumn] = index;
      return;
    }
    const segment = column ?? name;
    if (!COLUMN.test(segment))
      throw new ValidationError(
        `${where}: column "${(names[index] ?? '').slice(0, 40)}" is no valid segment name; leave it out with --ignore "${names[index]}" or name it with --map NAME="${names[index]}"`,
      );
    segments.push({ name: segment, index });
  });
  const missing = REQUIRED_COLUMNS.filter((c) => at[c] === undefined);
  if (missing.length > 0)
    throw new ValidationError(
      `${where}: the header has no ${missing.map((c) => `"${c}"`).join(', ')} column; name the file's column with --map ${missing[0]}=HEADER`,
      { field: missing[0] },
    );
  if (segments.length > MAX_SEGMENT_COLUMNS)
    throw new ValidationError(
      `${where}: ${segments.length} segment columns; at most ${MAX_SEGMENT_COLUMNS} are supported (leave some out with --ignore)`,
    );
  return { at, segments };
};
