/**
 * The console's dependencies in a Lambda container (and in the local runtime, which sets the same
 * variables): the table, AWS clients, the user pool's app client and the token verifier, made once.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { createSessionVerifier } from '#functions/console/auth/tokens.ts';
import { consoleScheme, tableName, uploadBucketConfig, userPoolConfig } from '#shared/core/config.ts';
import { awsClients, logger } from '../commons/runtime.ts';
import type { ConsoleDeps } from './scope.ts';

let deps: ConsoleDeps | undefined;

export const consoleDeps = (): ConsoleDeps => {
  deps ??= fromEnvironment();
  return deps;
};

const fromEnvironment = (): ConsoleDeps => {
  const pool = userPoolConfig();
  const { ddb, ses } = awsClients();
  const cognito = new CognitoIdentityProviderClient({ maxAttempts: 3 });
  const bucket = uploadBucketConfig();
  // Presigned uploads carry no checksum the browser would have to send (the SDK's default adds one).
  const uploads = bucket && {
    bucket: bucket.bucket,
    s3: new S3Client({
      forcePathStyle: bucket.pathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
  return {
    store: { ddb, table: tableName() },
    clients: { ddb, ses, cognito, ...(uploads ? { uploads } : {}) },
    auth: { cognito, clientId: pool.clientId },
    verifier: createSessionVerifier({ issuer: pool.issuer, clientId: pool.clientId }),
    scheme: consoleScheme(),
    log: logger,
  };
};
