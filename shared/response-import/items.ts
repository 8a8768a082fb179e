/**
 * What an imported answer is stored as: the same response item a live answer becomes (committed, counted on
 * the day it was answered, its comment in the feedback index), under a synthetic "imported" wave per survey
 * kind and month answered, beside a recipient item holding who answered. A contact who answered more than
 * once in a month gets a second wave of that month (`…-2`), so every response keeps the one key erasure and
 * the aggregator know: `WAVE#wave / RESP#contact`. Pure.
 */
import { createHash } from 'node:crypto';
import { categoryOf, type SurveyKind } from '#shared/core/survey.ts';
import { feedbackPartition, recipientKey, responseKey, waveKey } from '#shared/store/keys.ts';
import type { ImportedRow } from './rows.ts';

/** The synthetic wave of a kind, month (yyyy-mm) and answer number within that month (1 for the first). */
export const importWaveId = (kind: SurveyKind, month: string, ordinal: number): string =>
  `import-${kind}-${month}${ordinal > 1 ? `-${ordinal}` : ''}`;

export const IMPORTED_STATUS = 'imported';

/** A fingerprint of what a row says; an unchanged row is not written again. */
export const importHashOf = (kind: SurveyKind, row: ImportedRow): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        kind,
        row.score,
        row.answeredAt,
        row.day,
        row.comment ?? '',
        row.name ?? '',
        row.locale ?? '',
        Object.entries(row.props).sort(([a], [b]) => a.localeCompare(b)),
      ]),
    )
    .digest('base64url')
    .slice(0, 22);

export const responseItemOf = (kind: SurveyKind, waveId: string, row: ImportedRow, importHash: string) => ({
  ...responseKey(waveId, row.contactId),
  waveId,
  contactId: row.contactId,
  kind,
  ...(row.locale ? { locale: row.locale } : {}),
  props: row.props,
  status: 'committed' as const,
  score: row.score,
  category: categoryOf(kind, row.score),
  respondedAt: row.answeredAt,
  // Not a person answering now: the event publisher raises no events for it.
  via: 'import' as const,
  day: row.day,
  ...(row.comment ? { answers: { reason: row.comment } } : {}),
  clicks: [],
  history: [],
  version: 1,
  importHash,
  ...(row.comment
    ? { gsi1pk: feedbackPartition(row.day), gsi1sk: `${row.answeredAt}#${waveId}#${row.contactId}` }
    : {}),
});

export const recipientItemOf = (kind: SurveyKind, waveId: string, row: ImportedRow, at: string) => ({
  ...recipientKey(waveId, row.contactId),
  waveId,
  contactId: row.contactId,
  email: row.email,
  name: row.name ?? '',
  ...(row.locale ? { locale: row.locale } : {}),
  kind,
  props: row.props,
  // Counts nothing (the aggregator counts sent, skipped and failed recipients): nobody sent it from here.
  status: IMPORTED_STATUS,
  importedAt: at,
});

const MONTHS = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Creates the wave's META item on first use and adds the newly imported responses to its count. */
export const importWaveUpdate = (
  kind: SurveyKind,
  waveId: string,
  month: string,
  ordinal: number,
  added: number,
  at: string,
) => ({
  Key: waveKey(waveId),
  UpdateExpression:
    'SET #type = :wave, id = :id, #name = if_not_exists(#name, :name), kind = :kind, locale = if_not_exists(locale, :locale), ' +
    'product = if_not_exists(product, :product), sendAt = if_not_exists(sendAt, :sendAt), #status = :status, ' +
    'skipped = if_not_exists(skipped, :skipped), createdAt = if_not_exists(createdAt, :at), importedAt = :at ADD recipients :added',
  ExpressionAttributeNames: { '#type': 'type', '#name': 'name', '#status': 'status' },
  ExpressionAttributeValues: {
    ':wave': 'wave',
    ':id': waveId,
    ':name': `Imported ${kind.toUpperCase()} responses, ${MONTHS[Number(month.slice(5, 7))]} ${month.slice(0, 4)}${ordinal > 1 ? ` (${ordinal})` : ''}`,
    ':kind': kind,
    ':locale': 'en',
    ':product': '',
    ':sendAt': `${month}-01T00:00:00.000Z`,
    ':status': IMPORTED_STATUS,
    ':skipped': {},
    ':at': at,
    ':added': added,
  },
});
