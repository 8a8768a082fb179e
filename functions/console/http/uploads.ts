/**
 * Audience files the console's browser uploads straight to S3 (a presigned PUT), so a large file never passes
 * through the console function's request or sits whole in its memory: the function reads it back as a stream
 * and deletes it once read (the check and the creation each get their own upload), so an audience's addresses
 * stay in the bucket only while a request reads them. The bucket's lifecycle removes, within a day, what was
 * uploaded and never posted. Each key lives under its uploader's id, so a key copied from another user's page
 * reads nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ValidationError } from '#shared/core/errors.ts';
import { errorName } from '#shared/store/conditions.ts';

export interface UploadStore {
  s3: S3Client;
  bucket: string;
}

/** The largest audience file the console takes through S3 (about 1.5 million rows of a typical export). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** How long a presigned upload address works. */
export const UPLOAD_URL_SECONDS = 15 * 60;

const KEY =
  /^audience\/([A-Za-z0-9-]{1,64})\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv$/;

/** A new key for `uploader`'s next file. */
export const newUploadKey = (uploader: string): string => {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(uploader))
    throw new ValidationError('Unknown uploader', { field: 'upload' });
  return `audience/${uploader}/${randomUUID()}.csv`;
};

/** Whether `key` is one of `uploader`'s upload keys (and nothing else: no other path, no other user). */
export const isUploadKeyOf = (key: string, uploader: string): boolean => KEY.exec(key)?.[1] === uploader;

/**
 * A presigned PUT for `size` bytes of CSV at `key`. The length and type are signed: S3 refuses a body of
 * another length, so the limit checked here holds for what arrives.
 */
export const presignUpload = (store: UploadStore, key: string, size: number): Promise<string> => {
  if (!Number.isSafeInteger(size) || size < 1)
    throw new ValidationError('The file is empty', { field: 'size' });
  if (size > MAX_UPLOAD_BYTES) throw new ValidationError('The file is too large', { field: 'size' });
  return getSignedUrl(
    store.s3,
    new PutObjectCommand({ Bucket: store.bucket, Key: key, ContentLength: size, ContentType: 'text/csv' }),
    { expiresIn: UPLOAD_URL_SECONDS, signableHeaders: new Set(['content-length', 'content-type']) },
  );
};

/** Where browsers send uploads (for the console's connect-src): the origin of a presigned address. */
export const uploadOrigin = async (store: UploadStore): Promise<string> =>
  new URL(await presignUpload(store, 'audience/origin/probe.csv', 1)).origin;

/** The uploaded file's size, or undefined when nothing is there. */
export const uploadedSize = async (store: UploadStore, key: string): Promise<number | undefined> => {
  try {
    const head = await store.s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key }));
    return head.ContentLength;
  } catch (error) {
    if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey') return undefined;
    throw error;
  }
};

/** The uploaded file as a stream of chunks, read from S3 as it is consumed. */
export async function* uploadChunks(store: UploadStore, key: string): AsyncGenerator<Buffer> {
  const object = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
  const body = object.Body as AsyncIterable<Uint8Array> | undefined;
  if (!body) return;
  for await (const chunk of body) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export const discardUpload = async (store: UploadStore, key: string): Promise<void> => {
  await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key }));
};
