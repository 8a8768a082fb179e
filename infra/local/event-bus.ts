/**
 * The local stand-in for the EventBridge bus: speaks the PutEvents API (AWS JSON 1.1) on 127.0.0.1, so the
 * handler publishes with the real SDK client, logs each event and appends it to `<state>/events.jsonl`.
 * That log is a consumer like any other: a ContactErased event rewrites it without the person's address,
 * name, properties and answers (the personal-data map's `localEventLog`).
 * Entries for a bus other than the configured one fail per entry, as EventBridge reports them: the
 * caller must check each entry, and tests can see that it does.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { EVENT_TYPES } from '#shared/events/catalog.ts';
import { withoutErasedContact } from '#shared/events/contact-events.ts';

export interface LocalEventBus {
  /** For AWS_ENDPOINT_URL_EVENTBRIDGE. */
  endpoint: string;
  busName: string;
  stop(): Promise<void>;
}

interface Entry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number | string;
  Resources?: string[];
}

/** One line of events.jsonl: the event as an EventBridge rule target would receive it. */
export interface DeliveredEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

const MAX_ENTRY_BYTES = 256 * 1024;

/** Rewrites the log without what its lines hold of one erased contact; returns how many lines changed. */
export const redactEventLog = (file: string, contactId: string): number => {
  if (!existsSync(file)) return 0;
  let changed = 0;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => {
      if (!line.includes(contactId)) return line;
      const event = JSON.parse(line) as DeliveredEvent;
      const redacted = withoutErasedContact(event, contactId);
      if (redacted === event) return line;
      changed++;
      return JSON.stringify(redacted);
    });
  if (changed === 0) return 0;
  // Whole or not at all: a crash mid-write leaves the old log, never half of one.
  writeFileSync(`${file}.tmp`, lines.join('\n'));
  renameSync(`${file}.tmp`, file);
  return changed;
};

export const startLocalEventBus = async (options: {
  busName: string;
  file: string;
  log: (message: string) => void;
  /** The rules' targets: called with each accepted event after it is recorded, as EventBridge delivers. */
  deliver?: (event: DeliveredEvent) => void;
}): Promise<LocalEventBus> => {
  mkdirSync(dirname(options.file), { recursive: true });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        return reply(400, { __type: 'UnknownOperationException', message: 'Only PutEvents is emulated' });
      }
      let entries: Entry[];
      try {
        entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: Entry[] }).Entries ?? [];
      } catch {
        return reply(400, { __type: 'SerializationException', message: 'Body is not JSON' });
      }
      if (entries.length === 0 || entries.length > 10) {
        return reply(400, { __type: 'ValidationException', message: 'PutEvents takes 1 to 10 entries' });
      }
      const results = entries.map((entry) => {
        const bus = entry.EventBusName ?? 'default';
        if (bus !== options.busName && !bus.endsWith(`:event-bus/${options.busName}`)) {
          return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
        }
        if (!entry.Source || !entry.DetailType || !entry.Detail) {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType and Detail are required' };
        }
        if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) {
          return { ErrorCode: 'ValidationException', ErrorMessage: 'Entry is larger than 256 KB' };
        }
        let detail: unknown;
        try {
          detail = JSON.parse(entry.Detail);
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
        }
        const time =
          typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date(entry.Time ?? Date.now());
        const event: DeliveredEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': entry.DetailType,
          source: entry.Source,
          account: '000000000000',
          time: time.toISOString(),
          region: process.env.AWS_REGION || 'eu-west-1',
          resources: entry.Resources ?? [],
          detail,
        };
        appendFileSync(options.file, `${JSON.stringify(event)}\n`);
        options.log(`event ${event['detail-type']} ${event.id}`);
        const erased = (detail as { data?: { contactId?: unknown } } | null)?.data?.contactId;
        if (event['detail-type'] === EVENT_TYPES.contactErased && typeof erased === 'string')
          options.log(
            `redacted ${redactEventLog(options.file, erased)} event log lines of an erased contact`,
          );
        options.deliver?.(event);
        return { EventId: event.id };
      });
      reply(200, {
        FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
        Entries: results,
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    busName: options.busName,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
};
