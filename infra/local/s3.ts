/**
 * The local S3: the s3rver emulator in this process, holding the console's upload bucket (UPLOADS) under
 * .local/s3, with the CORS rule the CDK bucket has (PUT from the console's origin). It knows the local
 * runtime's access key, so presigned addresses made with it are accepted as AWS would accept the Lambda's.
 */
import { mkdirSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import S3rver from 's3rver';
import { UPLOADS } from '../system.ts';
import { LOOPBACK } from './environment.ts';
import { allowedHostNames, guardHost } from './host-guard.ts';

/** The access key the local environment gives every AWS client (localAwsEnvironment). */
const LOCAL_KEY = 'local';

const corsRule = (origins: readonly string[]): string =>
  `<CORSConfiguration><CORSRule>${origins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('')}<AllowedMethod>PUT</AllowedMethod><AllowedHeader>content-type</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

export interface LocalS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts the emulator on `host`:`port` with the upload bucket; browsers at `origins` may PUT to it. */
export const startS3Local = async (
  port: number,
  stateDir: string,
  origins: readonly string[],
  host: string = LOOPBACK,
): Promise<LocalS3> => {
  const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  DUMMY_ACCOUNT.createKeyPair(LOCAL_KEY, LOCAL_KEY);
  const directory = join(stateDir, 's3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    port,
    address: host,
    directory,
    silent: true,
    configureBuckets: [{ name: UPLOADS.localBucket, configs: [corsRule(origins)] }],
  });
  await server.run();
  // Only this machine's names (host-guard.ts): a rebinding page must not read or fill the bucket.
  guardHost((server as unknown as { httpServer: HttpServer }).httpServer, allowedHostNames(host));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => server.close(),
  };
};
