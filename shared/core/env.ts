/**
 * Environment variable names every runtime sets: the CDK stack in AWS, the local runtime and the CLI locally.
 * `config.ts` beside this file is the only reader.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  fromAddress: 'SES_FROM_ADDRESS',
  /** The display name of the sender (`"Acme Cloud" <surveys@…>`); a wave's `--from-name` wins, else its product. */
  fromName: 'SES_FROM_NAME',
  /** Where replies go (Reply-To); a wave's `--reply-to` wins. Unset: no Reply-To. */
  replyTo: 'SES_REPLY_TO',
  configurationSet: 'SES_CONFIGURATION_SET',
  /** An https URL of the logo the survey email shows above the greeting; unset: no logo. */
  logoUrl: 'EMAIL_LOGO_URL',
  /** `#rrggbb`: the survey email's button colour (its digits white or dark, whichever reads better). */
  brandColour: 'EMAIL_BRAND_COLOR',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  linkSecretArn: 'LINK_SECRET_ARN',
  linkSigningKeys: 'LINK_SIGNING_KEYS',
  digestTimeZone: 'DIGEST_TIME_ZONE',
  /** The EventBridge bus answers are published to (`docs/events.md`). */
  eventBusName: 'EVENT_BUS_NAME',
  /** Months after which a wave's recipients and responses lose their personal data (docs/security.md). */
  retentionMonths: 'RETENTION_MONTHS',
  /** The console's Cognito user pool, its app client, and the issuer of its tokens (JWKS beside it). */
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  userPoolIssuer: 'USER_POOL_ISSUER',
  /** `http` where the console is served without TLS (the local runtime); `https`, the default, elsewhere. */
  consoleScheme: 'CONSOLE_SCHEME',
  /** What surveys ask about when a wave names nothing else (`--product`); unset: every wave must name it. */
  product: 'NPS_PRODUCT',
  /** The console's address (https://…/console), for links to it from emails; unset where there is none. */
  consoleUrl: 'CONSOLE_URL',
  /** The bucket the console's browsers upload audience files to (presigned PUTs); unset: uploads go in the request. */
  uploadBucket: 'UPLOAD_BUCKET',
  /** `true` where S3 is reached by path (`endpoint/bucket/key`), as the local S3 emulator is. */
  uploadPathStyle: 'UPLOAD_PATH_STYLE',
} as const;
