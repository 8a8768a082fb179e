/**
 * What every handler shares: clients created once per container, the logger, and the link-signing keys
 * (from Secrets Manager in AWS, from the environment locally), cached for the container's life.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requireEnv } from '#shared/core/config.ts';
import { ENV } from '#shared/core/env.ts';
import { parseSigningKeys, type SigningKeys } from '#shared/core/links.ts';
import type { EventPublisher } from '#shared/events/events.ts';
import { type Clients, createClients } from '#shared/store/clients.ts';

export const logger = new Logger({ serviceName: 'nps' });

let clients: Clients | undefined;
export const awsClients = (): Clients => {
  clients ??= createClients();
  return clients;
};

let events: EventPublisher | undefined;
/**
 * The EventBridge bus named by EVENT_BUS_NAME (the CDK binder sets it with PutEvents on that bus; locally the
 * bus stand-in's endpoint comes from AWS_ENDPOINT_URL_EVENTBRIDGE).
 */
export const eventPublisher = (): EventPublisher => {
  events ??= { client: new EventBridgeClient({ maxAttempts: 3 }), busName: requireEnv(ENV.eventBusName) };
  return events;
};

let keys: Promise<SigningKeys> | undefined;
export const signingKeys = (): Promise<SigningKeys> => {
  keys ??= (async () => {
    const arn = process.env[ENV.linkSecretArn];
    if (!arn) return parseSigningKeys(requireEnv(ENV.linkSigningKeys));
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    if (!secret.SecretString) throw new Error(`Secret ${arn} has no string value`);
    return parseSigningKeys(secret.SecretString);
  })().catch((error: unknown) => {
    keys = undefined;
    throw error;
  });
  return keys;
};
