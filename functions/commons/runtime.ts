/**
 * What every handler shares: clients created once per container and traced, the logger, the tracer, the
 * metrics, and the link-signing keys (from Secrets Manager in AWS, re-read every few minutes; from the
 * environment locally).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requireEnv } from '#shared/core/config.ts';
import { ENV } from '#shared/core/env.ts';
import { parseSigningKeys, type SigningKeys } from '#shared/core/links.ts';
import type { EventPublisher } from '#shared/events/publish.ts';
import { type Clients, createClients } from '#shared/store/clients.ts';

export const logger = new Logger({ serviceName: 'nps' });

/**
 * X-Ray segments for the handler and every AWS call. Outside Lambda (the local runtime, tests) the tracer
 * turns itself off, as POWERTOOLS_TRACE_ENABLED=false would: no daemon is needed.
 */
export const tracer = new Tracer({ serviceName: 'nps' });

/**
 * CloudWatch metrics as EMF lines on stdout, flushed by the `logMetrics` middleware. Its own notes go to the
 * logger; an invocation with nothing to count (an empty batch) is normal, so that note is a debug line.
 */
export const metrics = new Metrics({
  namespace: 'NpsSurveys',
  serviceName: 'nps',
  logger: {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.info(message),
    warn: (message: string) => logger.debug(message),
    error: (message: string) => logger.error(message),
  },
});

let clients: Clients | undefined;
export const awsClients = (): Clients => {
  if (!clients) {
    const { ddb, ses } = createClients();
    clients = { ddb: tracer.captureAWSv3Client(ddb), ses: tracer.captureAWSv3Client(ses) };
  }
  return clients;
};

let events: EventPublisher | undefined;
/**
 * The EventBridge bus named by EVENT_BUS_NAME (the CDK binder sets it with PutEvents on that bus; locally the
 * bus stand-in's endpoint comes from AWS_ENDPOINT_URL_EVENTBRIDGE).
 */
export const eventPublisher = (): EventPublisher => {
  events ??= {
    client: tracer.captureAWSv3Client(new EventBridgeClient({ maxAttempts: 3 })),
    busName: requireEnv(ENV.eventBusName),
  };
  return events;
};

/** How long a read of the secret is used before it is read again: a key added to it is in use this soon. */
export const SIGNING_KEYS_MAX_AGE_SECONDS = 300;

let secrets: SecretsProvider | undefined;
/** The last keys read, with the text they came from: parsed once per change, and kept if a later read fails. */
let lastKeys: { text: string; keys: SigningKeys } | undefined;

const keysOf = (text: string): SigningKeys => {
  if (lastKeys?.text !== text) lastKeys = { text, keys: parseSigningKeys(text) };
  return lastKeys.keys;
};

/**
 * The link-signing keys. In AWS from the secret named by LINK_SECRET_ARN, through Powertools parameters with
 * a max age, so a rotation (a key added, the active key changed) is picked up without a cold start; locally
 * from LINK_SIGNING_KEYS.
 */
export const signingKeys = async (): Promise<SigningKeys> => {
  const arn = process.env[ENV.linkSecretArn];
  if (!arn) return keysOf(requireEnv(ENV.linkSigningKeys));
  secrets ??= new SecretsProvider({
    awsSdkV3Client: tracer.captureAWSv3Client(new SecretsManagerClient({})),
  });
  try {
    const text = await secrets.get(arn, { maxAge: SIGNING_KEYS_MAX_AGE_SECONDS });
    if (typeof text !== 'string') throw new Error(`Secret ${arn} has no string value`);
    return keysOf(text);
  } catch (error) {
    // Secrets Manager out of reach for a moment, or a broken new version: the keys in use keep working.
    if (!lastKeys) throw new Error(`Cannot read the link-signing keys from ${arn}`, { cause: error });
    logger.error('Could not re-read the link-signing keys; still using the last ones read', {
      error: error as Error,
    });
    return lastKeys.keys;
  }
};
