/**
 * A walk over the console's whole route table (functions/console/routes.ts ROUTES), against the real Cognito
 * emulator and DynamoDB Local. For every route: each role below its minimum gets 403, no session is sent to
 * sign-in (303; 401 for an API call), and a POST from another site is refused even for an admin with the
 * page's CSRF token; each with a form that would change something, and nothing changes (not one item of the
 * table, not one email). The minimum roles are written out here, apart from the table, so a route opened to
 * a lower role fails; a route added without its line here fails too, so no route escapes the walk.
 */
import { Readable } from 'node:stream';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '#functions/console/router.ts';
import { ROUTES } from '#functions/console/routes.ts';
import { addSubscription } from '#shared/alerts/subscriptions.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { subscribeReader } from '#shared/reporting/readers.ts';
import { ROLES, type Role } from '#shared/team/roles.ts';
import { createWave } from '#shared/waves/create.ts';
import {
  type Answer,
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  csrfOf,
  serveConsole,
  startCognito,
} from '../support/console.ts';
import { useLocalStack } from '../support/stack.ts';

/** The lowest role of every route, as the product promises it (README "The console"). */
const MINIMUM_ROLE: Readonly<Record<string, Role>> = {
  'GET /console': 'viewer',
  'GET /console/waves': 'viewer',
  'GET /console/waves/new': 'editor',
  'POST /console/waves/new': 'editor',
  'POST /console/waves/new/check': 'editor',
  'POST /console/waves/new/upload': 'editor',
  'GET /console/waves/preview': 'editor',
  'GET /console/waves/:id': 'viewer',
  'GET /console/waves/:id/cancel': 'editor',
  'POST /console/waves/:id/cancel': 'editor',
  'POST /console/waves/:id/reminder/cancel': 'editor',
  'GET /console/api/waves': 'viewer',
  'GET /console/api/waves/:id': 'viewer',
  'GET /console/responses': 'viewer',
  'GET /console/responses/export.csv': 'viewer',
  'GET /console/readers': 'viewer',
  'POST /console/readers': 'editor',
  'POST /console/readers/remove': 'editor',
  'POST /console/readers/send': 'editor',
  'GET /console/readers/preview': 'viewer',
  'GET /console/alerts': 'viewer',
  'POST /console/alerts': 'editor',
  'POST /console/alerts/remove': 'editor',
  'GET /console/contacts': 'admin',
  'POST /console/contacts/confirm': 'admin',
  'POST /console/contacts/erase': 'admin',
  'GET /console/activity': 'viewer',
};

const tag = Math.random().toString(36).slice(2, 8);
const READER = `reader.${tag}@example.com`;
const CONTACT = `contact.${tag}@example.com`;

let cognito: CognitoLocal;
let stack: Awaited<ReturnType<typeof useLocalStack>>;
let app: Awaited<ReturnType<typeof serveConsole>>;
let waveId: string;
let subscriptionId: string;
const browsers = new Map<Role, { browser: ConsoleBrowser; csrf: string }>();

/** What each action would change if it ran: real ids and addresses of this table. */
const formOf = (r: Route): Record<string, string> =>
  ({
    'POST /console/waves/new': { name: 'Walk', kind: 'nps', locale: 'en', sendAt: 'now' },
    'POST /console/waves/new/upload': { size: '100' },
    'POST /console/readers': { address: `new.${READER}`, locale: 'en' },
    'POST /console/readers/remove': { address: READER },
    'POST /console/readers/send': { to: 'one', address: READER, locale: 'en' },
    'POST /console/alerts': { url: 'https://hooks.example.com/walk', on: 'detractor', format: 'json' },
    'POST /console/alerts/remove': { id: subscriptionId },
    'POST /console/contacts/confirm': { address: CONTACT },
    'POST /console/contacts/erase': { address: CONTACT, confirm: CONTACT },
  })[keyOf(r)] ?? {};

const keyOf = (r: Route) => `${r.method} ${r.path}`;
const pathOf = (r: Route) => r.path.replace(':id', encodeURIComponent(waveId));
const isApi = (r: Route) => r.path.startsWith('/console/api/');
const below = (minimum: Role) => ROLES.slice(0, ROLES.indexOf(minimum));

/** Every item of the table and every email the emulator holds, as text: what "nothing changed" compares. */
const everything = async () => {
  const items: string[] = [];
  for await (const page of paginateScan(
    { client: stack.ddb },
    { TableName: stack.table, ConsistentRead: true },
  ))
    for (const item of page.Items ?? [])
      items.push(JSON.stringify(item, (_, v) => (v instanceof Set ? [...v].sort() : v)));
  const { emails } = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: unknown[] };
  return { items: items.sort(), emails: emails.length };
};

const send = (browser: ConsoleBrowser, r: Route, headers: Record<string, string> = {}, csrf?: string) =>
  r.method === 'GET'
    ? browser.get(pathOf(r), headers)
    : browser.post(
        pathOf(r),
        { ...formOf(r), ...(csrf ? { csrf } : {}) },
        {
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
          ...headers,
        },
      );

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  app = await serveConsole(consoleDeps(stack, cognito), ROUTES);
  const csv = ['email,name', `${CONTACT},Casey`, `other.${tag}@example.com,Olu`].join('\n');
  waveId = (
    await createWave(
      stack,
      {
        name: 'Walked',
        kind: 'nps',
        locale: 'en',
        product: 'Acme',
        sendAt: new Date(Date.now() + 86_400_000),
      },
      () => readAudience(Readable.from([csv]), 'walk.csv'),
      { skipInvalid: false, file: 'walk.csv' },
    )
  ).id;
  await subscribeReader(stack, READER, 'en');
  subscriptionId = (
    await addSubscription(
      stack,
      { url: 'https://hooks.example.com/kept', on: 'detractor' },
      { httpsOnly: true, now: new Date() },
    )
  ).id;
  for (const role of ROLES) {
    const user = await addConsoleUser(cognito, `${role}.${tag}@example.com`, role);
    const browser = new ConsoleBrowser(app.url);
    expect((await browser.signIn(user.email, user.password)).status).toBe(303);
    const shell = await browser.get('/console');
    expect(shell.status).toBe(200);
    browsers.set(role, { browser, csrf: csrfOf(shell.body) });
  }
});
afterAll(async () => {
  await app?.stop();
  await cognito?.stop();
});

describe('the console’s route walk', () => {
  it('knows the minimum role of every route in the table, and of no route that is not there', () => {
    expect(ROUTES.map(keyOf).sort()).toEqual(Object.keys(MINIMUM_ROLE).sort());
    for (const r of ROUTES)
      expect({ route: keyOf(r), role: r.role }).toEqual({ route: keyOf(r), role: MINIMUM_ROLE[keyOf(r)] });
  });

  it('refuses every route to each lower role, to no session, and a POST from another site, changing nothing', async () => {
    const before = await everything();
    const wrong: string[] = [];
    const expectAnswer = (what: string, answer: Answer, ok: (a: Answer) => boolean) => {
      if (!ok(answer)) wrong.push(`${what}: ${answer.status} ${answer.location ?? ''}`);
    };
    for (const r of ROUTES) {
      const minimum = MINIMUM_ROLE[keyOf(r)] ?? 'admin';
      for (const role of below(minimum)) {
        const { browser, csrf } = browsers.get(role) as { browser: ConsoleBrowser; csrf: string };
        expectAnswer(`${keyOf(r)} as ${role}`, await send(browser, r, {}, csrf), (a) => a.status === 403);
      }
      const anonymous = new ConsoleBrowser(app.url);
      expectAnswer(`${keyOf(r)} without a session`, await send(anonymous, r), (a) =>
        isApi(r) ? a.status === 401 : a.status === 303 && (a.location ?? '').startsWith('/console/sign-in'),
      );
      expectAnswer(
        `${keyOf(r)} without a session, asking for JSON`,
        await send(anonymous, r, { accept: 'application/json' }),
        (a) => a.status === 401,
      );
      if (r.method === 'POST') {
        const { browser, csrf } = browsers.get('admin') as { browser: ConsoleBrowser; csrf: string };
        expectAnswer(
          `${keyOf(r)} from another site`,
          await send(browser, r, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, csrf),
          (a) => a.status === 403,
        );
      }
    }
    expect(wrong).toEqual([]);
    expect(await everything()).toEqual(before);
  });

  it('lets the minimum role through every page it may read (so the refusals above are the guard’s)', async () => {
    const wrong: string[] = [];
    for (const r of ROUTES.filter((route) => route.method === 'GET')) {
      const { browser } = browsers.get(MINIMUM_ROLE[keyOf(r)] ?? 'admin') as { browser: ConsoleBrowser };
      const answer = await browser.get(pathOf(r));
      const refused =
        [401, 403].includes(answer.status) || (answer.location ?? '').startsWith('/console/sign-in');
      if (refused) wrong.push(`${keyOf(r)}: ${answer.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
