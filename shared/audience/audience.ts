/**
 * Audience import: reads a CSV export, validates each row, normalises and de-duplicates addresses.
 * `email` is required; `name`, `locale`, `owner` (the account manager's address) and `owner_locale` are
 * optional; every other column becomes a segment property.
 * Every field loses its control and bidi characters (tabs and line breaks become spaces) before anything else.
 */

import { contactIdOf, normaliseEmail } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { isLocale, type Locale, resolveLocale } from '#shared/core/locale.ts';
import { type CsvRecord, readCsv } from './csv.ts';
import { IdSet } from './id-set.ts';
import { plainText } from './plain-text.ts';

export const MAX_FIELD_LENGTH = 200;
export const MAX_SEGMENT_COLUMNS = 20;

export interface AudienceMember {
  line: number;
  email: string;
  contactId: string;
  name: string;
  locale: string | undefined;
  props: Record<string, string>;
  /** The contact's account manager (`owner` column): who gets the alerts about their answers. */
  owner?: string;
  /** The language of the owner's alerts (`owner_locale` column). */
  ownerLocale?: Locale;
}

/** Columns with a meaning of their own: never segment properties. */
export const RESERVED_COLUMNS: readonly string[] = ['email', 'name', 'locale', 'owner', 'owner_locale'];

export interface SkippedRow {
  line: number;
  email: string;
  reason: string;
}

export type AudienceRow =
  | { ok: true; member: AudienceMember }
  | { ok: false; skipped: SkippedRow; invalid: boolean };

const COLUMN = /^[\p{L}\p{N}_ -]{1,40}$/u;

/** Reads rows one at a time; the caller decides what to do with invalid ones. */
export async function* readAudience(
  source: AsyncIterable<Buffer | string>,
  file: string,
): AsyncGenerator<AudienceRow> {
  let header: string[] | undefined;
  // By contact id (what the recipient item is keyed by), in a compact set: bounded memory for big files.
  const seen = new IdSet(1 << 16);
  for await (const record of readCsv(source, file)) {
    if (!header) {
      header = parseHeader(record, file);
      continue;
    }
    yield validateRow(record, header, seen);
  }
  if (!header)
    throw new ValidationError(`${file}: the file is empty; expected a header row with an "email" column`);
}

const parseHeader = (record: CsvRecord, file: string): string[] => {
  const header = record.fields.map((h) => plainText(h).trim().toLowerCase());
  if (!header.includes('email')) {
    throw new ValidationError(`${file}, line ${record.line}: the header has no "email" column`, {
      field: 'email',
    });
  }
  const segments = header.filter((h) => !RESERVED_COLUMNS.includes(h));
  if (segments.length > MAX_SEGMENT_COLUMNS) {
    throw new ValidationError(
      `${file}, line ${record.line}: ${segments.length} segment columns; at most ${MAX_SEGMENT_COLUMNS} are supported`,
    );
  }
  header.forEach((h, i) => {
    if (!COLUMN.test(h)) {
      throw new ValidationError(
        `${file}, line ${record.line}: column ${i + 1} has an invalid name "${h.slice(0, 40)}"`,
      );
    }
    if (header.indexOf(h) !== i)
      throw new ValidationError(`${file}, line ${record.line}: column "${h}" appears twice`);
  });
  return header;
};

const validateRow = (record: CsvRecord, header: string[], seen: IdSet): AudienceRow => {
  const raw: Record<string, string> = {};
  header.forEach((h, i) => {
    // Control and bidi characters go here, so they reach no email, page, digest or terminal.
    raw[h] = plainText(record.fields[i] ?? '').trim();
  });
  const rawEmail = raw.email ?? '';
  const invalid = (reason: string): AudienceRow => ({
    ok: false,
    invalid: true,
    skipped: { line: record.line, email: rawEmail.slice(0, MAX_FIELD_LENGTH), reason },
  });
  if (record.fields.length > header.length)
    return invalid(`${record.fields.length} fields, the header has ${header.length}`);
  if (rawEmail === '') return invalid('email is empty');
  const email = normaliseEmail(rawEmail);
  if (!email) return invalid('email is not a valid address');
  for (const [column, value] of Object.entries(raw)) {
    if (value.length > MAX_FIELD_LENGTH)
      return invalid(`${column} is longer than ${MAX_FIELD_LENGTH} characters`);
  }
  let locale: string | undefined;
  if (raw.locale) {
    locale = resolveLocale(raw.locale);
    if (!isLocale(raw.locale.slice(0, 2).toLowerCase()))
      return invalid(`locale "${raw.locale}" is not supported`);
  }
  let owner: string | undefined;
  if (raw.owner) {
    owner = normaliseEmail(raw.owner);
    if (!owner) return invalid('owner is not a valid address');
  }
  let ownerLocale: Locale | undefined;
  if (raw.owner_locale) {
    const wanted = raw.owner_locale.slice(0, 2).toLowerCase();
    if (!isLocale(wanted)) return invalid(`owner_locale "${raw.owner_locale}" is not supported`);
    ownerLocale = wanted;
  }
  const contactId = contactIdOf(email);
  if (!seen.add(contactId)) {
    return { ok: false, invalid: false, skipped: { line: record.line, email, reason: 'duplicate' } };
  }
  const props: Record<string, string> = {};
  for (const [column, value] of Object.entries(raw)) {
    if (!RESERVED_COLUMNS.includes(column) && value !== '') props[column] = value;
  }
  return {
    ok: true,
    member: {
      line: record.line,
      email,
      contactId,
      name: raw.name ?? '',
      locale,
      props,
      ...(owner ? { owner } : {}),
      ...(ownerLocale ? { ownerLocale } : {}),
    },
  };
};
