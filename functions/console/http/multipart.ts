/**
 * A multipart/form-data body (a form with a file) read into its fields and files. The whole body is already
 * in memory (a Function URL event carries it), so this only splits it; it refuses anything malformed.
 */
import { ValidationError } from '#shared/core/errors.ts';
import type { ConsoleRequest } from './request.ts';

export interface UploadedFile {
  /** The name the browser gave (untrusted: shown escaped, never used as a path). */
  filename: string;
  contentType: string;
  body: Buffer;
}

export interface MultipartForm {
  fields: URLSearchParams;
  files: ReadonlyMap<string, UploadedFile>;
}

const BOUNDARY = /^multipart\/form-data;.*\bboundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
const MAX_PARTS = 50;

const dispositionOf = (headers: string): { name: string; filename?: string } | undefined => {
  const line = headers.split('\r\n').find((h) => /^content-disposition:/i.test(h));
  if (!line || !/:\s*form-data/i.test(line)) return undefined;
  const param = (key: string) => new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(line)?.[1];
  const name = param('name');
  if (name === undefined) return undefined;
  const filename = param('filename');
  return { name, ...(filename !== undefined ? { filename } : {}) };
};

/** The request's multipart form; a ValidationError when the body is not one. */
export const multipartOf = (request: ConsoleRequest): MultipartForm => {
  const match = BOUNDARY.exec(request.headers['content-type'] ?? '');
  if (!match) throw new ValidationError('The form was not sent as multipart/form-data', { field: 'form' });
  const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
  const body = request.body;
  const fields = new URLSearchParams();
  const files = new Map<string, UploadedFile>();
  let at = body.indexOf(delimiter);
  if (at !== 0) throw new ValidationError('The form could not be read', { field: 'form' });
  for (let parts = 0; ; parts++) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') break;
    if (parts === MAX_PARTS || !body.subarray(at, at + 2).equals(CRLF))
      throw new ValidationError('The form could not be read', { field: 'form' });
    const headersEnd = body.indexOf(HEADERS_END, at + 2);
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), at + 2);
    if (headersEnd === -1 || next === -1 || headersEnd > next)
      throw new ValidationError('The form could not be read', { field: 'form' });
    const headers = body.subarray(at + 2, headersEnd).toString('utf8');
    const content = body.subarray(headersEnd + HEADERS_END.length, next);
    const disposition = dispositionOf(headers);
    if (disposition?.filename !== undefined) {
      const type = /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
      files.set(disposition.name, { filename: disposition.filename, contentType: type, body: content });
    } else if (disposition) {
      fields.append(disposition.name, content.toString('utf8'));
    }
    at = next + CRLF.length;
  }
  return { fields, files };
};
