/**
 * The console's waves, New wave, digest readers and contacts pages against DynamoDB Local, the SES emulator
 * and the real Cognito emulator: a wave's counts and its segments' figures worked out by hand; a refused
 * creation listing every problem with nothing written; a creation at a time in a chosen zone; cancelling;
 * the previews under their own CSP; readers and the digest sent now; an erasure after the address is typed
 * twice. Each change is in the activity log; each role below the page's is refused with nothing changed.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/console/routes.ts';
import { FUNCTIONS } from '#infra/system.ts';
import { applyCommit, applyTrap, newResponse } from '#shared/answering/responses.ts';
import { surveyPolicy } from '#shared/core/config.ts';
import { contactIdOf } from '#shared/core/identity.ts';
import { listReaders } from '#shared/reporting/readers.ts';
import { createDynamo } from '#shared/store/clients.ts';
import { ALL_TIME, aggregateKey, contactKey, recipientKey, waveKey, waveScope } from '#shared/store/keys.ts';
import { listActivity } from '#shared/team/activity.ts';
import type { Role } from '#shared/team/roles.ts';
import { pendingRecipient } from '#shared/waves/model.ts';
import { getWave, listWaves } from '#shared/waves/repository.ts';
import { t } from '#templates/index.ts';
import {
  addConsoleUser,
  type CognitoLocal,
  ConsoleBrowser,
  consoleDeps,
  csrfOf,
  PASSWORD,
  serveConsole,
  startCognito,
} from '../support/console.ts';
import { recordTouches, refusal, type Touch } from '../support/grants.ts';
import { inbox, useLocalStack } from '../support/stack.ts';

const NOW = new Date('2026-11-25T10:00:00Z');

let cognito: CognitoLocal;
let stack: Awaited<ReturnType<typeof useLocalStack>>;
let app: Awaited<ReturnType<typeof serveConsole>>;
let consoleCalls: Touch[] = [];
const as: Partial<Record<Role, ConsoleBrowser>> = {};
const user = (role: Role) => as[role] as ConsoleBrowser;

const put = (Item: object) => stack.ddb.send(new PutCommand({ TableName: stack.table, Item }));
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"');

const wave = (id: string, name: string, status: string, extra: Record<string, unknown> = {}) =>
  put({
    ...waveKey(id),
    type: 'wave',
    id,
    name,
    kind: 'nps',
    locale: 'en',
    product: 'Acme',
    sendAt: '2026-11-20T09:00:00.000Z',
    status,
    recipients: 12,
    skipped: {},
    createdAt: `2026-11-20T08:00:00.000Z#${id}`,
    ...extra,
  });

/** A response of the wave as the answering core writes it: committed with a score, or quarantined. */
const response = async (waveId: string, contact: string, team: string, score: number | 'quarantined') => {
  const recipient = pendingRecipient(waveId, 'nps', {
    contactId: contact,
    email: `${contact}@example.com`,
    name: contact,
    locale: 'en',
    props: { team },
  });
  const at = new Date('2026-11-21T10:00:00Z');
  const state = newResponse(recipient);
  await put(
    score === 'quarantined'
      ? applyTrap(state, at)
      : applyCommit(
          state,
          { score, answers: undefined, via: 'submit', day: '2026-11-21' },
          at,
          surveyPolicy(),
        ),
  );
};

/** A multipart/form-data body as a browser sends the New wave form. */
const BOUNDARY = '----ConsoleTestBoundary7MA4YWxk';
const multipart = (fields: Record<string, string>, file?: { name: string; text: string }) => ({
  headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  body: [
    ...Object.entries(fields).map(
      ([name, value]) =>
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    ),
    file
      ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="audience"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.text}\r\n`
      : '',
    `--${BOUNDARY}--\r\n`,
  ].join(''),
});

/** Posts the New wave form (or its check) as the console's own page does. */
const postWaveForm = async (
  browser: ConsoleBrowser,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; text: string },
) => {
  const form = await browser.get('/console/waves/new');
  const { headers, body } = multipart({ csrf: csrfOf(form.body), ...fields }, file);
  return browser.request('POST', path, {
    headers: { ...headers, origin: browser.base, 'sec-fetch-site': 'same-origin' },
    body,
  });
};

const postForm = async (
  browser: ConsoleBrowser,
  from: string,
  path: string,
  form: Record<string, string>,
) => {
  const page = await browser.get(from);
  return browser.post(path, { csrf: csrfOf(page.body), ...form });
};

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  process.env.MIN_SEGMENT_RESPONSES = '3';
  // The console's own client, so every call it makes is held against its grant (the last test).
  const ddb = createDynamo();
  consoleCalls = recordTouches(ddb);
  app = await serveConsole(
    consoleDeps(stack, cognito, {
      now: () => NOW,
      store: { ddb, table: stack.table },
      clients: { ddb, ses: stack.ses, cognito: cognito.cognito },
    }),
    ROUTES,
  );
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    await addConsoleUser(cognito, `${role}@example.com`, role);
    as[role] = new ConsoleBrowser(app.url);
    expect((await user(role).signIn(`${role}@example.com`, PASSWORD)).status).toBe(303);
  }

  // A sent wave: the aggregator's counter of it, and its own responses (two segment values, one quarantined).
  await wave('w-seg', 'Autumn <script>alert(1)</script>', 'sent', { skipped: { duplicate: 1 } });
  await put({
    ...aggregateKey('nps', waveScope('w-seg'), ALL_TIME),
    s10: 1,
    s9: 1,
    s8: 1,
    s7: 1,
    s5: 1,
    s3: 1,
    n: 6,
    sent: 10,
    quarantined: 1,
    skipped_fatigue: 2,
    failed_send: 1,
  });
  await response('w-seg', 'c1', 'Sales', 10);
  await response('w-seg', 'c2', 'Sales', 9);
  await response('w-seg', 'c3', 'Sales', 7);
  await response('w-seg', 'c4', 'Sales', 3);
  await response('w-seg', 'c5', 'Sales', 'quarantined');
  await response('w-seg', 'c6', 'Support', 5);
  await response('w-seg', 'c7', 'Support', 8);
});

afterAll(async () => {
  delete process.env.MIN_SEGMENT_RESPONSES;
  await app?.stop();
  await cognito?.stop();
});

describe('a wave’s page', () => {
  it('shows its counts and each segment value’s figures from its own responses, worked out by hand', async () => {
    const page = await user('viewer').get('/console/waves/w-seg');
    expect(page.status).toBe(200);
    const body = text(page.body);
    // 6 counted: promoters 10, 9; passives 8, 7; detractors 5, 3 → NPS 0. Adjusted Wald: p = d = 2.75/9,
    // 100 × 1.96 × √((p + d − (p − d)²) / 9) = 51.07 → ±51.
    for (const row of ['Sent 10', 'Failed 1', 'Skipped 3', 'Responses 6', 'Quarantined 1', 'NPS 0 ±51'])
      expect(body).toContain(row);
    expect(body).toContain('Duplicate address in the file 1');
    expect(body).toContain('Surveyed recently (fatigue rule) 2');
    // Sales: 10, 9 promoters, 7 passive, 3 detractor (the quarantined click does not count) → NPS +25;
    // p = 2.75/7, d = 1.75/7: 100 × 1.96 × √((p + d − (p − d)²) / 7) = 58.45 → ±58. Support: 2 < 3, hidden.
    expect(body).toContain('team Sales 4 +25 ±58');
    expect(body).toContain('team Support 2 too few');
    expect(page.body).toContain('<h1>Autumn &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(page.body).not.toContain('<script>alert(1)');
  });

  it('gives the same counts as JSON for the page to refresh itself, and 401 without a session', async () => {
    const live = await user('viewer').get('/console/api/waves/w-seg');
    expect(live.status).toBe(200);
    const { values, done } = JSON.parse(live.body) as { values: Record<string, string>; done: boolean };
    expect(values).toMatchObject({
      'w-seg.status': 'Sent',
      'w-seg.sent': '10',
      'w-seg.responses': '6',
      'w-seg.quarantined': '1',
      'w-seg.score': '0 ±51',
      'w-seg.skipped.fatigue': '2',
    });
    expect(done).toBe(false);
    expect((await new ConsoleBrowser(app.url).get('/console/api/waves/w-seg')).status).toBe(401);
    const list = JSON.parse((await user('viewer').get('/console/api/waves')).body) as {
      values: Record<string, string>;
    };
    expect(list.values['w-seg.sent']).toBe('10');
  });

  it('is cancelled by an editor after a confirmation page, once, and never by a viewer', async () => {
    await wave('w-later', 'Later', 'scheduled', { sendAt: '2030-01-01T09:00:00.000Z' });
    expect((await user('viewer').get('/console/waves/w-later/cancel')).status).toBe(403);
    const refused = await postForm(
      user('viewer'),
      '/console/waves/w-later',
      '/console/waves/w-later/cancel',
      {},
    );
    expect(refused.status).toBe(403);
    expect((await getWave(stack.ddb, stack.table, 'w-later')).status).toBe('scheduled');

    const confirm = await user('editor').get('/console/waves/w-later/cancel');
    expect(text(confirm.body)).toContain('Cancel the wave “Later”?');
    expect((await getWave(stack.ddb, stack.table, 'w-later')).status).toBe('scheduled');
    const done = await user('editor').post('/console/waves/w-later/cancel', { csrf: csrfOf(confirm.body) });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/console/waves/w-later?cancelled');
    expect((await getWave(stack.ddb, stack.table, 'w-later')).status).toBe('cancelled');
    const again = await user('editor').post('/console/waves/w-later/cancel', { csrf: csrfOf(confirm.body) });
    expect(again.status).toBe(409);
    const log = (await listActivity(stack)).entries.filter((e) => e.what === 'wave.cancelled');
    expect(log).toMatchObject([{ who: 'editor@example.com', detail: { wave: 'w-later', name: 'Later' } }]);
  });
});

describe("a wave page's cancel buttons", () => {
  const live = async (id: string) =>
    JSON.parse((await user('editor').get(`/console/api/waves/${id}`)).body) as {
      offers: { cancellable: boolean; reminder: boolean };
    };

  it('are marked for the live update to withdraw, which it is told to once the wave is sent', async () => {
    await wave('w-going', 'Going', 'sending');
    const page = await user('editor').get('/console/waves/w-going');
    expect(page.body).toMatch(
      /<form method="get" action="\/console\/waves\/w-going\/cancel" data-live-offer="cancellable">/,
    );
    expect((await live('w-going')).offers.cancellable).toBe(true);
    // The sender finishes the wave while the page is open: the next refresh says it cannot be cancelled.
    await wave('w-going', 'Going', 'sent');
    expect((await live('w-going')).offers.cancellable).toBe(false);
    expect((await user('editor').get('/console/waves/w-going')).body).not.toContain('/cancel"');
  });

  it('cancel a pending reminder for an editor, logged, once, and never for a viewer', async () => {
    await wave('w-remind', 'Remind', 'sent', {
      remindAfterSeconds: 86_400,
      remindAt: '2026-11-26T09:00:00.000Z',
      gsi1pk: 'REMIND',
      gsi1sk: '2026-11-26T09:00:00.000Z#w-remind',
    });
    const page = await user('editor').get('/console/waves/w-remind');
    expect(text(page.body)).toContain('Reminder due');
    expect(page.body).toContain('data-live-offer="reminder"');
    expect(text((await user('viewer').get('/console/waves/w-remind')).body)).not.toContain('Cancel reminder');
    const path = '/console/waves/w-remind/reminder/cancel';
    expect((await postForm(user('viewer'), '/console/waves/w-remind', path, {})).status).toBe(403);
    expect((await getWave(stack.ddb, stack.table, 'w-remind')).reminderCancelledAt).toBeUndefined();
    expect((await live('w-remind')).offers.reminder).toBe(true);

    const done = await postForm(user('editor'), '/console/waves/w-remind', path, {});
    expect(done.location).toBe('/console/waves/w-remind?reminderCancelled');
    const stored = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: waveKey('w-remind'), ConsistentRead: true }),
    );
    expect(stored.Item).toMatchObject({ reminderCancelledAt: NOW.toISOString() });
    expect(stored.Item?.gsi1pk).toBeUndefined();
    const after = text((await user('editor').get(done.location ?? '')).body);
    expect(after).toContain('The reminder is cancelled. Nobody will get it.');
    expect(after).toContain('Reminder cancelled');
    expect((await live('w-remind')).offers.reminder).toBe(false);

    const again = await user('editor').post(path, { csrf: csrfOf(page.body) });
    expect(again.status).toBe(409);
    expect(text(again.body)).toContain('This wave has no pending reminder');
    const log = (await listActivity(stack)).entries.filter((e) => e.what === 'wave.reminderCancelled');
    expect(log).toMatchObject([{ who: 'editor@example.com', detail: { wave: 'w-remind', name: 'Remind' } }]);
  });
});

describe('New wave', () => {
  const BAD = 'email,name,locale\nok@example.com,Ok,en\nnope,Nope,en\nx@example.com,X,tlh\n';
  const GOOD =
    'email;name;locale;team\nanna@example.com;Anna;en;A\nbert@example.com;Bert;de;B\nBERT@example.com;Again;de;B\n';

  it('refuses a creation with every problem listed, fields and rows, and writes nothing', async () => {
    const before = (await listWaves(stack.ddb, stack.table)).length;
    const refused = await postWaveForm(
      user('editor'),
      '/console/waves/new',
      {
        name: ' ',
        kind: 'nps',
        product: 'Acme',
        locale: 'en',
        start: 'now',
        spread: '40',
        spreadUnit: 'days',
        alertTo: 'not an address',
        remindAfter: '31',
        remindUnit: 'days',
      },
      { name: 'bad.csv', text: BAD },
    );
    expect(refused.status).toBe(400);
    const body = text(refused.body);
    expect(body).toContain('Enter an email address, or leave it empty.');
    expect(body).toContain('Remind after 1 minute to 30 days, or leave it empty.');
    expect(body).toContain('Give the wave a name of 1 to 200 characters.');
    expect(body).toContain('Spread over more than 0 and at most 30 days');
    expect(body).toContain('bad.csv has problems; nothing was created');
    expect(body).toContain('line 3: email is not a valid address');
    expect(body).toContain('line 4: locale "tlh" is not supported');
    expect((await listWaves(stack.ddb, stack.table)).length).toBe(before);
  });

  it('checks a good file without JavaScript: the recipients, the skipped rows, a preview per language', async () => {
    const before = (await listWaves(stack.ddb, stack.table)).length;
    const checked = await postWaveForm(
      user('editor'),
      '/console/waves/new/check',
      { name: 'Q1', kind: 'csat', product: 'Acme & Co', locale: 'en', start: 'now' },
      { name: 'good.csv', text: GOOD },
    );
    expect(checked.status).toBe(200);
    const body = text(checked.body);
    expect(body).toContain('good.csv is ready');
    expect(body).toContain('2 recipients will be surveyed.');
    expect(body).toContain('1 duplicate rows skipped.');
    expect(body).toContain('choose the file again');
    const frames = [...checked.body.matchAll(/<iframe sandbox src="([^"]+)" title="([^"]+)"/g)].map((m) => [
      m[1]?.replaceAll('&amp;', '&'),
      m[2],
    ]);
    expect(frames).toEqual([
      ['/console/waves/preview?kind=csat&locale=en&product=Acme+%26+Co', 'The survey email in English'],
      ['/console/waves/preview?kind=csat&locale=de&product=Acme+%26+Co', 'The survey email in Deutsch'],
    ]);
    expect((await listWaves(stack.ddb, stack.table)).length).toBe(before);
  });

  it('creates a wave at a wall-clock time in the chosen zone, recurring and spread, and logs it', async () => {
    const created = await postWaveForm(
      user('editor'),
      '/console/waves/new',
      {
        name: 'Stockholm morning',
        kind: 'nps',
        product: 'Acme',
        locale: 'sv',
        start: 'at',
        at: '2030-07-01T09:30',
        zone: 'Europe/Stockholm',
        every: '90',
        spread: '12',
        spreadUnit: 'hours',
        alertTo: 'CS@Example.com',
        remindAfter: '36',
        remindUnit: 'hours',
      },
      { name: 'good.csv', text: GOOD },
    );
    expect(created.status).toBe(303);
    const id = /^\/console\/waves\/([0-9A-Z]{26})\?created$/.exec(created.location ?? '')?.[1] as string;
    // 09:30 in Stockholm in July is CEST, UTC+2: 07:30 UTC. Twelve hours is half a day.
    expect(await getWave(stack.ddb, stack.table, id)).toMatchObject({
      name: 'Stockholm morning',
      status: 'scheduled',
      sendAt: '2030-07-01T07:30:00.000Z',
      // Closing the loop from the form: alerts without an owner to this address, one reminder after 36 h.
      alertTo: 'cs@example.com',
      remindAfterSeconds: 36 * 3_600,
      every: 'P90D',
      spreadDays: 0.5,
      locale: 'sv',
      recipients: 2,
      skipped: { duplicate: 1 },
    });
    const anna = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: recipientKey(id, contactIdOf('anna@example.com')) }),
    );
    expect(anna.Item).toMatchObject({ email: 'anna@example.com', locale: 'en', props: { team: 'A' } });
    const log = (await listActivity(stack)).entries.find((e) => e.what === 'wave.created');
    expect(log).toMatchObject({ who: 'editor@example.com', detail: { wave: id, recipients: 2 } });
  });

  it('is refused to a viewer, page and post, with nothing written', async () => {
    const before = (await listWaves(stack.ddb, stack.table)).length;
    expect((await user('viewer').get('/console/waves/new')).status).toBe(403);
    const page = await user('viewer').get('/console/waves');
    const { headers, body } = multipart(
      { csrf: csrfOf(page.body), name: 'Sneaky', kind: 'nps', product: 'Acme', start: 'now' },
      { name: 'good.csv', text: GOOD },
    );
    const refused = await user('viewer').request('POST', '/console/waves/new', {
      headers: { ...headers, origin: app.url, 'sec-fetch-site': 'same-origin' },
      body,
    });
    expect(refused.status).toBe(403);
    expect((await listWaves(stack.ddb, stack.table)).length).toBe(before);
  });
});

describe('the previews', () => {
  it('serve the real survey email under its own sandboxing CSP, frameable only by the console', async () => {
    const preview = await user('editor').get('/console/waves/preview?kind=ces&locale=sv&product=Acme');
    expect(preview.status).toBe(200);
    const csp = preview.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      'sandbox',
      "frame-ancestors 'self'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('script-src');
    expect(preview.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(preview.body).toContain('lang="sv"');
    expect(preview.body).toContain(t('sv', 'survey.ces.question', { product: 'Acme' }));
    expect((await user('editor').get('/console/waves/preview?kind=nps&locale=xx&product=Acme')).status).toBe(
      400,
    );
    // The console's own pages may frame only themselves, and nobody may frame them.
    const page = await user('editor').get('/console/waves');
    expect(page.headers.get('content-security-policy')).toContain("frame-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('serve this period’s digest in the chosen language the same way', async () => {
    const digest = await user('viewer').get('/console/readers/preview?locale=nl');
    expect(digest.status).toBe(200);
    expect(digest.body).toContain('lang="nl"');
    expect(digest.headers.get('content-security-policy')).toContain('sandbox');
  });
});

describe('digest readers', () => {
  it('are added with a language, refused when invalid, sent the digest now and removed, each logged', async () => {
    expect(
      (
        await postForm(user('viewer'), '/console/readers', '/console/readers', {
          address: 'v@example.com',
          locale: 'en',
        })
      ).status,
    ).toBe(403);
    const invalid = await postForm(user('editor'), '/console/readers', '/console/readers', {
      address: 'not an address',
      locale: 'en',
    });
    expect(invalid.status).toBe(400);
    expect(text(invalid.body)).toContain('Enter a valid email address.');
    expect(await listReaders(stack)).toEqual([]);

    const added = await postForm(user('editor'), '/console/readers', '/console/readers', {
      address: 'Board@Console-Waves.example.com',
      locale: 'sv',
    });
    expect(added.status).toBe(303);
    // With the one-click unsubscribe token the digest's List-Unsubscribe link carries.
    expect(await listReaders(stack)).toEqual([
      {
        address: 'board@console-waves.example.com',
        locale: 'sv',
        optOut: expect.stringMatching(/^[\w-]{22}$/),
      },
    ]);
    const listed = text((await user('viewer').get('/console/readers')).body);
    expect(listed).toContain('board@console-waves.example.com Svenska');

    const sent = await postForm(user('editor'), '/console/readers', '/console/readers/send', { to: 'all' });
    expect(sent.location).toBe('/console/readers?done=sent&n=1');
    const one = await postForm(user('editor'), '/console/readers', '/console/readers/send', {
      to: 'one',
      address: 'cfo@console-waves.example.com',
      locale: 'de',
    });
    expect(one.location).toBe('/console/readers?done=sent&n=1');
    const mail = await inbox(stack.sesUrl, [
      'board@console-waves.example.com',
      'cfo@console-waves.example.com',
    ]);
    expect(mail.map((m) => m.destination.to[0]).sort()).toEqual([
      'board@console-waves.example.com',
      'cfo@console-waves.example.com',
    ]);
    expect(mail.find((m) => m.destination.to[0] === 'cfo@console-waves.example.com')?.body.html).toContain(
      'lang="de"',
    );

    const removed = await postForm(user('editor'), '/console/readers', '/console/readers/remove', {
      address: 'board@console-waves.example.com',
    });
    expect(removed.status).toBe(303);
    expect(await listReaders(stack)).toEqual([]);
    const kinds = (await listActivity(stack)).entries.map((e) => e.what);
    expect(kinds.filter((k) => k.startsWith('reader.') || k === 'digest.sent').sort()).toEqual([
      'digest.sent',
      'digest.sent',
      'reader.added',
      'reader.removed',
    ]);
  });
});

describe('digest "Send now"', () => {
  const KEEN = 'keen@send-once.example.com';
  const count = async (address: string) => (await inbox(stack.sesUrl, [address])).length;

  it('sends each reader one copy per period: a second click asks first, and only a confirmed one sends again', async () => {
    await postForm(user('editor'), '/console/readers', '/console/readers', { address: KEEN, locale: 'en' });
    const first = await postForm(user('editor'), '/console/readers', '/console/readers/send', {
      to: 'one',
      address: KEEN,
      locale: 'en',
    });
    expect(first.location).toBe('/console/readers?done=sent&n=1');
    expect(await count(KEEN)).toBe(1);

    const second = await postForm(user('editor'), '/console/readers', '/console/readers/send', {
      to: 'one',
      address: KEEN,
      locale: 'en',
    });
    expect(second.status).toBe(200);
    const asked = text(second.body);
    expect(asked).toContain(
      "This period's digest already went to 1 of these addresses from this page. Send it to them again?",
    );
    expect(second.body).toContain(`name="again" value="${KEEN}"`);
    expect(await count(KEEN)).toBe(1);

    // The page's own "Send again" form: the same fields and the confirmed address.
    const confirmed = await postForm(user('editor'), '/console/readers', '/console/readers/send', {
      to: 'one',
      address: KEEN,
      locale: 'en',
      again: KEEN,
    });
    expect(confirmed.location).toBe('/console/readers?done=sent&n=1');
    expect(await count(KEEN)).toBe(2);
    await postForm(user('editor'), '/console/readers', '/console/readers/remove', { address: KEEN });
  });

  it('sends one copy when "Send now" is double-clicked (two posts at once)', async () => {
    const address = 'double@send-once.example.com';
    const page = await user('editor').get('/console/readers');
    const form = { csrf: csrfOf(page.body), to: 'one', address, locale: 'nl' };
    const [a, b] = await Promise.all([
      user('editor').post('/console/readers/send', form),
      user('editor').post('/console/readers/send', form),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 303]);
    expect(await count(address)).toBe(1);
  });
});

describe('adding a digest reader', () => {
  it('treats an address that differs only in case as the same reader and says it already is one', async () => {
    const add = (address: string, locale: string) =>
      postForm(user('editor'), '/console/readers', '/console/readers', { address, locale });
    expect((await add('ceo@case.example.com', 'en')).location).toBe('/console/readers?done=added');
    const again = await add('CEO@Case.Example.com', 'de');
    expect(again.location).toBe('/console/readers?done=exists');
    const said = text((await user('editor').get('/console/readers?done=exists')).body);
    expect(said).toContain('That address is already a reader (addresses are not case-sensitive)');
    expect(said).not.toContain('The reader is added.');
    expect((await listReaders(stack)).filter((r) => r.address.endsWith('@case.example.com'))).toEqual([
      { address: 'ceo@case.example.com', locale: 'de', optOut: expect.any(String) },
    ]);
    await postForm(user('editor'), '/console/readers', '/console/readers/remove', {
      address: 'ceo@case.example.com',
    });
  });
});

describe('erasing a contact', () => {
  const ADDRESS = 'erase.me@example.com';
  const recipient = () =>
    stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: recipientKey('w-erase', contactIdOf(ADDRESS)) }),
    );

  it('needs an admin and the address typed twice, then removes them and says what went', async () => {
    await wave('w-erase', 'Erase', 'sent');
    await put(
      pendingRecipient('w-erase', 'nps', {
        contactId: contactIdOf(ADDRESS),
        email: ADDRESS,
        name: 'Erase Me',
        locale: 'en',
        props: {},
      }),
    );
    expect((await user('editor').get('/console/contacts')).status).toBe(403);
    const refused = await postForm(user('editor'), '/console/waves', '/console/contacts/erase', {
      address: ADDRESS,
      confirm: ADDRESS,
    });
    expect(refused.status).toBe(403);

    const confirm = await postForm(user('admin'), '/console/contacts', '/console/contacts/confirm', {
      address: ' Erase.Me@Example.com ',
    });
    expect(confirm.status).toBe(200);
    expect(text(confirm.body)).toContain(`You are about to erase ${ADDRESS}.`);
    const mismatch = await user('admin').post('/console/contacts/erase', {
      csrf: csrfOf(confirm.body),
      address: ADDRESS,
      confirm: 'someone@example.com',
    });
    expect(mismatch.status).toBe(400);
    expect((await recipient()).Item).toBeDefined();

    const erased = await user('admin').post('/console/contacts/erase', {
      csrf: csrfOf(confirm.body),
      address: ADDRESS,
      confirm: 'ERASE.ME@example.com',
    });
    expect(erased.status).toBe(303);
    expect((await recipient()).Item).toBeUndefined();
    const tombstone = await stack.ddb.send(
      new GetCommand({ TableName: stack.table, Key: contactKey(contactIdOf(ADDRESS)) }),
    );
    expect(tombstone.Item?.erasedAt).toBeDefined();
    const result = text((await user('admin').get(erased.location ?? '')).body);
    expect(result).toContain('The contact is erased.');
    expect(result).toContain('Recipient entries: 1');
    expect(result).toContain('They were in 1 waves.');
    const log = (await listActivity(stack)).entries.filter((e) => e.what === 'contact.erased');
    expect(log).toMatchObject([{ who: 'admin@example.com', detail: { contact: contactIdOf(ADDRESS) } }]);
    expect(JSON.stringify(log)).not.toContain(ADDRESS);
  });
});

describe('the console’s table grant', () => {
  it('allows every call these pages made, and they made the ones that need its broader parts', () => {
    const access = FUNCTIONS.consoleHttp.table;
    expect([...new Set(consoleCalls.map((c) => refusal(access, c)).filter(Boolean))]).toEqual([]);
    const made = new Set(consoleCalls.map((c) => `${c.action} ${c.index ?? c.partitions[0]?.split('#')[0]}`));
    for (const call of [
      'BatchWriteItem WAVE',
      'Query waves',
      'PutItem DIGEST',
      'DeleteItem DIGEST',
      'PutItem CONTACT',
    ])
      expect(made).toContain(call);
  });
});

describe('Alerts', () => {
  it('lets an editor add a webhook and remove it, logged; a viewer sees where alerts go without the secret', async () => {
    const refused = await postForm(user('editor'), '/console/alerts', '/console/alerts', {
      url: 'http://169.254.169.254/latest/meta-data',
      on: 'detractor',
      format: 'slack',
    });
    expect(refused.status).toBe(400);
    expect(text(refused.body)).toContain(
      'Enter an https address that is not internal or a metadata address.',
    );
    const added = await postForm(user('editor'), '/console/alerts', '/console/alerts', {
      url: 'https://hooks.slack.com/services/T000/B000/SECRETabcd',
      on: 'detractor',
      format: 'slack',
    });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/console/alerts?done=added');
    const seen = await user('viewer').get('/console/alerts');
    expect(seen.status).toBe(200);
    expect(text(seen.body)).toContain('hooks.slack.com/…abcd');
    expect(seen.body).not.toContain('SECRET');
    expect(seen.body).not.toContain('name="url"');
    expect(
      (
        await postForm(user('viewer'), '/console/alerts', '/console/alerts', {
          url: 'https://x.example.com',
          on: 'detractor',
        })
      ).status,
    ).toBe(403);
    const id =
      /name="id" value="([^"]+)"/.exec((await user('editor').get('/console/alerts')).body)?.[1] ?? '';
    const removed = await postForm(user('editor'), '/console/alerts', '/console/alerts/remove', { id });
    expect(removed.status).toBe(303);
    expect(text((await user('viewer').get('/console/alerts')).body)).toContain('No webhooks yet.');
    const log = (await listActivity(stack)).entries.filter((e) => e.what.startsWith('alert.'));
    expect(log.map((e) => [e.what, e.who])).toEqual([
      ['alert.removed', 'editor@example.com'],
      ['alert.added', 'editor@example.com'],
    ]);
    expect(JSON.stringify(log)).not.toContain('SECRET');
  });
});
