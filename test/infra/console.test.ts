/**
 * The console in the CDK stack: a Cognito user pool admins fill (no self sign-up, the password policy,
 * optional TOTP, Plus threat protection), the role groups, the public app client the console signs in
 * through, the console function bound to them on its own Function URL, the ConsoleUrl and UserPoolId
 * outputs, and cdk-nag clean. Bundling is skipped (`aws:cdk:bundling-stacks`): this test reads the template.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import cdkNag from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { NpsStack } from '../../infra/stack.ts';
import { ENV, FUNCTIONS, STACK, UPLOADS } from '../../infra/system.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON; the assertions check its shape
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const context = JSON.parse(readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')).context as Record<
  string,
  string
>;

let app: App;
let template: Template;
let nagReport: ReturnType<cdkNag.AwsSolutionsChecks['validateScope']>;

beforeAll(() => {
  app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new NpsStack(app, 'NpsConsoleTest');
  template = Template.fromStack(stack);
  nagReport = new cdkNag.AwsSolutionsChecks(app).validateScope(app);
});

const resourcesOfType = (type: string): [string, Resource][] =>
  Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);

const only = (type: string): [string, Resource] => {
  const found = resourcesOfType(type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};

const consoleFunction = (): [string, Resource] => {
  const found = resourcesOfType('AWS::Lambda::Function').filter(
    ([, r]) => r.Properties.Description === FUNCTIONS.consoleHttp.description,
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};

describe('the console user pool', () => {
  it('lets only admins create users, signs in by email, and keeps the strong password policy', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
        },
      },
      DeletionProtection: 'ACTIVE',
    });
    expect(pool.DeletionPolicy).toBe('Retain');
  });

  it('offers TOTP MFA (optional) and Plus threat protection, enforced', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.Properties.MfaConfiguration).toBe('OPTIONAL');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('has the groups admin, editor and viewer, the highest role first', () => {
    const [poolId] = only('AWS::Cognito::UserPool');
    const groups = resourcesOfType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties);
    expect(groups.map((g) => [g.GroupName, g.Precedence]).sort()).toEqual([
      ['admin', 1],
      ['editor', 2],
      ['viewer', 3],
    ]);
    for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: poolId });
  });

  it('has one public app client for password sign-in and refresh, without a secret or hosted UI', () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      IdTokenValidity: 15,
      AccessTokenValidity: 15,
      RefreshTokenValidity: 600,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
    expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
  });
});

describe('the console function', () => {
  it('gets the pool, its client and its issuer, and is served over https (no CONSOLE_SCHEME)', () => {
    const [, fn] = consoleFunction();
    const [poolId] = only('AWS::Cognito::UserPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables[ENV.userPoolId]).toEqual({ Ref: poolId });
    expect(variables[ENV.userPoolClientId]).toEqual({ Ref: clientId });
    expect(variables[ENV.userPoolIssuer]).toEqual({ 'Fn::GetAtt': [poolId, 'ProviderURL'] });
    expect(variables[ENV.consoleScheme]).toBeUndefined();
  });

  it('has 20 reserved concurrent executions, so a flood of its public sign-in page is throttled alone', () => {
    const [, fn] = consoleFunction();
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(20);
    expect(FUNCTIONS.consoleHttp.reservedConcurrency).toBe(20);
  });

  it('has no Cognito permission: public-client sign-in needs none, and users are managed by the CLI', () => {
    const [, fn] = consoleFunction();
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const actions = resourcesOfType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.startsWith('cognito-idp:'))).toEqual([]);
  });

  it('is served on its own Function URL, and the stack outputs ConsoleUrl (/console on it) and UserPoolId', () => {
    const [fnId] = consoleFunction();
    const urls = resourcesOfType('AWS::Lambda::Url').filter(
      ([, u]) =>
        JSON.stringify(u.Properties.TargetFunctionArn) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
    );
    expect(urls).toHaveLength(1);
    const [urlId] = urls[0] as [string, Resource];
    template.hasOutput(STACK.outputs.consoleUrl, {
      Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [urlId, 'FunctionUrl'] }, 'console']] },
    });
    const [poolId] = only('AWS::Cognito::UserPool');
    template.hasOutput(STACK.outputs.userPoolId, { Value: { Ref: poolId } });
    template.hasOutput(STACK.outputs.surveyUrl, {
      Value: { 'Fn::GetAtt': [Match.not(urlId), 'FunctionUrl'] },
    });
  });
});

describe('the upload bucket', () => {
  it('is private, TLS only, encrypted, empties itself after a day and takes PUTs from the console alone', () => {
    const [bucketId, bucket] = only('AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Prefix: UPLOADS.prefix,
        ExpirationInDays: UPLOADS.expireDays,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: UPLOADS.expireDays },
        Status: 'Enabled',
      }),
    ]);
    const [rule] = bucket.Properties.CorsConfiguration.CorsRules;
    expect(rule.AllowedMethods).toEqual(['PUT']);
    expect(rule.AllowedHeaders).toEqual(['content-type']);
    // The console's Function URL host, never a wildcard.
    expect(JSON.stringify(rule.AllowedOrigins)).toContain('FunctionUrl');
    expect(JSON.stringify(rule.AllowedOrigins)).not.toContain('*');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('is named to the console alone, which may put, read and delete only under the prefix', () => {
    const [, bucket] = only('AWS::S3::Bucket');
    const [, fn] = consoleFunction();
    const name = bucket.Properties.BucketName;
    expect(JSON.stringify(name)).toContain('nps-uploads');
    expect(fn.Properties.Environment.Variables[ENV.uploadBucket]).toEqual(name);
    const named = resourcesOfType('AWS::Lambda::Function').filter(
      ([, r]) => r.Properties.Environment?.Variables?.[ENV.uploadBucket],
    );
    expect(named).toHaveLength(1);
    const statements = resourcesOfType('AWS::IAM::Policy').flatMap(([, p]) =>
      (p.Properties.PolicyDocument.Statement as Record<string, unknown>[]).filter((st) =>
        JSON.stringify(st.Resource).includes('nps-uploads'),
      ),
    );
    expect(statements.map((st) => st.Action)).toEqual([
      ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      's3:ListBucket',
    ]);
    const [objects, listing] = statements.map((st) => JSON.stringify(st.Resource));
    expect(objects).toMatch(/:s3:::.*nps-uploads.*\/audience\/\*"/);
    expect(listing).not.toContain('/audience');
    expect(statements[1]?.Condition).toEqual({ StringLike: { 's3:prefix': [`${UPLOADS.prefix}*`] } });
  });
});

describe('cdk-nag', () => {
  it('reports nothing unacknowledged on the user pool, its client, groups, the upload bucket or the console function', () => {
    const [fnId] = consoleFunction();
    const findings = nagReport.violations
      .filter((v) =>
        v.violatingResources.some((r) => /\/Console\/|\/Uploads\/|consoleHttp/.test(r.constructPath ?? '')),
      )
      .map(
        (v) =>
          `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
    expect(findings).toEqual([]);
    expect(fnId).toBeDefined();
  });
});
