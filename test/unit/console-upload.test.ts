/**
 * The New wave page's pure parts: reading a multipart upload as a browser sends it, and the email preview
 * filled the way SES fills a recipient's template data.
 */
import { describe, expect, it } from 'vitest';
import { multipartOf } from '#functions/console/http/multipart.ts';
import type { ConsoleRequest } from '#functions/console/http/request.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { LOCALES, t } from '#templates/index.ts';
import { fillTemplate, surveyEmailPreview, UnknownTemplateFieldError } from '#templates/previews.ts';

const requestWith = (contentType: string, body: Buffer): ConsoleRequest => ({
  method: 'POST',
  path: '/console/waves/new',
  query: new URLSearchParams(),
  headers: { 'content-type': contentType },
  cookies: new Map(),
  body,
  sourceIp: '127.0.0.1',
  host: 'localhost',
});

/** A body as Chromium builds it: CRLF between parts, the file's bytes untouched. */
const BOUNDARY = '----WebKitFormBoundaryx7Gq2';
const body = (parts: string[]): Buffer =>
  Buffer.from(`${parts.map((p) => `--${BOUNDARY}\r\n${p}\r\n`).join('')}--${BOUNDARY}--\r\n`, 'latin1');

describe('multipartOf', () => {
  it('reads the fields and the file, the file byte for byte (a BOM and CRLF lines kept)', () => {
    const csv = '\ufeffemail;name\r\nanna@example.com;Änna\r\n';
    const raw = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\ntoken-123\r\n`),
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="audience"; filename="kunden.csv"\r\n`,
      ),
      Buffer.from('Content-Type: text/csv\r\n\r\n'),
      Buffer.from(csv, 'utf8'),
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    const form = multipartOf(requestWith(`multipart/form-data; boundary=${BOUNDARY}`, raw));
    expect(form.fields.get('csrf')).toBe('token-123');
    const file = form.files.get('audience');
    expect(file?.filename).toBe('kunden.csv');
    expect(file?.contentType).toBe('text/csv');
    expect(file?.body.equals(Buffer.from(csv, 'utf8'))).toBe(true);
  });

  it('reads UTF-8 field values', () => {
    const raw = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\n`),
      Buffer.from('Herbst ✓ Umfrage', 'utf8'),
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    expect(
      multipartOf(requestWith(`multipart/form-data; boundary=${BOUNDARY}`, raw)).fields.get('name'),
    ).toBe('Herbst ✓ Umfrage');
  });

  it('gives an unchosen file input (empty filename) as a file with no name', () => {
    const form = multipartOf(
      requestWith(
        `multipart/form-data; boundary="${BOUNDARY}"`,
        body([
          'Content-Disposition: form-data; name="audience"; filename=""\r\nContent-Type: application/octet-stream\r\n',
        ]),
      ),
    );
    expect(form.files.get('audience')?.filename).toBe('');
    expect(form.files.get('audience')?.body.length).toBe(0);
  });

  it.each([
    ['not multipart', 'application/x-www-form-urlencoded', Buffer.from('a=1')],
    [
      'no closing delimiter',
      `multipart/form-data; boundary=${BOUNDARY}`,
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1`),
    ],
    [
      'junk before the first part',
      `multipart/form-data; boundary=${BOUNDARY}`,
      Buffer.from(`junk--${BOUNDARY}--\r\n`),
    ],
  ])('refuses a body that is %s', (_, type, raw) => {
    expect(() => multipartOf(requestWith(type, raw))).toThrow(ValidationError);
  });
});

describe('the survey email preview', () => {
  it('fills {{field}} raw and picks the branch of {{#if field}} as SES does', () => {
    const template = '<p>{{#if name}}Hi {{name}}{{else}}Hello{{/if}}</p><a href="/r/{{token}}/9">9</a>';
    expect(fillTemplate(template, { name: 'Alex &amp; co', token: 'T' })).toBe(
      '<p>Hi Alex &amp; co</p><a href="/r/T/9">9</a>',
    );
    expect(fillTemplate(template, { name: '', token: 'T' })).toBe('<p>Hello</p><a href="/r/T/9">9</a>');
  });

  it('refuses a field it has no data for, rather than showing a placeholder', () => {
    expect(() => fillTemplate('{{secret}}', {})).toThrow(UnknownTemplateFieldError);
  });

  it.each(LOCALES)(
    'is the real %s email: the question for the product, eleven score links, nothing left to fill',
    (locale) => {
      const html = surveyEmailPreview({
        kind: 'nps',
        locale,
        baseUrl: 'https://survey.example.com',
        product: 'Acme <Cloud>',
      });
      expect(html).not.toContain('{{');
      expect(html).toContain(`lang="${locale}"`);
      const question = t(locale, 'survey.nps.question', { product: 'Acme <Cloud>' })
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;');
      expect(html).toContain(question);
      const scores = [
        ...html.matchAll(/href="https:\/\/survey\.example\.com\/r\/preview\/(\d+)"[^>]*>(\d+)<\/a>/g),
      ];
      expect(scores.map((m) => [m[1], m[2]])).toEqual(
        Array.from({ length: 11 }, (_, i) => [String(i), String(i)]),
      );
    },
  );
});
