/**
 * The local stack's settings: ports (each overridable), the state folder, and the environment the handlers
 * and the CLI run with, the same variable names the CDK stack sets in AWS (`ENV` in infra/system.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV, TABLE } from '../system.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface LocalSettings {
  appPort: number;
  sesPort: number;
  ddbPort: number;
  stateDir: string;
  /** Seconds between ticks of rate schedules locally (AWS uses the schedule's own rate). */
  rateSeconds: number;
  fromAddress: string;
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

export const localSettings = (): LocalSettings => ({
  appPort: port('PORT', 3000),
  sesPort: port('SES_PORT', 8005),
  ddbPort: port('DDB_PORT', 8000),
  stateDir: resolve(process.env.NPS_STATE_DIR || join(ROOT, '.local')),
  rateSeconds: Number(process.env.LOCAL_RATE_SECONDS || 5),
  fromAddress: process.env.SES_FROM_ADDRESS || 'surveys@example.com',
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

/** Environment for handlers and the CLI against the local stack. */
export const localEnvironment = (s: LocalSettings): Record<string, string> => ({
  ...localAwsEnvironment(s.ddbPort, s.sesPort),
  [ENV.tableName]: TABLE.name,
  [ENV.fromAddress]: s.fromAddress,
  [ENV.publicBaseUrl]: process.env.PUBLIC_BASE_URL || `http://localhost:${s.appPort}`,
  [ENV.linkSigningKeys]: localSigningKeys(s.stateDir),
  [ENV.digestTimeZone]: process.env[ENV.digestTimeZone] || 'Europe/Amsterdam',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL || 'WARN',
  // What the SES emulator reports from GetAccount: the sender reads its rate from here, as from SES.
  AWS_SES_ACCOUNT: sesAccount(Number(process.env.SES_MAX_SEND_RATE || 500)),
});

/** Applies the local environment to this process (before any handler module is imported). */
export const applyLocalEnvironment = (s: LocalSettings): void => {
  for (const [name, value] of Object.entries(localEnvironment(s))) process.env[name] = value;
};
