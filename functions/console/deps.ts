/**
 * The console's dependencies in a Lambda container (and in the local runtime, which sets the same
 * variables): the table, AWS clients, the user pool's app client and the token verifier, made once.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createSessionVerifier } from '#shared/console/tokens.ts';
import { consoleScheme, tableName, userPoolConfig } from '#shared/core/config.ts';
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
  return {
    store: { ddb, table: tableName() },
    clients: { ddb, ses, cognito },
    auth: { cognito, clientId: pool.clientId },
    verifier: createSessionVerifier({ issuer: pool.issuer, clientId: pool.clientId }),
    scheme: consoleScheme(),
    log: logger,
  };
};
