/**
 * The console's waves, New wave, digest readers and contacts pages end to end, as marketers meet them: the
 * real `npm start`, users added with `nps user add … --password-stdin`, a real Chromium. A bad file is
 * refused row by row with nothing created; a good one is previewed in each of its languages and created, and
 * its page follows it to sent without a reload; a scheduled wave is cancelled after a confirmation; readers
 * are added and removed, the digest previewed and sent to the emulator's inbox; a viewer is refused with
 * nothing changed; an admin erases a contact. No serious or critical axe-core violation at 375 and 1280 px,
 * in English and German.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE } from '#infra/system.ts';
import { readAudience } from '#shared/audience/audience.ts';
import type { TableStore } from '#shared/store/table.ts';
import { createWave } from '#shared/waves/create.ts';
import { getWave, listWaves } from '#shared/waves/repository.ts';
import { waveStatus } from '#shared/waves/status.ts';
import { t } from '#templates/index.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchBrowser } from '../support/browser.ts';
import { npsJson, npsWithInput, type RunningStack, startStackProcess } from '../support/local-process.ts';
import { inbox } from '../support/stack.ts';

let stack: RunningStack;
let browser: Browser;
/** The stack's own table, read in-process (the CLI's `wave status` is the same function, run once below). */
let store: TableStore;
const PASSWORD = 'Waves-and-readers-42!';
const EDITOR = 'editor@example.com';
const VIEWER = 'viewer@example.com';
const ADMIN = 'admin@example.com';

const BAD_CSV = [
  'email,name,locale,region',
  'good@example.com,Good,en,EU',
  'not-an-address,Bad,en,EU',
  'third@example.com,Third,xx,EU',
  `fourth@example.com,${'n'.repeat(201)},en,EU`,
  ',Empty,en,EU',
].join('\n');

// Three languages, one duplicate, a name that is markup; `;` separated as European spreadsheets export.
const GOOD_CSV = [
  'email;name;locale;team',
  'anna@example.com;Anna <b>bold</b>;en;Sales',
  'bert@example.com;Bert;de;Support',
  'cecilia@example.com;Cecilia;sv;Sales',
  'ANNA@example.com;Anna again;en;Sales',
].join('\n');

const LATER_CSV = ['email,locale', 'later1@example.com,nl', 'later2@example.com,en'].join('\n');

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStackProcess(), launchBrowser()]);
  const ddb = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${stack.env.DDB_PORT}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  store = { ddb: DynamoDBDocumentClient.from(ddb), table: TABLE.name };
  for (const [email, role] of [
    [EDITOR, 'editor'],
    [VIEWER, 'viewer'],
    [ADMIN, 'admin'],
  ] as const) {
    const added = await npsWithInput(
      stack.env,
      `${PASSWORD}\n`,
      'user',
      'add',
      email,
      '--role',
      role,
      '--password-stdin',
    );
    expect(added.code, added.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  expect(await stack?.stop()).toBe(0);
});

const url = (path: string) => `${stack.appUrl}${path}`;

/** A signed-in page; `bypassCSP` only where axe is injected (the pages keep their own CSP otherwise). */
type Session = Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['storageState']>>;
const sessions = new Map<string, Session>();

/**
 * A page of a signed-in user: signed in through the form once per user, the session's cookies reused after
 * (signing in is not what this file tests). `bypassCSP` only where axe is injected.
 */
const signedIn = async (
  email: string,
  o: { width?: number; locale?: string; axe?: boolean } = {},
): Promise<Page> => {
  const options: BrowserContextOptions = {
    viewport: { width: o.width ?? 1280, height: 900 },
    locale: o.locale ?? 'en-US',
    bypassCSP: o.axe ?? false,
  };
  const known = sessions.get(email);
  const context = await browser.newContext(known ? { ...options, storageState: known } : options);
  const page = await context.newPage();
  await page.goto(url('/console'));
  if (known) return page;
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/console/sign-in"] button').click();
  await page.locator('.role').waitFor();
  sessions.set(email, await context.storageState());
  return page;
};

const waveList = async () =>
  (await listWaves(store.ddb, store.table)).map(({ id, status }) => ({ id, status }));
const statusOf = async (id: string) => waveStatus(store, await getWave(store.ddb, store.table, id));
const WAVE_URL = /\/console\/waves\/([0-9A-HJKMNP-TV-Z]{26})\?created$/;

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

let sentWaveId = '';

describe('waves in the console', () => {
  it('lists every invalid row of a bad file as line N: reason and creates nothing', async () => {
    const page = await signedIn(EDITOR);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Waves', exact: true })
      .click();
    await page.getByRole('link', { name: 'New wave' }).click();
    await page.getByLabel('Name').fill('Bad file');
    await page.getByLabel('Audience file').setInputFiles(csvFile('customers.csv', BAD_CSV));
    // console.js checks the file on the server as soon as it is chosen.
    const problems = page.locator('#audience-check .problems li');
    await problems.first().waitFor();
    const expected = [
      'line 3: email is not a valid address',
      'line 4: locale "xx" is not supported',
      'line 5: name is longer than 200 characters',
      'line 6: email is empty',
    ];
    expect(await problems.allTextContents()).toEqual(expected);
    // Create wave refuses the same file with the same rows.
    await page.getByRole('button', { name: 'Create wave' }).click();
    await page.getByText('customers.csv has problems; nothing was created').waitFor();
    expect(await problems.allTextContents()).toEqual(expected);
    expect(new URL(page.url()).pathname).toBe('/console/waves/new');
    expect(await waveList()).toEqual([]);
    await page.context().close();
  });

  it('previews the email in each language of a good file, creates the wave and follows it to sent without a reload', async () => {
    const page = await signedIn(EDITOR);
    await page.goto(url('/console/waves/new'));
    expect(await page.getByLabel('Survey kind').inputValue()).toBe('nps');
    await page.getByLabel('Name').fill('Autumn <i>check</i>');
    await page.getByLabel('Product').fill('Acme Cloud');
    // The file goes straight to the upload bucket (the S3 emulator), once per post (each post deletes what
    // it read), and never through the console.
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(new URL(request.url()).pathname);
    });
    await page.getByLabel('Audience file').setInputFiles(csvFile('autumn.csv', GOOD_CSV));
    await page.getByText('autumn.csv is ready').waitFor();
    // (A recheck, when the product field's change lands after the file's, uploads it again.)
    expect(puts.length).toBeGreaterThanOrEqual(1);
    for (const put of puts) expect(put).toMatch(/^\/nps-uploads\/audience\/[\w-]+\/[\w-]+\.csv$/);
    await page.getByText('3 recipients will be surveyed.').waitFor();
    await page.getByText('1 duplicate rows skipped.').waitFor();
    // One sandboxed preview per language of the file, in the order en, nl, sv, de; none in Dutch.
    const frames = page.locator('#audience-check iframe');
    expect(
      await frames.evaluateAll((all) => all.map((f) => [f.getAttribute('title'), f.getAttribute('sandbox')])),
    ).toEqual([
      ['The survey email in English', ''],
      ['The survey email in Svenska', ''],
      ['The survey email in Deutsch', ''],
    ]);
    for (const [language, locale] of [
      ['English', 'en'],
      ['Deutsch', 'de'],
    ] as const) {
      const email = page.frameLocator(`iframe[title="The survey email in ${language}"]`);
      await email
        .getByText(t(locale, 'survey.nps.question', { product: 'Acme Cloud' }))
        .first()
        .waitFor();
      // The middle scores are named by their number; the ends also say what they mean.
      // Polled: a recheck (the product field's change landing late) may swap the frames in meanwhile.
      await expect
        .poll(() => email.getByRole('link', { name: '7', exact: true }).count(), { timeout: 30_000 })
        .toBe(1);
      for (const [score, end] of [
        ['0', 'survey.nps.scaleMin'],
        ['10', 'survey.nps.scaleMax'],
      ] as const)
        await expect
          .poll(
            () => email.getByRole('link', { name: `${score} – ${t(locale, end)}`, exact: true }).count(),
            { timeout: 30_000 },
          )
          .toBe(1);
    }

    await page.getByRole('button', { name: 'Create wave' }).click();
    await page.waitForURL(WAVE_URL);
    // The check, any recheck (a field the preview depends on changed) and the creation each uploaded the file
    // anew under a key of its own: each post deletes what it read.
    expect(puts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(puts).size).toBe(puts.length);
    const id = WAVE_URL.exec(page.url())?.[1] as string;
    sentWaveId = id;
    expect(await page.locator('h1').textContent()).toBe('Autumn <i>check</i>');
    await page.getByText('The wave is created.', { exact: false }).waitFor();
    // The ticker sends it; the page's counts follow through console.js, with no navigation in between.
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    await page.waitForFunction(
      (wave) =>
        document.querySelector(`dd[data-live="${wave}.status"]`)?.textContent === 'Sent' &&
        document.querySelector(`td[data-live="${wave}.sent"]`)?.textContent === '3',
      id,
      { timeout: 60_000, polling: 500 },
    );
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    // A sent wave can no longer be cancelled: the same refresh took its Cancel button away.
    await page.locator('form[data-live-offer="cancellable"]').waitFor({ state: 'detached' });
    expect(await page.locator(`td[data-live="${id}.skipped.duplicate"]`).textContent()).toBe('1');

    const mail = await stack.waitFor('three survey emails', async () => {
      const found = await inbox(stack.sesUrl, [
        'anna@example.com',
        'bert@example.com',
        'cecilia@example.com',
      ]);
      return found.length === 3 ? found : undefined;
    });
    expect(mail.map((m) => m.destination.to[0]).sort()).toEqual([
      'anna@example.com',
      'bert@example.com',
      'cecilia@example.com',
    ]);
    // The CLI, run as a user runs it, reads the same counts.
    expect(await npsJson(stack.env, 'wave', 'status', id)).toMatchObject({
      id,
      status: 'sent',
      recipients: 3,
      sent: 3,
      survey: 'nps',
    });

    // The list shows it with the same counts, and the activity log who created it.
    await page.goto(url('/console/waves'));
    const row = page.getByRole('row', { name: /Autumn <i>check<\/i>/ });
    expect(await row.locator(`[data-live="${id}.status"]`).textContent()).toBe('Sent');
    expect(await row.locator(`[data-live="${id}.sent"]`).textContent()).toBe('3');
    await page.goto(url('/console/activity'));
    await page.getByRole('row', { name: new RegExp(`${EDITOR}.*created the wave ${id}`) }).waitFor();
    await page.context().close();
  });

  it('schedules a wave at a time in the chosen time zone, and cancels it after a confirmation', async () => {
    const page = await signedIn(EDITOR);
    await page.goto(url('/console/waves/new'));
    await page.getByLabel('Name').fill('Next year');
    await page.getByLabel('Audience file').setInputFiles(csvFile('later.csv', LATER_CSV));
    await page.getByText('later.csv is ready').waitFor();
    await page.getByLabel('At a date and time').check();
    await page.getByLabel('Date and time', { exact: true }).fill('2030-01-15T09:30');
    await page.getByLabel('Time zone').selectOption('Europe/Stockholm');
    await page.getByLabel('Repeat every (days)').fill('30');
    await page.getByLabel('Spread the sends over').fill('6');
    await page.getByLabel('Unit').first().selectOption('hours');
    await page.getByRole('button', { name: 'Create wave' }).click();
    await page.waitForURL(WAVE_URL);
    const id = WAVE_URL.exec(page.url())?.[1] as string;
    // 09:30 in Stockholm in January (CET, UTC+1) is 08:30 UTC; 6 hours is a quarter of a day.
    expect(await statusOf(id)).toMatchObject({
      status: 'scheduled',
      sendAt: '2030-01-15T08:30:00.000Z',
      every: 'P30D',
      spreadDays: 0.25,
      recipients: 2,
    });

    await page.getByRole('button', { name: 'Cancel this wave…' }).click();
    await page.getByText('Cancel the wave “Next year”?', { exact: false }).waitFor();
    expect((await statusOf(id)).status).toBe('scheduled');
    await page.getByRole('button', { name: 'Cancel wave' }).click();
    await page.getByText('The wave is cancelled.', { exact: false }).waitFor();
    expect(await page.locator(`dd[data-live="${id}.status"]`).textContent()).toBe('Cancelled');
    expect((await statusOf(id)).status).toBe('cancelled');
    expect(await page.getByRole('button', { name: 'Cancel this wave…' }).count()).toBe(0);
    await page.goto(url('/console/activity'));
    await page.getByRole('row', { name: new RegExp(`${EDITOR}.*cancelled the wave ${id}`) }).waitFor();
    await page.context().close();
  });

  it('refuses a viewer New wave, creating and cancelling with 403, and nothing changes', async () => {
    const scheduled = await createWave(
      store,
      {
        name: 'Viewer cannot touch',
        kind: 'nps',
        locale: 'en',
        product: 'Acme',
        sendAt: new Date('2031-01-01T09:00:00Z'),
      },
      () =>
        readAudience(
          (async function* () {
            yield LATER_CSV;
          })(),
          'later.csv',
        ),
      { skipInvalid: false, file: 'later.csv' },
    );
    const before = await waveList();
    const page = await signedIn(VIEWER);
    await page.goto(url('/console/waves'));
    await page.getByRole('link', { name: 'Viewer cannot touch' }).waitFor();
    expect(await page.getByRole('link', { name: 'New wave' }).count()).toBe(0);
    expect((await page.goto(url('/console/waves/new')))?.status()).toBe(403);
    await page.goto(url(`/console/waves/${scheduled.id}`));
    expect(await page.getByRole('button', { name: 'Cancel this wave…' }).count()).toBe(0);

    // The requests a page of an editor would make, with the viewer's own session and CSRF token.
    const csrf = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) as string;
    const headers = { origin: stack.appUrl, 'x-csrf-token': csrf };
    const create = await page.request.post(url('/console/waves/new'), {
      headers,
      multipart: {
        name: 'Sneaky',
        kind: 'nps',
        product: 'Acme',
        start: 'now',
        audience: csvFile('s.csv', GOOD_CSV),
      },
      maxRedirects: 0,
    });
    expect(create.status()).toBe(403);
    const cancel = await page.request.post(url(`/console/waves/${scheduled.id}/cancel`), {
      headers,
      form: {},
      maxRedirects: 0,
    });
    expect(cancel.status()).toBe(403);
    const reader = await page.request.post(url('/console/readers'), {
      headers,
      form: { address: 'sneaky@example.com', locale: 'en' },
      maxRedirects: 0,
    });
    expect(reader.status()).toBe(403);

    expect(await waveList()).toEqual(before);
    expect((await statusOf(scheduled.id)).status).toBe('scheduled');
    await page.goto(url('/console/readers'));
    expect(await page.getByText('sneaky@example.com').count()).toBe(0);
    await page.context().close();
  });
});

describe('digest readers in the console', () => {
  it('adds and removes readers, previews this period’s digest and sends it to the inbox', async () => {
    const page = await signedIn(EDITOR);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Digest readers' })
      .click();
    const add = page.locator('form[method="post"][action="/console/readers"]');
    await add.getByLabel('Email address').fill('ceo@console-e2e.example.com');
    await add.getByLabel('Language').selectOption('de');
    await add.getByRole('button', { name: 'Add reader' }).click();
    await page.getByText('The reader is added.').waitFor();
    // The second by keyboard alone: from the address field, type, Tab to the language, Tab to the button.
    await add.getByLabel('Email address').focus();
    await page.keyboard.type('temp@console-e2e.example.com');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reader-language');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Add reader');
    await page.keyboard.press('Enter');
    await page.getByText('The reader is added.').waitFor();
    await page.getByRole('row', { name: /temp@console-e2e\.example\.com/ }).waitFor();
    const readers = page.getByRole('table');
    expect(
      await readers
        .getByRole('row', { name: /ceo@console-e2e\.example\.com/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('Deutsch');
    await page.getByRole('button', { name: 'Remove temp@console-e2e.example.com' }).click();
    await page.getByText('The reader is removed.').waitFor();
    expect(await page.getByRole('row', { name: /temp@console-e2e\.example\.com/ }).count()).toBe(0);
    expect(await page.getByRole('row', { name: /ceo@console-e2e\.example\.com/ }).count()).toBe(1);

    // The preview: the real digest HTML in the chosen language, in a sandboxed frame.
    await page.locator('#preview-language').selectOption('de');
    await page.getByRole('button', { name: 'Show preview' }).click();
    const frame = page.frameLocator('iframe[title="This period\'s digest in Deutsch"]');
    await frame.locator('html[lang="de"]').waitFor();
    expect(await page.locator('iframe.digest-preview').getAttribute('sandbox')).toBe('');

    // Send now, to every reader, then to one address.
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.getByText('The digest was sent to 1 addresses.').waitFor();
    await page.getByLabel('One address').check();
    await page.locator('#send-address').fill('board@console-e2e.example.com');
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.getByText('The digest was sent to 1 addresses.').waitFor();
    const sent = await stack.waitFor('two digests', async () => {
      const found = await inbox(stack.sesUrl, [
        'ceo@console-e2e.example.com',
        'board@console-e2e.example.com',
      ]);
      return found.length === 2 ? found : undefined;
    });
    expect(sent.map((m) => m.destination.to[0]).sort()).toEqual([
      'board@console-e2e.example.com',
      'ceo@console-e2e.example.com',
    ]);
    expect(await inbox(stack.sesUrl, ['temp@console-e2e.example.com'])).toEqual([]);

    await page.goto(url('/console/activity'));
    for (const sentence of [
      'added ceo@console-e2e.example.com as a digest reader',
      'removed temp@console-e2e.example.com as a digest reader',
      'sent the digest now',
    ])
      expect(
        await page.getByRole('row', { name: new RegExp(`${EDITOR}.*${sentence}`) }).count(),
      ).toBeGreaterThan(0);
    await page.context().close();
  });
});

describe('contacts in the console', () => {
  it('lets an admin erase a contact after typing the address again, and says what was removed', async () => {
    expect(sentWaveId).not.toBe('');
    const editor = await signedIn(EDITOR);
    expect((await editor.goto(url('/console/contacts')))?.status()).toBe(403);
    await editor.context().close();

    const page = await signedIn(ADMIN);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('Email address').fill('bert@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('You are about to erase bert@example.com.', { exact: false }).waitFor();
    await page.getByLabel('Type the address again').fill('someone.else@example.com');
    await page.getByRole('button', { name: 'Erase contact' }).click();
    await page.getByText('The two addresses are not the same. Nothing was erased.').waitFor();

    await page.getByLabel('Type the address again').fill('Bert@Example.com');
    await page.getByRole('button', { name: 'Erase contact' }).click();
    await page.getByText('The contact is erased.', { exact: false }).waitFor();
    const removed = await page.getByRole('status').locator('li').allTextContents();
    expect(removed).toContain('Recipient entries: 1');
    await page.getByText('They were in 1 waves.', { exact: false }).waitFor();
    // The wave counts one recipient fewer once the aggregator has the removal; the CLI agrees.
    await stack.waitFor('the erased recipient to leave the counts', async () => {
      const status = await statusOf(sentWaveId);
      return status.sent === 2 ? status : undefined;
    });
    await page.goto(url('/console/activity'));
    await page.getByRole('row', { name: new RegExp(`${ADMIN}.*erased a contact`) }).waitFor();
    expect(await page.getByText('bert@example.com').count()).toBe(0);
    await page.context().close();
  });
});

describe('accessibility of the waves, New wave, readers and contacts pages', () => {
  it.each([
    ['en-US', 'en'],
    ['de-DE', 'de'],
  ])(
    'has no serious or critical axe violation and no sideways scrolling at 375 and 1280 px in %s',
    async (locale, lang) => {
      const page = await signedIn(ADMIN, { locale, axe: true });
      const check = async (what: string) => {
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        for (const width of [375, 1280]) {
          await page.setViewportSize({ width, height: 900 });
          expect(await seriousViolations(page), `${what} ${locale} ${width}px`).toEqual([]);
          expect(await horizontalOverflow(page), `${what} ${locale} ${width}px`).toBeLessThanOrEqual(0);
        }
      };
      await page.goto(url('/console/waves'));
      await check('waves');
      await page.goto(url(`/console/waves/${sentWaveId}`));
      await check('wave');
      await page.goto(url('/console/waves/new'));
      await page.locator('#audience').setInputFiles(csvFile('autumn.csv', GOOD_CSV));
      await page.locator('#audience-check iframe').first().waitFor();
      await check('new wave, checked');
      await page.locator('#audience').setInputFiles(csvFile('customers.csv', BAD_CSV));
      await page.locator('#audience-check .problems').waitFor();
      await check('new wave, refused');
      await page.goto(url('/console/readers'));
      await check('readers');
      await page.goto(url('/console/contacts'));
      await check('contacts');
      await page.context().close();
    },
  );
});
