/**
 * Audience files uploaded straight to the bucket (the local S3 emulator, as `npm start` runs it): the console
 * hands out a presigned PUT for the file's size under the user's own prefix, reads the file back as a stream
 * for the check or the wave, and deletes it once read, whatever came of it. Someone else's key, a missing file, a
 * file over the limit and a viewer are refused with nothing created.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, newUploadKey } from '#functions/console/http/uploads.ts';
import { ROUTES } from '#functions/console/routes.ts';
import { type LocalS3, startS3Local } from '#infra/local/s3.ts';
import { UPLOADS } from '#infra/system.ts';
import { listWaves } from '#shared/waves/repository.ts';
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
import { freePort } from '../support/local-services.ts';
import { useLocalStack } from '../support/stack.ts';

let cognito: CognitoLocal;
let stack: Awaited<ReturnType<typeof useLocalStack>>;
let s3Local: LocalS3;
let s3: S3Client;
let app: Awaited<ReturnType<typeof serveConsole>>;
let editor: ConsoleBrowser;
let viewer: ConsoleBrowser;
const uploads = () => ({ s3, bucket: UPLOADS.localBucket });

const GOOD = 'email;name;locale;team\nanna@upload.example.com;Anna;en;A\nbert@upload.example.com;Bert;de;B\n';
const BAD = 'email,name\nok@upload.example.com,Ok\nnope,Nope\nalso-nope,Also\n';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** The New wave form's fields, as console.js posts them once the file is in the bucket (no file part). */
const BOUNDARY = '----UploadTestBoundary';
const postFields = async (browser: ConsoleBrowser, path: string, fields: Record<string, string>) => {
  const form = await browser.get('/console/waves/new');
  const body = [
    ...Object.entries({ csrf: csrfOf(form.body), ...fields }).map(
      ([name, value]) =>
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    ),
    `--${BOUNDARY}--\r\n`,
  ].join('');
  return browser.request('POST', path, {
    headers: {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      origin: browser.base,
      'sec-fetch-site': 'same-origin',
    },
    body,
  });
};

/** What console.js does first: asks for a presigned address for the file's size, then PUTs the file there. */
const upload = async (browser: ConsoleBrowser, csv: string) => {
  const form = await browser.get('/console/waves/new');
  const ticket = await browser.post(
    '/console/waves/new/upload',
    { csrf: csrfOf(form.body), size: String(Buffer.byteLength(csv)) },
    { accept: 'application/json' },
  );
  expect(ticket.status).toBe(200);
  const { key, url } = JSON.parse(ticket.body) as { key: string; url: string };
  const put = await fetch(url, { method: 'PUT', body: csv, headers: { 'content-type': 'text/csv' } });
  expect(put.status).toBe(200);
  return key;
};

const exists = (key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: UPLOADS.localBucket, Key: key })).then(
    () => true,
    () => false,
  );

const WAVE = { name: 'Uploaded', kind: 'nps', product: 'Acme', locale: 'en', start: 'now' };

beforeAll(async () => {
  [stack, cognito] = await Promise.all([useLocalStack(), startCognito()]);
  const port = await freePort();
  s3Local = await startS3Local(port, mkdtempSync(join(tmpdir(), 'nps-s3-')), ['http://127.0.0.1']);
  s3 = new S3Client({
    endpoint: s3Local.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  app = await serveConsole(
    consoleDeps(stack, cognito, {
      clients: { ddb: stack.ddb, ses: stack.ses, cognito: cognito.cognito, uploads: uploads() },
    }),
    ROUTES,
  );
  await addConsoleUser(cognito, 'editor@upload.example.com', 'editor');
  await addConsoleUser(cognito, 'viewer@upload.example.com', 'viewer');
  editor = new ConsoleBrowser(app.url);
  viewer = new ConsoleBrowser(app.url);
  expect((await editor.signIn('editor@upload.example.com', PASSWORD)).status).toBe(303);
  expect((await viewer.signIn('viewer@upload.example.com', PASSWORD)).status).toBe(303);
});

afterAll(async () => {
  await app?.stop();
  await s3Local?.stop();
  await cognito?.stop();
});

describe('audience files uploaded straight to the bucket', () => {
  it('offers the direct upload on the form, and lets the page talk to the bucket and nowhere else', async () => {
    const form = await editor.get('/console/waves/new');
    expect(form.body).toContain('data-upload-url="/console/waves/new/upload"');
    expect(form.body).toContain(`data-max-bytes="${MAX_UPLOAD_BYTES}"`);
    const csp = form.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${s3Local.endpoint};`);
    // Other pages keep the plain policy.
    expect((await editor.get('/console')).headers.get('content-security-policy')).toContain(
      "connect-src 'self';",
    );
  });

  it('checks and creates a wave from the uploaded file, deleting the file after the check and after the creation', async () => {
    const before = (await listWaves(stack.ddb, stack.table)).length;
    const key = await upload(editor, GOOD);
    expect(key).toMatch(/^audience\/[A-Za-z0-9-]+\/[0-9a-f-]{36}\.csv$/);

    const checked = await postFields(editor, '/console/waves/new/check', {
      ...WAVE,
      upload: key,
      uploadName: 'C:\\fakepath\\team.csv',
      background: '1',
    });
    expect(checked.status).toBe(200);
    expect(text(checked.body)).toContain('team.csv is ready');
    expect(text(checked.body)).toContain('2 recipients will be surveyed.');
    // The check read it: no copy of the audience's addresses stays behind, whether or not a wave follows.
    expect(await exists(key)).toBe(false);

    // console.js uploads the file again for the creation.
    const again = await upload(editor, GOOD);
    const created = await postFields(editor, '/console/waves/new', {
      ...WAVE,
      upload: again,
      uploadName: 'team.csv',
    });
    expect(created.status).toBe(303);
    const waves = await listWaves(stack.ddb, stack.table);
    expect(waves.length).toBe(before + 1);
    expect(waves.find((w) => w.name === 'Uploaded')).toMatchObject({ recipients: 2 });
    expect(await exists(again)).toBe(false);
  });

  it('lists every invalid row of an uploaded file, creates nothing and deletes the file', async () => {
    const before = (await listWaves(stack.ddb, stack.table)).length;
    const key = await upload(editor, BAD);
    const refused = await postFields(editor, '/console/waves/new', {
      ...WAVE,
      upload: key,
      uploadName: 'bad.csv',
    });
    expect(refused.status).toBe(400);
    const body = text(refused.body);
    expect(body).toContain('line 3: email is not a valid address');
    expect(body).toContain('line 4: email is not a valid address');
    expect((await listWaves(stack.ddb, stack.table)).length).toBe(before);
    expect(await exists(key)).toBe(false);
  });

  it('reads no one else’s file, and no missing one', async () => {
    const before = (await listWaves(stack.ddb, stack.table)).length;
    const theirs = newUploadKey('someone-else');
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS.localBucket, Key: theirs, Body: GOOD }));
    for (const key of [theirs, newUploadKey('nobody'), 'audience/../secrets.csv', 'anything']) {
      const refused = await postFields(editor, '/console/waves/new', {
        ...WAVE,
        upload: key,
        uploadName: 'x.csv',
      });
      expect(refused.status).toBe(400);
      expect(text(refused.body)).toContain('The file could not be uploaded.');
    }
    expect(await exists(theirs)).toBe(true);
    expect((await listWaves(stack.ddb, stack.table)).length).toBe(before);
  });

  it('gives no address for a file over the limit or an empty one, and none to a viewer', async () => {
    const form = await editor.get('/console/waves/new');
    const ask = (browser: ConsoleBrowser, size: number) =>
      browser.post(
        '/console/waves/new/upload',
        { csrf: csrfOf(form.body), size: String(size) },
        { accept: 'application/json' },
      );
    const large = await ask(editor, MAX_UPLOAD_BYTES + 1);
    expect(large.status).toBe(413);
    expect(JSON.parse(large.body)).toMatchObject({ error: 'too-large' });
    expect((await ask(editor, 0)).status).toBe(400);
    const viewerForm = await viewer.get('/console');
    const refused = await viewer.post(
      '/console/waves/new/upload',
      { csrf: csrfOf(viewerForm.body), size: '10' },
      { accept: 'application/json' },
    );
    expect(refused.status).toBe(403);
  });
});
