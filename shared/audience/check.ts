/**
 * Checking an audience before anything is written: which rows are valid, which are skipped (duplicates,
 * erased people) and which are invalid, and the languages the valid rows ask for. `createWave` checks with
 * it first, and the console shows it before a wave is created, so both see the same rows the same way.
 */
import { withoutErased } from '#shared/audience/import-guard.ts';
import type { TableStore } from '#shared/store/table.ts';
import type { AudienceRow, SkippedRow } from './audience.ts';

export interface AudienceCheck {
  valid: number;
  /** Every row not imported, in file order: the invalid ones and those skipped for a reason. */
  skipped: SkippedRow[];
  /** The invalid rows among `skipped` (bad address, unknown locale, over-long field…). */
  invalid: SkippedRow[];
  /** Valid rows per locale column value; rows without one are counted under ''. */
  locales: Record<string, number>;
}

export const checkAudience = async (
  store: TableStore,
  rows: AsyncIterable<AudienceRow>,
): Promise<AudienceCheck> => {
  const check: AudienceCheck = { valid: 0, skipped: [], invalid: [], locales: {} };
  // An erased person's row is skipped (reason `erased`): their address is never stored again.
  for await (const row of withoutErased(store, rows)) {
    if (row.ok) {
      check.valid++;
      const locale = row.member.locale ?? '';
      check.locales[locale] = (check.locales[locale] ?? 0) + 1;
    } else {
      check.skipped.push(row.skipped);
      if (row.invalid) check.invalid.push(row.skipped);
    }
  }
  return check;
};
