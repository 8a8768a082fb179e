/**
 * Erasure that leaves nothing, against DynamoDB Local with the real aggregator and event publisher behind the
 * stream pollers: a person who answered a sent wave with a comment, sits in a future wave and a cancelled one,
 * reads the digest (and got the scheduled one) and appears in the console's activity log is erased; then a
 * scan of the whole table finds nothing of them, the counters still equal a recount, ContactErased reaches
 * the bus, and importing the address again stores nothing of them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveredEvent, type LocalEventBus, startLocalEventBus } from '#infra/local/event-bus.ts';
import { lambdaContext, loadHandler } from '#infra/local/lambda.ts';
import type { StreamPoller } from '#infra/local/streams.ts';
import { ENV } from '#infra/system.ts';
import { verifyAggregates } from '#shared/aggregation/recount.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { contactIdOf } from '#shared/contacts/contacts.ts';
import { signLink } from '#shared/core/links.ts';
import { type ErasureResult, eraseContact } from '#shared/privacy/erasure.ts';
import { listReaders, subscribeReader } from '#shared/reporting/readers.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { contactKey, waveKey } from '#shared/store/keys.ts';
import { recordActivity } from '#shared/team/activity.ts';
import { createWave } from '#shared/waves/create.ts';
import { cancelWave, getWave } from '#shared/waves/repository.ts';
import { run } from '../../cli/commands.ts';
import { pollStream, senderDeps, signingKeys, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let bus: LocalEventBus;
let eventsFile: string;
let pollers: StreamPoller[] = [];
let route: (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;
const problems: string[] = [];

const tag = Math.random().toString(36).slice(2, 8);
// What must vanish: the address (any case), the name and the comment. Unusual enough to match nothing else.
const PERSON = `Quinn.Okafor-${tag}@Example.org`;
const ADDRESS = PERSON.toLowerCase();
const NAME = `Quinn Okafor-Vantablack ${tag}`;
const COMMENT = `Zeppelin marmalade ${tag} broke my export`;
const OTHERS = [`ada.${tag}@example.com`, `bo.${tag}@example.com`];

/** An audience file: the person (with their name) where they appear, everyone else as "Someone". */
const audience = (emails: string[]) =>
  ['email,name,region', ...emails.map((e) => `${e},${e === PERSON ? NAME : 'Someone'},EU`)].join('\n');

const newWave = (name: string, csv: string, sendAt: Date) =>
  createWave(
    stack,
    { name, kind: 'nps', locale: 'en', product: 'Acme', sendAt },
    () => readAudience(Readable.from([csv]), `${name}.csv`),
    { skipInvalid: false, file: `${name}.csv` },
  );

const request = async (method: string, path: string, body?: string) =>
  (await route({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'survey.example.com',
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'test' },
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent)) as Exclude<LambdaFunctionURLResult, string>;

const answer = (waveId: string, email: string, score: number, body: string) => {
  const token = signLink(signingKeys, {
    purpose: 'r',
    waveId,
    contactId: contactIdOf(email.toLowerCase()),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  return request('POST', `/r/${token}/${score}`, body);
};

/** Every item of the table (a test-only scan), as JSON text, lower-cased. */
const wholeTable = async (): Promise<string[]> => {
  const items: string[] = [];
  for await (const page of paginateScan({ client: stack.ddb }, { TableName: stack.table }))
    for (const item of page.Items ?? [])
      items.push(JSON.stringify(item, (_, v) => (v instanceof Set ? [...v] : v)).toLowerCase());
  return items;
};
const holdingThem = (items: string[]) =>
  items.filter(
    (i) => i.includes(ADDRESS) || i.includes(NAME.toLowerCase()) || i.includes(COMMENT.toLowerCase()),
  );

const settled = async () => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the stream consumers did not settle within 30 s')), 30_000);
  });
  await Promise.race([Promise.all(pollers.map((p) => p.settled())), late]).finally(() => clearTimeout(timer));
};

const events = (): DeliveredEvent[] => {
  try {
    return readFileSync(eventsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as DeliveredEvent);
  } catch {
    return [];
  }
};

let sent: string;
let future: string;
let cancelled: string;
let erasure: Awaited<ReturnType<typeof run>>;
let result: ErasureResult;

beforeAll(async () => {
  stack = await useLocalStack();
  eventsFile = join(mkdtempSync(join(tmpdir(), 'nps-erasure-')), 'events.jsonl');
  bus = await startLocalEventBus({ busName: 'nps-erasure', file: eventsFile, log: () => undefined });
  process.env[ENV.eventBusName] = bus.busName;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
  ({ route } = await import('#functions/survey-http.ts'));
  pollers = [
    await pollStream(stack, 'aggregateResponses', await loadHandler('aggregateResponses'), (m) =>
      problems.push(m),
    ),
    await pollStream(stack, 'publishEvents', await loadHandler('publishEvents'), (m) => problems.push(m)),
  ];

  // A sent wave they answered with a comment (a neighbour answered too), a future wave, a cancelled one.
  sent = (await newWave('sent', audience([PERSON, ...OTHERS]), new Date(Date.now() - 1000))).id;
  expect((await sendDueWaves(senderDeps(stack))).sent).toBe(3);
  expect((await answer(sent, PERSON, 3, `score=3&reason=${encodeURIComponent(COMMENT)}`)).statusCode).toBe(
    200,
  );
  expect((await answer(sent, OTHERS[0] as string, 9, 'score=9')).statusCode).toBe(200);
  future = (await newWave('future', audience([PERSON, ...OTHERS]), new Date(Date.now() + 30 * 86_400_000)))
    .id;
  cancelled = (await newWave('cancelled', audience([PERSON]), new Date(Date.now() + 86_400_000))).id;
  await cancelWave(stack.ddb, stack.table, cancelled);
  // They read the digest (and the scheduled one reached them), and the console logged adding them.
  await subscribeReader(stack, PERSON, 'en');
  await (await loadHandler('sendDigest'))({}, lambdaContext('sendDigest'));
  await recordActivity(stack, {
    who: 'admin@example.com',
    what: 'reader.added',
    detail: { address: ADDRESS },
  });
  await settled();
  // Before: they are everywhere, and the counters are exact.
  expect(holdingThem(await wholeTable()).length).toBeGreaterThanOrEqual(6);
  expect((await verifyAggregates(stack)).ok).toBe(true);

  // `nps contact erase`, with the address as a person might type it.
  erasure = await run(['contact', 'erase', `  ${PERSON.toUpperCase()} `], {}, {});
  result = erasure.data as ErasureResult;
  await settled();
});

afterAll(async () => {
  for (const p of pollers) await p.stop();
  await bus?.stop();
});

describe('erasing a person', () => {
  it('leaves no item anywhere in the table holding their address, name or comment', async () => {
    expect(holdingThem(await wholeTable())).toEqual([]);
  });

  it('keeps only the tombstone: the contact id (the address’s hash) and when', async () => {
    const contactId = contactIdOf(ADDRESS);
    const tombstone = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: contactKey(contactId), ConsistentRead: true }),
    );
    expect(Object.keys(tombstone.Item ?? {}).sort()).toEqual(['contactId', 'erasedAt', 'pk', 'sk']);
    expect(tombstone.Item?.contactId).toBe(contactId);
  });

  it('reports what it removed, per kind, in every state of wave', () => {
    expect(result).toMatchObject({
      contactId: contactIdOf(ADDRESS),
      waves: 3,
      removed: {
        // A send puts a fatigue mark (no address) on the contact, not the address: the record held nothing
        // personal, so the tombstone removed nothing from it.
        contact: 0,
        recipient: 3, // sent, future and cancelled
        response: 1,
        feedbackEntry: 1,
        reader: 1,
        activity: 1,
      },
    });
    expect(erasure.data).toMatchObject({ erased: true });
    expect(erasure.text).toMatch(
      /^Erased .+ \(found in 3 waves\): removed 3 recipients, 1 response, 1 feedback entry, \d+ link counters?, 1 digest subscription; redacted 1 activity entry; only a hashed tombstone stays/,
    );
    // The answer spent one request of the link's budget: that counter went too.
    expect(result.removed.linkBudget).toBeGreaterThanOrEqual(1);
    expect(result.removedItems).toBe(3 + 1 + 1 + 1 + (result.removed.linkBudget as number));
  });

  it('keeps the counters equal to a recount: their score and send are subtracted, the neighbour’s stay', async () => {
    expect(problems).toEqual([]);
    const verification = await verifyAggregates(stack);
    expect(verification.differences).toEqual([]);
    expect(verification.ok).toBe(true);
    // The sent wave now holds two recipients, both sent, and one response (the neighbour's 9).
    expect(verification.responses).toBe(1);
    expect((await getWave(stack.ddb, stack.table, sent)).recipients).toBe(2);
    expect((await getWave(stack.ddb, stack.table, future)).recipients).toBe(2);
    expect((await getWave(stack.ddb, stack.table, cancelled)).recipients).toBe(0);
  });

  it('stops their digest', async () => {
    expect((await listReaders(stack)).map((r) => r.address)).not.toContain(ADDRESS);
  });

  it('puts ContactErased on the bus with the contact id only', async () => {
    const contactId = contactIdOf(ADDRESS);
    const tombstone = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: contactKey(contactId), ConsistentRead: true }),
    );
    const erasedAt = tombstone.Item?.erasedAt as string;
    const erased = events().filter((e) => e['detail-type'] === 'ContactErased');
    expect(erased.map((e) => e.detail)).toEqual([
      {
        metadata: {
          id: `ContactErased:${contactId}:${erasedAt}`,
          type: 'ContactErased',
          version: 2,
          occurredAt: erasedAt,
        },
        data: { contactId, erasedAt },
      },
    ]);
  });

  it('leaves no event in the local log holding their address, name or comment: ContactErased redacted ResponseDetails', () => {
    const archivable = events().filter((e) => e['detail-type'] !== 'ResponseDetails');
    expect(archivable.length).toBeGreaterThan(0);
    const details = events().filter((e) => e['detail-type'] === 'ResponseDetails');
    expect(details.length).toBeGreaterThan(0);
    for (const e of [...archivable, ...details])
      expect(holdingThem([JSON.stringify(e).toLowerCase()])).toEqual([]);
    expect(details.some((e) => JSON.stringify(e).includes(COMMENT))).toBe(false);
    expect(details.some((e) => (e.detail as { data: { redacted?: boolean } }).data.redacted)).toBe(true);
  });

  it('stores nothing of them when their address is imported again, and says it skipped them as erased', async () => {
    const again = await newWave(
      'again',
      audience([OTHERS[1] as string, PERSON]),
      new Date(Date.now() + 86_400_000),
    );
    expect(again.recipients).toBe(1);
    expect(again.skipped).toEqual([{ line: 3, email: ADDRESS, reason: 'erased' }]);
    expect((await getWave(stack.ddb, stack.table, again.id)).skipped).toEqual({ erased: 1 });
    expect(holdingThem(await wholeTable())).toEqual([]);
    const recipients = (await wholeTable()).filter(
      (i) => i.includes(`"pk":"${waveKey(again.id).pk.toLowerCase()}#`), // its shards
    );
    expect(recipients.filter((i) => i.includes('"sk":"rcpt#'))).toHaveLength(1);
  });

  it('finds nothing more when erased again, and keeps the first erasure’s time', async () => {
    const first = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: contactKey(contactIdOf(ADDRESS)), ConsistentRead: true }),
    );
    const again = await eraseContact(stack, PERSON, new Date(Date.now() + 60_000));
    expect(again.removedItems).toBe(0);
    expect(again.waves).toBe(0);
    const after = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: contactKey(contactIdOf(ADDRESS)), ConsistentRead: true }),
    );
    expect(after.Item?.erasedAt).toBe(first.Item?.erasedAt);
  });
});
