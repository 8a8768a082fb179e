/**
 * An audience import never stores an erased person again: a row whose contact is a tombstone becomes a
 * skipped row (reason `erased`, not invalid), so no recipient item holds their address, name or properties.
 * Costs one batch read of contact items per 100 valid rows; rows keep their order.
 */
import type { AudienceRow } from '#shared/audience/audience.ts';
import type { TableStore } from '#shared/store/table.ts';
import { getContacts } from '../contacts/contacts.ts';

const LOOKUP_BATCH = 100;

export async function* withoutErased(
  store: TableStore,
  rows: AsyncIterable<AudienceRow>,
): AsyncGenerator<AudienceRow> {
  let held: AudienceRow[] = [];
  let members = 0;
  const release = async function* () {
    const ids = held.flatMap((row) => (row.ok ? [row.member.contactId] : []));
    const contacts = ids.length ? await getContacts(store.ddb, store.table, ids) : new Map();
    for (const row of held) {
      if (row.ok && contacts.get(row.member.contactId)?.erasedAt) {
        const skipped: AudienceRow = {
          ok: false,
          invalid: false,
          skipped: { line: row.member.line, email: row.member.email, reason: 'erased' },
        };
        yield skipped;
      } else yield row;
    }
    held = [];
    members = 0;
  };
  for await (const row of rows) {
    held.push(row);
    if (row.ok && ++members === LOOKUP_BATCH) yield* release();
  }
  yield* release();
}
