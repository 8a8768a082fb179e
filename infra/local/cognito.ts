/**
 * The local Cognito: the cognito-local emulator in its own process (state in .local/cognito, on loopback:
 * its admin API takes no credentials), and the console's user pool, app client and role groups created in it once,
 * from the same USER_POOL description the CDK stack deploys. Their ids are kept in .local/cognito so the CLI
 * (`nps user …`) and every restart use the same pool.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorName } from '#shared/store/conditions.ts';
import { USER_POOL } from '../system.ts';
import {
  freePort,
  LOOPBACK,
  type LocalUserPool,
  localUserPoolFile,
  readLocalUserPool,
} from './environment.ts';
import { allowedHostNames, startHostGuardProxy } from './host-guard.ts';
import { LocalStackError } from './services.ts';

const cognitoLocalEntry = (): string =>
  join(
    dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
    'lib',
    'bin',
    'start.js',
  );

/** Whether the emulator on `port` answers its health check within a second. */
export const cognitoLocalUp = (port: number): Promise<boolean> =>
  fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) }).then(
    (res) => res.ok,
    () => false,
  );

/**
 * Starts cognito-local behind a Host-checking proxy on `host`:`port` (host-guard.ts), with its state under
 * `stateDir`/cognito; the proxy closes when the emulator exits. Tokens name the issuer
 * http://127.0.0.1:<port>/<pool id>, where the console fetches the JWKS.
 */
export const startCognitoLocal = async (
  port: number,
  stateDir: string,
  host: string = LOOPBACK,
): Promise<ChildProcess> => {
  const dir = join(stateDir, 'cognito');
  mkdirSync(join(dir, '.cognito'), { recursive: true });
  writeFileSync(
    join(dir, '.cognito', 'config.json'),
    JSON.stringify({
      TokenConfig: { IssuerDomain: `http://127.0.0.1:${port}` },
      UserPoolDefaults: { UsernameAttributes: ['email'] },
    }),
  );
  // The emulator listens on a private port of 127.0.0.1; `port` is a proxy that refuses other Host names.
  const internal = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(internal),
    HOST: LOOPBACK,
    NODE_NO_WARNINGS: '1',
  };
  delete env.DEBUG;
  delete env.COGNITO_LOCAL_DEVMODE;
  const child = spawn(process.execPath, [cognitoLocalEntry()], {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-2_000);
  });
  let exited: Error | undefined;
  let guard: Server | undefined;
  child.once('exit', (code) => {
    guard?.close();
    exited = new LocalStackError(
      `The Cognito emulator exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`,
    );
  });
  try {
    guard = await startHostGuardProxy({ port, host, target: internal, allowed: allowedHostNames(host) });
  } catch (error) {
    child.kill('SIGKILL');
    throw new LocalStackError(`Port ${port} is already in use; set COGNITO_PORT to a free port`, {
      cause: error,
    });
  }
  const until = Date.now() + 30_000;
  while (!(await cognitoLocalUp(port))) {
    if (exited) throw exited;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new LocalStackError(`The Cognito emulator did not answer on port ${port} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return child;
};

const stillThere = async (cognito: CognitoIdentityProviderClient, pool: LocalUserPool): Promise<boolean> => {
  try {
    await cognito.send(new DescribeUserPoolCommand({ UserPoolId: pool.userPoolId }));
    await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId }),
    );
    return true;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return false;
    throw error;
  }
};

/**
 * Creates the role groups the pool lacks. Only the missing ones: the emulator's CreateGroup replaces an
 * existing group, members and all, so calling it on every start would take everyone's role away.
 */
const ensureGroups = async (cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<void> => {
  const listed = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
  const existing = new Set((listed.Groups ?? []).map((group) => group.GroupName));
  for (const role of USER_POOL.groups) {
    if (existing.has(role)) continue;
    try {
      await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: role }));
    } catch (error) {
      if (errorName(error) !== 'GroupExistsException') throw error;
    }
  }
};

/** The console's pool, app client and groups in the emulator: created on first start, reused after. */
export const ensureLocalUserPool = async (
  cognito: CognitoIdentityProviderClient,
  stateDir: string,
  port: number,
): Promise<LocalUserPool> => {
  const known = readLocalUserPool(stateDir);
  let pool: Omit<LocalUserPool, 'issuer'>;
  if (known && (await stillThere(cognito, known))) {
    pool = known;
  } else {
    const policy = USER_POOL.passwordPolicy;
    const validity = USER_POOL.tokenValidity;
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: USER_POOL.name,
        UsernameAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'OPTIONAL',
        Policies: {
          PasswordPolicy: {
            MinimumLength: policy.minLength,
            RequireLowercase: policy.requireLowercase,
            RequireUppercase: policy.requireUppercase,
            RequireNumbers: policy.requireDigits,
            RequireSymbols: policy.requireSymbols,
            TemporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
          },
        },
      }),
    );
    const userPoolId = created.UserPool?.Id;
    if (!userPoolId) throw new LocalStackError('The Cognito emulator created a user pool without an id');
    const client = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: USER_POOL.clientName,
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        IdTokenValidity: validity.idTokenMinutes,
        AccessTokenValidity: validity.accessTokenMinutes,
        RefreshTokenValidity: validity.refreshTokenHours,
        TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'hours' },
      }),
    );
    const clientId = client.UserPoolClient?.ClientId;
    if (!clientId) throw new LocalStackError('The Cognito emulator created an app client without an id');
    pool = { userPoolId, clientId };
  }
  await ensureGroups(cognito, pool.userPoolId);
  const result: LocalUserPool = { ...pool, issuer: `http://127.0.0.1:${port}/${pool.userPoolId}` };
  const file = localUserPoolFile(stateDir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result)}\n`, { mode: 0o600 });
  return result;
};
