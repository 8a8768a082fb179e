/**
 * A DynamoDB client that records every request the code makes: each item write it asks for (Put, Update,
 * Delete, each item of a batch write or transaction; refused conditional writes included, since they cost
 * write capacity too) and the read and write capacity DynamoDB Local says each request consumed
 * (`ReturnConsumedCapacity`). The wave-life benchmark and `npm run simulate` read their figures from it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface TracedWrite {
  /** Milliseconds since the trace started. */
  at: number;
  pk: string;
  sk: string;
  /** The command that wrote it: PutCommand, UpdateCommand, TransactWriteCommand… */
  op: string;
  /** Its share of the request's write units (a transaction's units split over its items). */
  units: number;
  /** The phase of the wave's life it belongs to (set by the caller as it goes). */
  phase: string;
}

export interface TracedRequest {
  op: string;
  phase: string;
  readUnits: number;
  writeUnits: number;
}

interface KeyOf {
  pk?: unknown;
  sk?: unknown;
}
type AnyInput = {
  Key?: KeyOf;
  Item?: KeyOf;
  RequestItems?: Record<string, { PutRequest?: { Item: KeyOf }; DeleteRequest?: { Key: KeyOf } }[]>;
  TransactItems?: { Put?: { Item: KeyOf }; Update?: { Key: KeyOf }; Delete?: { Key: KeyOf } }[];
  ReturnConsumedCapacity?: string;
};
type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

const WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
]);
const READS = new Set(['GetCommand', 'QueryCommand', 'BatchGetCommand', 'ScanCommand']);

/**
 * The units a response says its request consumed (table and indexes). DynamoDB Local gives the total only
 * (`CapacityUnits`), so whether they are read or write units follows from the request.
 */
const unitsOf = (capacity: unknown, write: boolean): { read: number; write: number } => {
  const list = (Array.isArray(capacity) ? capacity : capacity ? [capacity] : []) as Capacity[];
  const total = list.reduce(
    (n, c) => n + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)),
    0,
  );
  return write ? { read: 0, write: total } : { read: total, write: 0 };
};

/** Wraps `ddb` so every request is traced; `state.phase` names what is being done. */
export const traced = (ddb: DynamoDBDocumentClient) => {
  const writes: TracedWrite[] = [];
  const requests: TracedRequest[] = [];
  const state = { phase: 'import' };
  const started = performance.now();
  const send = ddb.send.bind(ddb) as (command: unknown) => Promise<unknown>;
  const wrapped = Object.create(ddb) as DynamoDBDocumentClient;
  wrapped.send = (async (command: { constructor: { name: string }; input: AnyInput }) => {
    const op = command.constructor.name;
    const phase = state.phase;
    if (!WRITES.has(op) && !READS.has(op)) return send(command);
    command.input.ReturnConsumedCapacity = 'INDEXES';
    const at = performance.now() - started;
    const keys: KeyOf[] = [];
    const input = command.input;
    if (WRITES.has(op)) {
      if (input.Key) keys.push(input.Key);
      else if (input.Item) keys.push(input.Item);
      for (const requests of Object.values(input.RequestItems ?? {}))
        for (const r of requests) keys.push(r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {});
      for (const t of input.TransactItems ?? [])
        keys.push(t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? {});
    }
    let capacity: unknown;
    try {
      const out = (await send(command)) as { ConsumedCapacity?: unknown };
      capacity = out?.ConsumedCapacity;
      return out;
    } catch (error) {
      // A refused conditional write costs what its item would have: one unit per item (≤ 1 KB), at least.
      capacity = {
        WriteCapacityUnits: WRITES.has(op) ? keys.length * (op === 'TransactWriteCommand' ? 2 : 1) : 0,
      };
      throw error;
    } finally {
      const units = unitsOf(capacity, WRITES.has(op));
      // DynamoDB Local under-reports transactions: each item costs two write units at least (≤ 1 KB each).
      if (op === 'TransactWriteCommand') units.write = Math.max(units.write, 2 * keys.length);
      requests.push({ op, phase, readUnits: units.read, writeUnits: units.write });
      const share = keys.length > 0 ? units.write / keys.length : 0;
      for (const k of keys) writes.push({ at, pk: String(k.pk), sk: String(k.sk), op, units: share, phase });
    }
  }) as DynamoDBDocumentClient['send'];
  return { ddb: wrapped, writes, requests, state };
};

/** The class of a partition key: ids replaced by placeholders, so keys of one kind count together. */
export const keyClass = (pk: string): string =>
  pk
    .replace(/^WAVE#[^#]+#L\d+$/, 'WAVE#id#Lg (lane lock)')
    .replace(/^WAVE#[^#]+#\d+$/, 'WAVE#id#NNN (shard)')
    .replace(/^WAVE#[^#]+$/, 'WAVE#id (wave)')
    .replace(/^APPLIED#WAVE#[^#]+#\d+$/, 'APPLIED#WAVE#id#NNN (checkpoint)')
    .replace(/^CONTACT#.+$/, 'CONTACT#id')
    .replace(/^RATE#.+$/, 'RATE#wave#contact')
    .replace(/^AGG#(\w+)#.+$/, 'AGG#$1#scope');

/** Item writes per partition key, most written first. */
export const writesPerKey = (writes: readonly TracedWrite[]): [string, number][] => {
  const counts = new Map<string, number>();
  for (const w of writes) counts.set(w.pk, (counts.get(w.pk) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
};
