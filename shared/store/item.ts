/**
 * Reading a stored item field by field: each entity's `fromItem` checks the item it was given instead of
 * casting it, and a malformed one fails with the entity, the key and the field named. Hand-written guards,
 * not a schema library: every Lambda bundle carries this, and it weighs a few hundred bytes.
 */

import type { Locale } from '#shared/core/locale.ts';

/** An item as DynamoDB's document client (or `unmarshall` of a stream image) gives it. */
export type Item = Record<string, unknown>;

/** A stored item that is not what its entity writes: a field is missing, of the wrong type, or not allowed. */
export class MalformedItemError extends Error {
  override name = 'MalformedItemError';
  readonly entity: string;
  readonly key: string;
  readonly field: string;
  constructor(entity: string, key: string, field: string, problem: string) {
    super(`Malformed ${entity} item ${key}: field "${field}" ${problem}`);
    this.entity = entity;
    this.key = key;
    this.field = field;
  }
}

/** What a value is, for an error message: short, and never a whole answer or address list. */
const shown = (value: unknown): string => {
  if (value === undefined) return 'missing';
  const text = value instanceof Set ? `a set` : JSON.stringify(value);
  return `${text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
};

const isRecord = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Set);

/** Reads one item (or one object nested in it, with `path` before its field names) of an entity. */
export interface ItemReader {
  /** Fails naming `field`: `problem` says what is wrong with its value. */
  fail(field: string, problem: string): never;
  string(field: string): string;
  optionalString(field: string): string | undefined;
  number(field: string): number;
  optionalNumber(field: string): number | undefined;
  integer(field: string): number;
  optionalInteger(field: string): number | undefined;
  boolean(field: string): boolean;
  optionalBoolean(field: string): boolean | undefined;
  oneOf<T extends string>(field: string, values: readonly T[]): T;
  optionalOneOf<T extends string>(field: string, values: readonly T[]): T | undefined;
  /** A map of strings to strings (segment properties); `fallback` when absent, if given. */
  stringMap(field: string, fallback?: Record<string, string>): Record<string, string>;
  /** A map of strings to numbers (counts by reason). */
  numberMap(field: string, fallback?: Record<string, number>): Record<string, number>;
  /** A list of objects, each read by `element` with a reader of its own; `fallback` when absent, if given. */
  list<T>(field: string, element: (at: ItemReader) => T, fallback?: T[]): T[];
  /** A list of strings (or a string set, as the document client reads one). */
  stringList(field: string): string[];
  /** An object nested in the item, read by `read`; undefined when absent. */
  optionalObject<T>(field: string, read: (at: ItemReader) => T): T | undefined;
  /** A value of any type, unchecked (a field the entity only passes on). */
  raw(field: string): unknown;
  /** The whole object being read, unchecked (a key DynamoDB gave back, passed on as it is). */
  record(): Item;
}

const keyOf = (item: Item): string =>
  `${typeof item.pk === 'string' ? item.pk : '?'}/${typeof item.sk === 'string' ? item.sk : '?'}`;

/** A reader of `item` of `entity`; `key` names the item in errors (its pk/sk unless given). */
export const itemReader = (entity: string, item: Item, key = keyOf(item), path = ''): ItemReader => {
  const fail = (field: string, problem: string): never => {
    throw new MalformedItemError(entity, key, `${path}${field}`, problem);
  };
  const wrong = (field: string, expected: string): never =>
    fail(field, `is ${shown(item[field])} (expected ${expected})`);
  // A field a writer left out, or wrote as null, is absent.
  const present = (field: string) => item[field] !== undefined && item[field] !== null;
  const reader: ItemReader = {
    fail,
    string: (field) => {
      const value = item[field];
      return typeof value === 'string' ? value : wrong(field, 'a string');
    },
    optionalString: (field) => (present(field) ? reader.string(field) : undefined),
    number: (field) => {
      const value = item[field];
      return typeof value === 'number' && Number.isFinite(value) ? value : wrong(field, 'a number');
    },
    optionalNumber: (field) => (present(field) ? reader.number(field) : undefined),
    integer: (field) => {
      const value = item[field];
      return Number.isSafeInteger(value) ? (value as number) : wrong(field, 'a whole number');
    },
    optionalInteger: (field) => (present(field) ? reader.integer(field) : undefined),
    boolean: (field) => {
      const value = item[field];
      return typeof value === 'boolean' ? value : wrong(field, 'true or false');
    },
    optionalBoolean: (field) => (present(field) ? reader.boolean(field) : undefined),
    oneOf: <T extends string>(field: string, values: readonly T[]): T => {
      const value = item[field];
      return (values as readonly unknown[]).includes(value)
        ? (value as T)
        : wrong(field, `one of ${values.join('|')}`);
    },
    optionalOneOf: (field, values) => (present(field) ? reader.oneOf(field, values) : undefined),
    stringMap: (field, fallback) => {
      const value = item[field];
      if (!present(field) && fallback) return fallback;
      if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string'))
        return wrong(field, 'a map of strings');
      return value as Record<string, string>;
    },
    numberMap: (field, fallback) => {
      const value = item[field];
      if (!present(field) && fallback) return fallback;
      if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'number'))
        return wrong(field, 'a map of numbers');
      return value as Record<string, number>;
    },
    list: (field, element, fallback) => {
      const value = item[field];
      if (!present(field) && fallback) return fallback;
      if (!Array.isArray(value)) return wrong(field, 'a list');
      return value.map((v, i) => {
        const at = `${field}[${i}]`;
        if (!isRecord(v)) return fail(at, `is ${shown(v)} (expected an object)`);
        return element(itemReader(entity, v, key, `${path}${at}.`));
      });
    },
    stringList: (field) => {
      const value = item[field];
      const list = value instanceof Set ? [...value] : value;
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string'))
        return wrong(field, 'a list of strings');
      return list as string[];
    },
    optionalObject: (field, read) => {
      if (!present(field)) return undefined;
      const value = item[field];
      if (!isRecord(value)) return wrong(field, 'an object');
      return read(itemReader(entity, value, key, `${path}${field}.`));
    },
    raw: (field) => item[field],
    record: () => item,
  };
  return reader;
};

/** `fields` without the undefined ones, so an optional field a writer left out stays absent. */
export const defined = <T extends object>(fields: T): T => {
  const out: Partial<T> = {};
  for (const name of Object.keys(fields) as (keyof T)[])
    if (fields[name] !== undefined) out[name] = fields[name];
  return out as T;
};

/**
 * A language as stored: a string when present, not checked against the catalogs. An item older than them may
 * hold one they no longer have, and an imported answer none; pages and emails fall back to the wave's
 * (`isLocale`), and the aggregator counts whatever the item holds.
 */
export const storedLocale = (r: ItemReader, field = 'locale'): Locale => r.optionalString(field) as Locale;

/** `read` of an item a get or batch read found; undefined when it found none. */
export const ifFound = <T>(item: Item | undefined, read: (item: Item) => T): T | undefined =>
  item === undefined ? undefined : read(item);
