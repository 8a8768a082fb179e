/** Creating a wave from an audience file: all-or-nothing. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import type { AudienceMember, AudienceRow, SkippedRow } from '#shared/audience/audience.ts';
import { checkAudience } from '#shared/audience/check.ts';
import { withoutErased } from '#shared/audience/import-guard.ts';
import { refuseErased } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { normaliseEmail } from '#shared/core/identity.ts';
import type { Locale } from '#shared/core/locale.ts';
import type { SurveyKind } from '#shared/core/survey.ts';
import { batchPut } from '#shared/store/dynamo.ts';
import { lanesFor } from '#shared/store/keys.ts';
import type { TableStore } from '#shared/store/table.ts';
import { pendingRecipient, type Wave } from './model.ts';
import { deleteWaveItems, markScheduled } from './repository.ts';
import { SETTINGS_FLAGS, waveSettingsProblems } from './settings.ts';
import { withValues } from './value.ts';
import { waveToItem } from './wave-item.ts';

const newId = monotonicFactory();
/** Recipients per batch write, and batch writes in flight while the file is read again. */
const BATCH = 25;
const BATCHES_IN_FLIGHT = 8;

export interface NewWave {
  name: string;
  kind: SurveyKind;
  locale: Locale;
  product: string;
  sendAt: Date;
  every?: string;
  spreadDays?: number;
  /** The audience column read as each contact's value (`--value-column arr`), not as a segment. */
  valueColumn?: string;
  /** Where alerts go for contacts the audience names no owner for (`--alert-to`). */
  alertTo?: string;
  /** The sender's display name and Reply-To of this wave's emails (else the stack's, else the product). */
  fromName?: string;
  replyTo?: string;
  /** Seconds after the wave is sent to remind those who have not answered (`--remind-after 3d`). */
  remindAfterSeconds?: number;
}

export interface CreateWaveResult {
  id: string;
  recipients: number;
  skipped: SkippedRow[];
  sendAt: string;
}

/**
 * Creates a wave from an audience, read twice so nothing is written when the file is invalid.
 * 1. Validate every row (first pass). 2. Write the wave as `importing` and its recipients.
 * 3. Flip it to `scheduled`, which makes it due. On any failure, delete what was written.
 */
export const createWave = async (
  deps: TableStore & { now?: () => Date },
  wave: NewWave,
  readAudienceRows: () => AsyncIterable<AudienceRow>,
  options: { skipInvalid: boolean; file: string; onProgress?: (rows: number) => void },
): Promise<CreateWaveResult> => {
  const valueColumn = wave.valueColumn?.trim().toLowerCase();
  const valued = { rowsWithValue: 0 };
  const readValued = (): AsyncIterable<AudienceRow> =>
    valueColumn ? withValues(readAudienceRows(), valueColumn, valued) : readAudienceRows();
  // An erased person's row is skipped (reason `erased`): their address is never stored again.
  const readRows = () => withoutErased(deps, readValued());
  const [problem] = waveSettingsProblems(wave);
  if (problem) throw new ValidationError(problem.message, { field: SETTINGS_FLAGS[problem.field] });
  const fromName = wave.fromName?.trim();
  const replyTo = wave.replyTo === undefined ? undefined : normaliseEmail(wave.replyTo);
  const alertTo = wave.alertTo === undefined ? undefined : normaliseEmail(wave.alertTo);
  if (alertTo) await refuseErased(deps, alertTo, 'alert-to');
  const remind = wave.remindAfterSeconds;
  const { valid, skipped, invalid } = await checkAudience(deps, readValued());
  if (invalid.length > 0 && !options.skipInvalid) throw invalidRowsError(options.file, invalid);
  if (valid === 0) throw new ValidationError(`${options.file}: no valid recipients; nothing was created`);
  if (valueColumn && valued.rowsWithValue === 0)
    throw new ValidationError(
      `${options.file}: no row has a value in column "${valueColumn}"; nothing was created`,
      {
        field: 'value-column',
      },
    );

  const now = deps.now?.() ?? new Date();
  const id = newId(now.getTime());
  const sendAt = wave.sendAt.toISOString();
  const item: Wave = {
    id,
    name: wave.name.trim(),
    kind: wave.kind,
    locale: wave.locale,
    product: wave.product,
    sendAt,
    ...(wave.every ? { every: wave.every } : {}),
    ...(wave.spreadDays ? { spreadDays: wave.spreadDays } : {}),
    ...(valueColumn ? { valueColumn } : {}),
    ...(alertTo ? { alertTo } : {}),
    ...(fromName ? { fromName } : {}),
    ...(replyTo ? { replyTo } : {}),
    ...(remind !== undefined ? { remindAfterSeconds: remind } : {}),
    status: 'importing',
    recipients: valid,
    lanes: lanesFor(valid),
    skipped: skippedCounts(skipped),
    createdAt: now.toISOString(),
  };
  await deps.ddb.send(
    new PutCommand({
      TableName: deps.table,
      Item: waveToItem(item),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  try {
    await writeRecipients(deps, id, wave, readRows, options.onProgress);
    await markScheduled(deps, id, sendAt);
  } catch (cause) {
    await deleteWaveItems(deps, id).catch(() => undefined);
    throw new Error(`Creating wave ${id} failed; what was written has been removed`, { cause });
  }
  return { id, recipients: valid, skipped, sendAt };
};

/** Invalid rows listed in an error's one line; a file with more says how many it left out. */
const MAX_ROWS_IN_ERROR = 200;

/** Every invalid row as `line N: reason`, in one line after the file's name, and that nothing was created. */
const invalidRowsError = (file: string, invalid: readonly SkippedRow[]): ValidationError => {
  const listed = invalid.slice(0, MAX_ROWS_IN_ERROR).map((r) => `line ${r.line}: ${r.reason}`);
  const more = invalid.length - listed.length;
  return new ValidationError(
    `${file}, ${listed.join('; ')}${more > 0 ? `; and ${more} more invalid rows` : ''}; nothing was created`,
    { field: 'audience' },
  );
};

/** Skipped rows counted by kind: duplicates and erased contacts apart from everything invalid. */
const skippedCounts = (skipped: readonly SkippedRow[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const s of skipped) {
    const key = s.reason === 'duplicate' || s.reason === 'erased' ? s.reason : 'invalid';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

/** The second pass: every valid row written as a pending recipient, a few batch writes in flight. */
const writeRecipients = async (
  store: TableStore,
  waveId: string,
  wave: NewWave,
  readRows: () => AsyncIterable<AudienceRow>,
  onProgress: ((rows: number) => void) | undefined,
) => {
  let written = 0;
  const batch: AudienceMember[] = [];
  const flush = async () => {
    const items = batch.splice(0).map((m) =>
      pendingRecipient(waveId, wave.kind, {
        ...m,
        locale: (m.locale as Locale | undefined) ?? wave.locale,
      }),
    );
    await batchPut(store.ddb, store.table, items);
    written += items.length;
    onProgress?.(written);
  };
  const inFlight = new Set<Promise<void>>();
  for await (const row of readRows()) {
    if (!row.ok) continue;
    batch.push(row.member);
    if (batch.length === BATCH) {
      const p = flush().finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
    }
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
};
