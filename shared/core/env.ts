/**
 * Environment variable names every runtime sets: the CDK stack in AWS, the local runtime and the CLI locally.
 * `config.ts` beside this file is the only reader.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  fromAddress: 'SES_FROM_ADDRESS',
  configurationSet: 'SES_CONFIGURATION_SET',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  linkSecretArn: 'LINK_SECRET_ARN',
  linkSigningKeys: 'LINK_SIGNING_KEYS',
  digestTimeZone: 'DIGEST_TIME_ZONE',
  /** The EventBridge bus answers are published to (`docs/events.md`). */
  eventBusName: 'EVENT_BUS_NAME',
} as const;
