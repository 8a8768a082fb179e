/**
 * Erasure's edges against DynamoDB Local: once a person is erased, their address is refused at every door
 * where an address is stored (a digest reader from the CLI and the console, an owner in an audience file, a
 * wave's alert address, a console user), with an error that says so and nothing written; and the local
 * bus's event log (`events.jsonl`) loses their address, name and comment when the erasure's ContactErased
 * reaches it, while a neighbour's lines stay as they were.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/console/routes.ts';
import { type LocalEventBus, startLocalEventBus } from '#infra/local/event-bus.ts';
import { ErasedAddressError } from '#shared/contacts/contacts.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { EVENT_SOURCE } from '#shared/events/catalog.ts';
import { erasureOf } from '#shared/events/contact-events.ts';
import { eraseContact } from '#shared/privacy/erasure.ts';
import { listReaders } from '#shared/reporting/readers.ts';
import { erasureNoticeKey } from '#shared/store/keys.ts';
import { addUser } from '#shared/team/users.ts';
import { pendingRecipient } from '#shared/waves/model.ts';
import { run } from '../../cli/commands.ts';
import {
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  csrfOf,
  serveConsole,
  startCognito,
} from '../support/console.ts';
import { commitAnswer } from '../support/responses.ts';
import { useLocalStack } from '../support/stack.ts';

const D = 'erasure-edges.example.com';
const ERASED = `gone@${D}`;
const NEIGHBOUR = `stays@${D}`;

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let cognito: CognitoLocal;
let app: Awaited<ReturnType<typeof serveConsole>>;
let editor: ConsoleBrowser;
let bus: LocalEventBus;
const dir = mkdtempSync(join(tmpdir(), 'nps-erasure-edges-'));
const log = join(dir, 'events.jsonl');

/** PutEvents as the publisher sends it (the SDK's wire format), one event. */
const publish = async (detailType: string, detail: unknown) => {
  const response = await fetch(bus.endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({
      Entries: [
        {
          EventBusName: bus.busName,
          Source: EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  });
  expect(((await response.json()) as { FailedEntryCount: number }).FailedEntryCount).toBe(0);
};

/** A ResponseDetails event as the publisher raises it for a person's comment. */
const detailsOf = (email: string, name: string, comment: string) =>
  commitAnswer(
    pendingRecipient('w-edges', 'nps', {
      contactId: contactIdOf(email),
      email,
      name,
      locale: 'en',
      props: { plan: 'Gold' },
    }),
    undefined,
    2,
    { reason: comment },
  ).details;

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  bus = await startLocalEventBus({ busName: 'edges-bus', file: log, log: () => undefined });
  await publish('ResponseDetails', detailsOf(ERASED, 'Gunnar Gone', 'Secret complaint about Gunnar'));
  await publish('ResponseDetails', detailsOf(NEIGHBOUR, 'Stella Stays', 'Neighbour comment'));
  await eraseContact(stack, ERASED, new Date());

  app = await serveConsole(consoleDeps(stack, cognito), ROUTES);
  await addConsoleUser(cognito, `editor@${D}`, 'editor');
  editor = new ConsoleBrowser(app.url);
  expect((await editor.signIn(`editor@${D}`, 'Correct-horse-9-battery')).status).toBe(303);
});

afterAll(async () => {
  await bus?.stop();
  await app?.stop();
  await cognito?.stop();
});

describe('an erased address offered again', () => {
  it('is refused as a digest reader from the CLI, saying it was erased, and nothing is stored', async () => {
    await expect(run(['digest', 'subscribe', ` ${ERASED.toUpperCase()}`], {}, {})).rejects.toThrow(
      /gone@erasure-edges\.example\.com was erased at the person’s request/,
    );
    expect((await listReaders(stack)).map((r) => r.address)).not.toContain(ERASED);
  });

  it('is refused as a digest reader in the console, with a message in the user’s language', async () => {
    const page = await editor.get('/console/readers');
    const refused = await editor.post('/console/readers', {
      csrf: csrfOf(page.body),
      address: ERASED,
      locale: 'en',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(
      'This address was erased at the person’s request and cannot be added again.',
    );
    const german = await editor.post(
      '/console/readers',
      { csrf: csrfOf(page.body), address: ERASED, locale: 'de' },
      { 'accept-language': 'de' },
    );
    expect(german.body).toContain('Diese Adresse wurde auf Wunsch der Person gelöscht');
    expect((await listReaders(stack)).map((r) => r.address)).not.toContain(ERASED);
  });

  it('makes an audience row invalid when it is the owner, and is refused as the wave’s alert address', async () => {
    const file = join(dir, 'owners.csv');
    writeFileSync(file, `email,name,owner\nnew@${D},Nia,${ERASED}\n`);
    await expect(run(['wave', 'create'], { name: 'Owners', audience: file, now: true }, {})).rejects.toThrow(
      /line 2: owner gone@erasure-edges\.example\.com was erased/,
    );
    writeFileSync(file, `email,name\nnew@${D},Nia\n`);
    await expect(
      run(['wave', 'create'], { name: 'Alerts', audience: file, now: true, 'alert-to': ERASED }, {}),
    ).rejects.toThrow(ErasedAddressError);
    expect(((await run(['wave', 'list'], {}, {})).data as unknown[]).length).toBe(0);
  });

  it('is not made a console user, before the user pool is even asked', async () => {
    const untouchable = {
      send: () => Promise.reject(new Error('the user pool was asked')),
    } as unknown as CognitoIdentityProviderClient;
    await expect(
      addUser(
        { cognito: untouchable, userPoolId: 'pool', contacts: stack },
        { email: ERASED, role: 'viewer', password: 'Correct-horse-9-battery' },
      ),
    ).rejects.toThrow(ErasedAddressError);
  });
});

describe('the local event log', () => {
  it('loses the erased person’s address, name, properties and comment when ContactErased arrives', async () => {
    const before = readFileSync(log, 'utf8');
    expect(before).toContain(ERASED);
    expect(before).toContain('Secret complaint about Gunnar');
    // The erasure's notice becomes ContactErased, as the publisher turns its stream change into the event.
    const notice = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: erasureNoticeKey(contactIdOf(ERASED)) }),
    );
    const event = erasureOf({
      pk: String(notice.Item?.pk),
      sk: String(notice.Item?.sk),
      oldImage: undefined,
      newImage: notice.Item,
      expired: false,
      sequenceNumber: '1',
    });
    expect(event).toBeDefined();
    await publish('ContactErased', event);

    const after = readFileSync(log, 'utf8');
    for (const gone of [ERASED, 'Gunnar Gone', 'Secret complaint about Gunnar', 'Gold'])
      expect(
        after
          .split('\n')
          .filter((l) => !l.includes(NEIGHBOUR))
          .join('\n'),
      ).not.toContain(gone);
    const lines = after
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const theirs = lines.find(
      (e) => e.detail?.data?.contactId === contactIdOf(ERASED) && e['detail-type'] === 'ResponseDetails',
    );
    expect(theirs.detail.data).toMatchObject({ contactId: contactIdOf(ERASED), score: 2, redacted: true });
    // The neighbour's line is untouched.
    expect(after).toContain('Neighbour comment');
    expect(after).toContain('Stella Stays');
    expect(lines).toHaveLength(3);
  });
});
