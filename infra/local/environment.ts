/**
 * The local stack's settings: ports (each overridable), the state folder, and the environment the handlers
 * and the CLI run with, the same variable names the CDK stack sets in AWS (`ENV` in infra/system.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV, TABLE, UPLOADS } from '../system.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the local stack listens unless HOST says otherwise: this machine only. */
export const LOOPBACK = '127.0.0.1';
/** The addresses HOST may name: this machine only, or every interface (IPv4, or IPv6 and IPv4). */
const HOSTS = [LOOPBACK, '0.0.0.0', '::'];

export interface LocalSettings {
  /** Where the survey app, the SES emulator and its inbox, and DynamoDB Local listen. */
  host: string;
  appPort: number;
  sesPort: number;
  ddbPort: number;
  /** The Cognito emulator (cognito-local) the console signs in with. */
  cognitoPort: number;
  /** The S3 emulator holding the console's upload bucket. */
  s3Port: number;
  stateDir: string;
  /** Seconds between ticks of rate schedules locally (AWS uses the schedule's own rate). */
  rateSeconds: number;
  fromAddress: string;
  /** Use the SES emulator already answering on SES_PORT (`SES_EXTERNAL=1`) instead of starting one: its inbox
   * then outlives this process (the crash test kills the stack's process group and keeps counting). */
  sesExternal: boolean;
}

const port = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new Error(`${name} must be a port number between 1 and 65535, not "${raw}"`);
  }
  return value;
};

/** HOST opens the stack to the network (`HOST=0.0.0.0`); the clients always reach it on 127.0.0.1. */
const host = (): string => {
  const raw = process.env.HOST;
  if (raw === undefined || raw === '') return LOOPBACK;
  if (!HOSTS.includes(raw)) throw new Error(`HOST must be one of ${HOSTS.join(', ')}, not "${raw}"`);
  return raw;
};

export const localSettings = (): LocalSettings => ({
  host: host(),
  appPort: port('PORT', 3000),
  sesPort: port('SES_PORT', 8005),
  ddbPort: port('DDB_PORT', 8000),
  cognitoPort: port('COGNITO_PORT', 9229),
  s3Port: port('S3_PORT', 4569),
  stateDir: resolve(process.env.NPS_STATE_DIR || join(ROOT, '.local')),
  rateSeconds: Number(process.env.LOCAL_RATE_SECONDS || 5),
  fromAddress: process.env.SES_FROM_ADDRESS || 'surveys@example.com',
  sesExternal: process.env.SES_EXTERNAL === '1',
});

/** The link-signing keys of this machine's local stack, created once and kept in the state folder. */
const localSigningKeys = (stateDir: string): string => {
  const file = join(stateDir, 'signing-keys.json');
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ k1: randomBytes(32).toString('base64url') }), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8');
};

/** The account the SES emulator reports from GetAccount (its `AWS_SES_ACCOUNT`), with a send rate. */
export const sesAccount = (maxSendRate: number): string =>
  JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'MARKETING',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'local',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 10_000_000, MaxSendRate: maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  });

/** A port the OS says is free now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** Region, credentials and the SDK's own endpoint variables that point AWS clients at the local services. */
export const localAwsEnvironment = (ddbPort: number, sesPort: number): Record<string, string> => ({
  AWS_REGION: process.env.AWS_REGION || 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ddbPort}`,
  AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${sesPort}`,
});

/** The local user pool's ids, written by infra/local/cognito.ts when `npm start` first creates it. */
export interface LocalUserPool {
  userPoolId: string;
  clientId: string;
  issuer: string;
}

export const localUserPoolFile = (stateDir: string): string => join(stateDir, 'cognito', 'user-pool.json');

export const readLocalUserPool = (stateDir: string): LocalUserPool | undefined => {
  const file = localUserPoolFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LocalUserPool;
};

/** The console's variables: the emulator's endpoint, and the pool once `npm start` has created it. */
export const localUserPoolEnvironment = (s: LocalSettings): Record<string, string> => {
  const pool = readLocalUserPool(s.stateDir);
  return {
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: `http://127.0.0.1:${s.cognitoPort}`,
    [ENV.consoleScheme]: 'http',
    ...(pool
      ? {
          [ENV.userPoolId]: pool.userPoolId,
          [ENV.userPoolClientId]: pool.clientId,
          [ENV.userPoolIssuer]: pool.issuer,
        }
      : {}),
  };
};

/** The console's upload bucket in the S3 emulator, addressed by path as the emulator wants. */
export const localUploadEnvironment = (s: LocalSettings): Record<string, string> => ({
  AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s.s3Port}`,
  [ENV.uploadBucket]: UPLOADS.localBucket,
  [ENV.uploadPathStyle]: 'true',
});

/** Environment for handlers and the CLI against the local stack. */
export const localEnvironment = (s: LocalSettings): Record<string, string> => ({
  ...localAwsEnvironment(s.ddbPort, s.sesPort),
  [ENV.tableName]: TABLE.name,
  [ENV.fromAddress]: s.fromAddress,
  [ENV.publicBaseUrl]: process.env.PUBLIC_BASE_URL || `http://localhost:${s.appPort}`,
  [ENV.consoleUrl]: `http://localhost:${s.appPort}/console`,
  [ENV.linkSigningKeys]: localSigningKeys(s.stateDir),
  [ENV.digestTimeZone]: process.env[ENV.digestTimeZone] || 'Europe/Amsterdam',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL || 'WARN',
  // What the SES emulator reports from GetAccount: the sender reads its rate from here, as from SES.
  AWS_SES_ACCOUNT: sesAccount(Number(process.env.SES_MAX_SEND_RATE || 500)),
  ...localUserPoolEnvironment(s),
  ...localUploadEnvironment(s),
});

/** Applies the local environment to this process (before any handler module is imported). */
export const applyLocalEnvironment = (s: LocalSettings): void => {
  for (const [name, value] of Object.entries(localEnvironment(s))) process.env[name] = value;
};
