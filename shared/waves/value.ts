/**
 * A wave's value column (`wave create --value-column arr`): a number per contact, such as annual revenue,
 * taken out of the segment properties and kept as the recipient's value, which responses carry into the
 * aggregator's value counters (reports show value held and at risk). Pure.
 */
import type { AudienceMember, AudienceRow } from '#shared/audience/audience.ts';

/** An audience row whose member may carry a value. */
export type ValuedRow = AudienceRow | { ok: true; member: AudienceMember & { value?: number } };

/**
 * A number as spreadsheets write it: `1200`, `1200.50`, `1200,50`, `1 200,50`, `1.200,50`, `1,200.50`,
 * `1,200,000`, `-5`. With both `.` and `,` the last one is the decimal separator; one kind written several
 * times groups thousands; written once it is the decimal separator — except a lone one before exactly three
 * digits (`1,200`: 1200 in English, 1.2 elsewhere), which is refused rather than guessed. Spaces and
 * apostrophes group thousands too. Undefined when it is not a number read without doubt.
 */
export const parseAmount = (raw: string): number | undefined => {
  const text = raw.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (!/^[-+]?\d[\d.,]*$/.test(text) || /[.,]$/.test(text)) return undefined;
  const points = text.split('.').length - 1;
  const commas = text.split(',').length - 1;
  let normal: string;
  if (points > 0 && commas > 0) {
    const decimal = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
    if ((decimal === '.' ? points : commas) > 1) return undefined;
    const [whole, fraction] = text.split(decimal) as [string, string];
    normal = `${whole.replace(/[.,]/g, '')}.${fraction}`;
  } else if (points + commas > 1) {
    normal = text.replace(/[.,]/g, '');
  } else if (points + commas === 1) {
    if (/^[-+]?\d{1,3}[.,]\d{3}$/.test(text)) return undefined;
    normal = text.replace(',', '.');
  } else normal = text;
  const value = Number(normal);
  return Number.isFinite(value) ? value : undefined;
};

/**
 * Audience rows with the value column taken out of the properties and read as the member's value; a row
 * whose value is not a number becomes invalid (line and reason). An empty cell means no value.
 */
export async function* withValues(
  rows: AsyncIterable<AudienceRow>,
  column: string,
  seen: { rowsWithValue: number },
): AsyncGenerator<ValuedRow> {
  for await (const row of rows) {
    if (!row.ok) {
      yield row;
      continue;
    }
    const { [column]: raw, ...props } = row.member.props;
    if (raw === undefined) {
      yield { ok: true, member: { ...row.member, props } };
      continue;
    }
    const value = parseAmount(raw);
    if (value === undefined) {
      yield {
        ok: false,
        invalid: true,
        skipped: {
          line: row.member.line,
          email: row.member.email,
          reason: `${column} "${raw.slice(0, 40)}" is not a number`,
        },
      };
      continue;
    }
    seen.rowsWithValue++;
    yield { ok: true, member: { ...row.member, props, value } };
  }
}
