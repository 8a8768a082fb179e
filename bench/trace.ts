/**
 * A DynamoDB client that records every item write the code asks for (Put, Update, Delete, each item of a
 * batch write or transaction), refused conditional writes included, since they cost write capacity too. The
 * wave-life benchmark and `npm run simulate` read their figures from such a trace.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface TracedWrite {
  /** Milliseconds since the trace started. */
  at: number;
  pk: string;
  sk: string;
  /** The command that wrote it: PutCommand, UpdateCommand, TransactWriteCommand… */
  op: string;
  /** The phase of the wave's life it belongs to (set by the caller as it goes). */
  phase: string;
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
};

const WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
]);

/** Wraps `ddb` so every write is appended to the returned trace; `phase` names what is being done. */
export const traced = (ddb: DynamoDBDocumentClient) => {
  const writes: TracedWrite[] = [];
  const state = { phase: 'import' };
  const started = performance.now();
  const send = ddb.send.bind(ddb) as (command: unknown) => Promise<unknown>;
  const wrapped = Object.create(ddb) as DynamoDBDocumentClient;
  wrapped.send = (async (command: { constructor: { name: string }; input: AnyInput }) => {
    const op = command.constructor.name;
    if (WRITES.has(op)) {
      const at = performance.now() - started;
      const keys: KeyOf[] = [];
      const input = command.input;
      if (input.Key) keys.push(input.Key);
      else if (input.Item) keys.push(input.Item);
      for (const requests of Object.values(input.RequestItems ?? {}))
        for (const r of requests) keys.push(r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {});
      for (const t of input.TransactItems ?? [])
        keys.push(t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? {});
      for (const k of keys) writes.push({ at, pk: String(k.pk), sk: String(k.sk), op, phase: state.phase });
    }
    return send(command);
  }) as DynamoDBDocumentClient['send'];
  return { ddb: wrapped, writes, state };
};

/** The class of a partition key: ids replaced by placeholders, so keys of one kind count together. */
export const keyClass = (pk: string): string =>
  pk
    .replace(/^WAVE#[^#]+#L\d+$/, 'WAVE#id#L(lane lock)')
    .replace(/^WAVE#[^#]+#\d+$/, 'WAVE#id#NN(shard)')
    .replace(/^WAVE#[^#]+$/, 'WAVE#id(META)')
    .replace(/^APPLIED#WAVE#[^#]+#\d+$/, 'APPLIED#WAVE#id#NN(checkpoint)')
    .replace(/^CONTACT#.+$/, 'CONTACT#id')
    .replace(/^RATE#.+$/, 'RATE#wave#contact')
    .replace(/^AGG#(\w+)#.+$/, 'AGG#$1#scope');

/** Item writes per partition key, most written first. */
export const writesPerKey = (writes: readonly TracedWrite[]): [string, number][] => {
  const counts = new Map<string, number>();
  for (const w of writes) counts.set(w.pk, (counts.get(w.pk) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
};
