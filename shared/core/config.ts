/**
 * Configuration, read once and failing fast. Lambdas get these from the CDK stack; the local runtime sets
 * the same variables (names from `env.ts`), so both read config the same way.
 */
import { ENV } from './env.ts';
import { ConfigError } from './errors.ts';

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`Environment variable ${name} is not set`);
  }
  return value.trim();
};

const optionalNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(`Environment variable ${name} must be a number`);
  return value;
};

export const tableName = (): string => requireEnv(ENV.tableName);

export interface EmailConfig {
  fromAddress: string;
  /** Absent locally: the SES emulator has no configuration sets. */
  configurationSet: string | undefined;
  /** The sender's display name and the Reply-To address, when the stack names them. */
  fromName?: string;
  replyTo?: string;
  /** The survey email's logo and button colour, when the stack names them. */
  brand?: EmailBrand;
}

export interface EmailBrand {
  /** An https URL of the logo, shown 120 px wide above the greeting. */
  logoUrl?: string;
  /** `#rrggbb`: the score buttons' colour. */
  colour?: string;
}

/** The stack's logo (an https URL) and brand colour (`#rrggbb`); a malformed one fails fast. */
export const emailBrand = (): EmailBrand => {
  const logoUrl = process.env[ENV.logoUrl]?.trim();
  const colour = process.env[ENV.brandColour]?.trim();
  if (logoUrl && !/^https:\/\/[^\s"'<>]+$/.test(logoUrl))
    throw new ConfigError(`Environment variable ${ENV.logoUrl} must be an https URL`);
  if (colour && !/^#[0-9a-fA-F]{6}$/.test(colour))
    throw new ConfigError(`Environment variable ${ENV.brandColour} must be a colour like #1d4ed8`);
  return { ...(logoUrl ? { logoUrl } : {}), ...(colour ? { colour: colour.toLowerCase() } : {}) };
};

export const emailConfig = (): EmailConfig => {
  const fromName = process.env[ENV.fromName]?.trim();
  const replyTo = process.env[ENV.replyTo]?.trim();
  const brand = emailBrand();
  return {
    fromAddress: requireEnv(ENV.fromAddress),
    configurationSet: process.env[ENV.configurationSet] || undefined,
    ...(fromName ? { fromName } : {}),
    ...(replyTo ? { replyTo } : {}),
    ...(brand.logoUrl || brand.colour ? { brand } : {}),
  };
};

/** Where the survey pages live, without a trailing slash. */
export const publicBaseUrl = (): string => requireEnv(ENV.publicBaseUrl).replace(/\/+$/, '');

export interface SurveyPolicy {
  /** Do not survey a contact again within this many days. */
  fatigueDays: number;
  /** Response links stay valid this long after the send. */
  linkValidityDays: number;
  /** Seconds a person stays on the score page, with JavaScript running, before the score counts. */
  dwellSeconds: number;
  /** Distinct scores from one link within `burstWindowSeconds` that mark it as automated. */
  burstDistinctScores: number;
  burstWindowSeconds: number;
  /** After the hidden trap link of an email is opened, commits within this many seconds are quarantined. */
  automatedWindowSeconds: number;
  /** Requests one link (wave and contact) may make per minute before it gets 429. */
  linkRequestsPerMinute: number;
  /** Segments with fewer responses show no NPS. */
  minSegmentResponses: number;
}

export const surveyPolicy = (): SurveyPolicy => ({
  fatigueDays: optionalNumber('FATIGUE_DAYS', 90),
  linkValidityDays: optionalNumber('LINK_VALIDITY_DAYS', 60),
  dwellSeconds: optionalNumber('DWELL_SECONDS', 5),
  burstDistinctScores: 3,
  burstWindowSeconds: optionalNumber('BURST_WINDOW_SECONDS', 30),
  automatedWindowSeconds: optionalNumber('AUTOMATED_WINDOW_SECONDS', 60),
  linkRequestsPerMinute: optionalNumber('LINK_REQUESTS_PER_MINUTE', 60),
  minSegmentResponses: optionalNumber('MIN_SEGMENT_RESPONSES', 30),
});

export const digestTimeZone = (): string => process.env[ENV.digestTimeZone] || 'Europe/Amsterdam';

/** The retention period in whole months (default 24, at least 1): what `apply-retention` enforces. */
export const retentionMonths = (): number => {
  const months = optionalNumber(ENV.retentionMonths, 24);
  if (!Number.isInteger(months) || months < 1)
    throw new ConfigError(
      `Environment variable ${ENV.retentionMonths} must be a whole number of months, at least 1`,
    );
  return months;
};

/** The console's user pool: the id (user management), the app client and the issuer (sign-in, tokens). */
export interface UserPoolConfig {
  userPoolId: string;
  clientId: string;
  issuer: string;
}

export const userPoolConfig = (): UserPoolConfig => ({
  userPoolId: requireEnv(ENV.userPoolId),
  clientId: requireEnv(ENV.userPoolClientId),
  issuer: requireEnv(ENV.userPoolIssuer).replace(/\/+$/, ''),
});

/** How the console is reached: cookies are Secure and origins https unless it is served over plain http. */
export const consoleScheme = (): 'https' | 'http' =>
  process.env[ENV.consoleScheme] === 'http' ? 'http' : 'https';

/**
 * Webhook URLs must be https where the stack runs in AWS; against the local stack (a local table) http is
 * fine, and `WEBHOOK_ALLOW_LOOPBACK=1` lets tests reach a receiver on 127.0.0.1/localhost. Never in AWS: not
 * without a local table, and never inside a Lambda.
 */
export const webhookPolicy = (): { httpsOnly: boolean; allowLoopback: boolean } => {
  const local = Boolean(process.env.AWS_ENDPOINT_URL_DYNAMODB) && !process.env.AWS_LAMBDA_FUNCTION_NAME;
  return { httpsOnly: !local, allowLoopback: local && process.env.WEBHOOK_ALLOW_LOOPBACK === '1' };
};

/** The console's address for links from emails (alerts, the digest), when the stack has one. */
export const consoleUrl = (): string | undefined =>
  process.env[ENV.consoleUrl]?.replace(/\/+$/, '') || undefined;

/** The console's upload bucket, when the stack has one, and whether S3 is addressed by path. */
export const uploadBucketConfig = (): { bucket: string; pathStyle: boolean } | undefined => {
  const bucket = process.env[ENV.uploadBucket];
  return bucket ? { bucket, pathStyle: process.env[ENV.uploadPathStyle] === 'true' } : undefined;
};

/** What a survey asks about when a wave names nothing else (`--product`, the console's Product field). */
export const defaultProduct = (): string | undefined => process.env[ENV.product]?.trim() || undefined;

/** How the digest reads and titles its figures, wherever it is sent from (schedule, CLI, console). */
/**
 * How long a send claim is held before its sender is presumed dead: ten minutes (a Lambda's run, with room).
 * `CLAIM_LEASE_SECONDS` shortens it where crashes are staged on purpose (`npm run crash-test`).
 */
export const claimLeaseMs = (): number => optionalNumber('CLAIM_LEASE_SECONDS', 600) * 1000;

export const digestSettings = (): {
  timeZone: string;
  minSegmentResponses: number;
  title: string;
  baseUrl?: string;
  consoleUrl?: string;
} => ({
  // Readers' one-click unsubscribe links (on the survey endpoint) and the console link, where known.
  ...(process.env[ENV.publicBaseUrl] ? { baseUrl: publicBaseUrl() } : {}),
  ...(consoleUrl() ? { consoleUrl: consoleUrl() } : {}),
  timeZone: digestTimeZone(),
  minSegmentResponses: surveyPolicy().minSegmentResponses,
  // Named after the product where the stack names one: "NPS digest for Acme Cloud", not "… for NPS".
  title: process.env.DIGEST_TITLE || defaultProduct() || 'NPS',
});

/** The send rate to assume when SES cannot tell its own (locally the emulator has no account): SES's default, 14/s. */
export const fallbackSendRate = (): number => optionalNumber('SES_MAX_SEND_RATE', 14);
