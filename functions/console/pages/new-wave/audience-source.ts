/**
 * New wave's audience file, however it came: uploaded by console.js straight to the bucket (a presigned PUT,
 * then the form names its key), or in the form post itself (without JavaScript, up to 4 MB). Each is read as
 * a stream, as the CLI reads a file, and deleted once read.
 */
import {
  discardUpload,
  isUploadKeyOf,
  MAX_UPLOAD_BYTES,
  newUploadKey,
  presignUpload,
  uploadChunks,
  uploadedSize,
} from '#functions/console/http/uploads.ts';
import { type AudienceRow, readAudience } from '#shared/audience/audience.ts';
import { oneLine } from '#templates/format.ts';
import { multipartOf, type UploadedFile } from '../../http/multipart.ts';
import { type Handler, json, type RouteContext } from '../../router.ts';
import { MAX_AUDIENCE_BYTES } from './new-wave-view.ts';

/** An audience file however it came: its name for messages, its bytes as a stream, and its clean-up. */
export interface AudienceSource {
  name: string;
  chunks(): AsyncIterable<Buffer>;
  /**
   * Called once the file is read, by the check or the creation, whatever came of it: an uploaded object is
   * deleted (it holds every address of the audience; the bucket's lifecycle catches one never posted).
   */
  done(): Promise<void>;
}

const nameOf = (raw: string): string => oneLine(raw.split(/[/\\]/).pop() ?? '', 100) || 'audience.csv';

const inRequest = (file: UploadedFile): AudienceSource => ({
  name: nameOf(file.filename),
  chunks: async function* () {
    yield file.body;
  },
  done: async () => {},
});

/**
 * The file console.js uploaded straight to the bucket, named by the form's `upload` key: only this user's
 * keys, only a file that is there and not over the limit.
 */
const inBucket = async (ctx: RouteContext, key: string, name: string) => {
  const uploads = ctx.clients.uploads;
  const size = uploads && isUploadKeyOf(key, ctx.user.sub) ? await uploadedSize(uploads, key) : undefined;
  if (!uploads || size === undefined) return { problem: ctx.t('newWave.audience.failed') };
  if (size > MAX_UPLOAD_BYTES) {
    await discardUpload(uploads, key);
    return { problem: ctx.t('newWave.audience.tooLarge', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 }) };
  }
  const source: AudienceSource = {
    name: nameOf(name),
    chunks: () => uploadChunks(uploads, key),
    done: () => discardUpload(uploads, key),
  };
  return { source };
};

/** The form's fields, and the audience file (uploaded to the bucket, or in the request) when it can be read. */
export const uploadOf = async (
  ctx: RouteContext,
): Promise<{ fields: URLSearchParams; source?: AudienceSource; problem?: string }> => {
  const { fields, files } = multipartOf(ctx.request);
  const key = fields.get('upload') ?? '';
  if (key) return { fields, ...(await inBucket(ctx, key, fields.get('uploadName') ?? '')) };
  const file = files.get('audience');
  const chosen = file && file.filename !== '' ? file : undefined;
  if (!chosen) return { fields, problem: ctx.t('newWave.problem.audience') };
  if (chosen.body.length > MAX_AUDIENCE_BYTES)
    return { fields, problem: ctx.t('newWave.audience.tooLarge', { mb: MAX_AUDIENCE_BYTES / 1024 / 1024 }) };
  return { fields, source: inRequest(chosen) };
};

/** The file's rows, read as the CLI reads a file, once per call. */
export const rowsOf = (source: AudienceSource) => (): AsyncIterable<AudienceRow> =>
  readAudience(source.chunks(), source.name);

/**
 * A presigned address for uploading the chosen file straight to the bucket (console.js, before the check):
 * `{ key, url }`, the key under this user's id. 404 where the stack has no bucket: the file then goes in
 * the request.
 */
export const uploadTicket: Handler = async (ctx) => {
  const uploads = ctx.clients.uploads;
  if (!uploads) return json({ error: 'no-bucket' }, 404);
  const size = Number(ctx.form().get('size'));
  if (!Number.isSafeInteger(size) || size < 1)
    return json({ error: 'size', message: ctx.t('newWave.problem.audience') }, 400);
  if (size > MAX_UPLOAD_BYTES) {
    const message = ctx.t('newWave.audience.tooLarge', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 });
    return json({ error: 'too-large', message }, 413);
  }
  const key = newUploadKey(ctx.user.sub);
  return json({ key, url: await presignUpload(uploads, key, size) });
};
