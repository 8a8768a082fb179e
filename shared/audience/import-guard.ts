/**
 * An audience import never stores an erased person again: a row whose contact is a tombstone becomes a
 * skipped row (reason `erased`, not invalid), so no recipient item holds their address, name or properties;
 * a row whose owner is an erased person's address is invalid (the owner would be stored with it).
 * Costs one batch read of contact items per 100 valid rows; rows keep their order.
 */
import type { AudienceRow } from '#shared/audience/audience.ts';
import type { TableStore } from '#shared/store/table.ts';
import { getContacts } from '../contacts/contacts.ts';
import { contactIdOf } from '../core/identity.ts';

const LOOKUP_BATCH = 100;

export async function* withoutErased(
  store: TableStore,
  rows: AsyncIterable<AudienceRow>,
): AsyncGenerator<AudienceRow> {
  let held: AudienceRow[] = [];
  let members = 0;
  const release = async function* () {
    const ids = held.flatMap((row) =>
      row.ok ? [row.member.contactId, ...(row.member.owner ? [contactIdOf(row.member.owner)] : [])] : [],
    );
    const contacts = ids.length ? await getContacts(store.ddb, store.table, ids) : new Map();
    for (const row of held) {
      if (row.ok && contacts.get(row.member.contactId)?.erasedAt) {
        const skipped: AudienceRow = {
          ok: false,
          invalid: false,
          skipped: { line: row.member.line, email: row.member.email, reason: 'erased' },
        };
        yield skipped;
      } else if (row.ok && row.member.owner && contacts.get(contactIdOf(row.member.owner))?.erasedAt) {
        const reason = `owner ${row.member.owner} was erased at the person’s request and cannot be stored again`;
        const refused: AudienceRow = {
          ok: false,
          invalid: true,
          skipped: { line: row.member.line, email: row.member.email, reason },
        };
        yield refused;
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
