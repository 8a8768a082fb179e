import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NpsStack } from '../../infra/stack.ts';
import {
  ENV,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  type Schedule,
  STACK,
  type StreamFilter,
  TABLE,
  type TableAccess,
} from '../../infra/system.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON; the assertions check its shape
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
/** The same context `cdk synth` uses, so the test checks what gets deployed. */
const context = JSON.parse(readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')).context as Record<
  string,
  string
>;
const fromAddress = context['nps:fromAddress'] as string;
const timeZone = context['nps:digestTimeZone'] as string;
const specs = Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][];

let app: App;
let stack: NpsStack;
let template: Template;
let assemblyDirectory: string;
let nagReport: ReturnType<cdkNag.AwsSolutionsChecks['validateScope']>;

beforeAll(() => {
  // Bundling (esbuild, every function) happens here, once for the whole file.
  app = new App({ context });
  stack = new NpsStack(app, 'NpsSurveysTest');
  assemblyDirectory = app.synth().directory;
  template = Template.fromStack(stack);
  nagReport = new cdkNag.AwsSolutionsChecks(app).validateScope(app);
});

const resourcesOfType = (type: string): [string, Resource][] =>
  Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);

/** The one Lambda function built for a FUNCTIONS entry, found by the description it carries. */
const functionOf = (name: FunctionName): [string, Resource] => {
  const matches = resourcesOfType('AWS::Lambda::Function').filter(
    ([, r]) => r.Properties.Description === FUNCTIONS[name].description,
  );
  expect(matches, `functions described as ${name}`).toHaveLength(1);
  return matches[0] as [string, Resource];
};

const tableLogicalId = (): string => {
  const tables = resourcesOfType('AWS::DynamoDB::Table');
  expect(tables).toHaveLength(1);
  return (tables[0] as [string, Resource])[0];
};

/** Every statement of every policy attached to the function's role. */
const statementsOf = (name: FunctionName): Statement[] => {
  const [, fn] = functionOf(name);
  const roleLogicalId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, p]) =>
      (p.Properties.Roles as unknown[]).some(
        (r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
};

const actionsOf = (statements: Statement[]): string[] =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

const expectedExpression = (schedule: Schedule): string => {
  if (schedule.kind === 'rate')
    return `rate(${schedule.minutes} ${schedule.minutes === 1 ? 'minute' : 'minutes'})`;
  if (schedule.kind === 'daily') return `cron(${schedule.minute} ${schedule.hour} * * ? *)`;
  return `cron(${schedule.minute} ${schedule.hour} ? * ${schedule.weekDay} *)`;
};

describe('the data store', () => {
  it('keys the table as infra/system.ts describes, on demand, with a new-and-old-image stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: TABLE.stream },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('has every index of infra/system.ts with its projection: all of gsi1, the keys of the waves index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    });
    expect(TABLE.indexes.map((i) => [i.name, i.projection])).toEqual([
      ['gsi1', 'ALL'],
      ['waves', 'KEYS_ONLY'],
    ]);
  });

  it('keeps the table and the link-signing keys when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('generates the link-signing keys as JSON keyed by key id, 64 characters long', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{}',
        GenerateStringKey: 'k1',
        PasswordLength: 64,
        ExcludePunctuation: true,
      },
    });
  });

  it('sends from a domain identity of the sender address, with the configuration set as its default', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: fromAddress.split('@')[1],
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.anyValue() } },
    });
  });

  it('publishes send, bounce, complaint, delivery and reject events to the default bus, and no open or click events', () => {
    const [destination] = resourcesOfType('AWS::SES::ConfigurationSetEventDestination');
    const properties = (destination as [string, Resource])[1].Properties.EventDestination;
    expect(properties.Enabled).toBe(true);
    expect([...properties.MatchingEventTypes].sort()).toEqual([
      'bounce',
      'complaint',
      'delivery',
      'reject',
      'send',
    ]);
    expect(JSON.stringify(properties.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
    // Open/click tracking would rewrite every score link through SES's tracker.
    for (const [, configurationSet] of resourcesOfType('AWS::SES::ConfigurationSet')) {
      expect(configurationSet.Properties.TrackingOptions).toBeUndefined();
    }
  });
});

describe('the functions, derived from FUNCTIONS', () => {
  it('builds exactly one function per FUNCTIONS entry and no other', () => {
    expect(resourcesOfType('AWS::Lambda::Function')).toHaveLength(specs.length);
    for (const [name] of specs) functionOf(name);
  });

  it.each(specs)(
    '%s runs the bundled handler on Node 22, arm64, traced, with its own log group',
    (name, spec) => {
      const [, fn] = functionOf(name);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
    },
  );

  it.each(specs)('%s gets exactly the environment its spec calls for', (name, spec) => {
    const [, fn] = functionOf(name);
    const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(variables[ENV.digestTimeZone]).toBe(timeZone);
    expect(variables[ENV.tableName] !== undefined).toBe(spec.table !== undefined);
    if (spec.table !== undefined) expect(variables[ENV.tableName]).toEqual({ Ref: tableLogicalId() });
    expect(variables[ENV.fromAddress]).toBe(spec.sendsEmail ? fromAddress : undefined);
    expect(variables[ENV.configurationSet] !== undefined).toBe(spec.sendsEmail);
    expect(variables[ENV.linkSecretArn] !== undefined).toBe(spec.signsLinks);
    // The survey pages answer on their own host; giving them their own URL would be a circular reference.
    const surveyPages = spec.trigger.kind === 'http' && !('mount' in spec.trigger && spec.trigger.mount);
    const linksToSurvey = spec.signsLinks || ('linksToSurvey' in spec && spec.linksToSurvey === true);
    expect(variables[ENV.publicBaseUrl] !== undefined).toBe(linksToSurvey && !surveyPages);
    // Keys never travel in the environment in AWS; they are read from Secrets Manager.
    expect(variables[ENV.linkSigningKeys]).toBeUndefined();
  });

  it('passes the survey URL without its trailing slash as PUBLIC_BASE_URL', () => {
    const [, fn] = functionOf('sendDueWaves');
    const [urlId] = resourcesOfType('AWS::Lambda::Url')[0] as [string, Resource];
    expect(fn.Properties.Environment.Variables[ENV.publicBaseUrl]).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [urlId, 'FunctionUrl'] }] }] }],
      ],
    });
  });
});

describe('least privilege', () => {
  it.each(specs)(
    '%s may send email only when its spec says so, via the identity and configuration set, never "*"',
    (name, spec) => {
      const statements = statementsOf(name);
      const send = statements.filter((s) =>
        actionsOf([s]).some((a) => a === 'ses:SendEmail' || a === 'ses:SendBulkEmail'),
      );
      if (!spec.sendsEmail) {
        expect(send).toEqual([]);
        return;
      }
      expect(send).toEqual([
        expect.objectContaining({
          Action: ['ses:SendEmail', 'ses:SendBulkEmail'],
          Condition: { StringEquals: { 'ses:FromAddress': fromAddress } },
        }),
      ]);
      const resources = JSON.stringify((send[0] as Statement).Resource);
      expect(resources).toContain(':identity/');
      expect(resources).toContain(':configuration-set/');
      expect((send[0] as Statement).Resource).not.toContain('*');
    },
  );

  it('gives the aggregator no SES permission at all', () => {
    expect(actionsOf(statementsOf('aggregateResponses')).filter((a) => a.startsWith('ses:'))).toEqual([]);
  });

  it.each(specs)(
    '%s gets exactly the table access its spec names: item actions only on its partitions',
    (name, spec) => {
      const tableArn = { 'Fn::GetAtt': [tableLogicalId(), 'Arn'] };
      // CloudFormation writes a list of one as its one element.
      const one = <T>(list: readonly T[]): T | T[] => (list.length === 1 ? (list[0] as T) : [...list]);
      const streamActions = [
        'dynamodb:ListStreams',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
      ];
      const onTable = statementsOf(name).filter(
        (s) =>
          actionsOf([s]).some((a) => a.startsWith('dynamodb:')) &&
          !actionsOf([s]).some((a) => streamActions.includes(a)),
      );
      const expected: Record<string, unknown>[] = [];
      const table = spec.table as TableAccess | undefined;
      for (const grant of [table?.read, table?.write, table?.remove]) {
        if (!grant) continue;
        expected.push({
          Effect: 'Allow',
          Action: one(grant.actions.map((a) => `dynamodb:${a}`)),
          Resource: tableArn,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.partitions] } },
        });
      }
      if (spec.table?.indexes?.length) {
        expected.push({
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: one(
            spec.table.indexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index}`]] })),
          ),
        });
      }
      if (spec.table?.describe)
        expected.push({ Effect: 'Allow', Action: 'dynamodb:DescribeTable', Resource: tableArn });
      expect(onTable).toEqual(expected);
      expect(actionsOf(statementsOf(name))).not.toContain('dynamodb:Scan');
    },
  );

  it('gives the digest read access to counters and readers, and writes only to its period ledger (DIGEST# partitions)', () => {
    const statements = statementsOf('sendDigest');
    const writes = statements.filter((s) =>
      actionsOf([s]).some((a) =>
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'].includes(a),
      ),
    );
    expect(writes).toEqual([
      expect.objectContaining({
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DIGEST#*'] } },
      }),
    ]);
    expect(actionsOf(writes).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(actionsOf(statements)).not.toContain('dynamodb:BatchWriteItem');
  });

  it.each(specs)('%s reads the link-signing keys only when it signs links', (name, spec) => {
    const [secretId] = resourcesOfType('AWS::SecretsManager::Secret')[0] as [string, Resource];
    const reads = statementsOf(name).filter((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'));
    expect(reads).toEqual(spec.signsLinks ? [expect.objectContaining({ Resource: { Ref: secretId } })] : []);
  });

  it.each(specs)('%s may read the link-signing keys and do nothing else in Secrets Manager', (name, spec) => {
    const actions = actionsOf(statementsOf(name)).filter((a) => a.startsWith('secretsmanager:'));
    expect(actions).toEqual(spec.signsLinks ? ['secretsmanager:GetSecretValue'] : []);
  });

  // The cdk-nag acknowledgments of Resource::* rely on this list staying exactly this.
  it.each(specs)('%s has "*" only for actions without resource-level permissions', (name) => {
    const starred = statementsOf(name).filter(
      (s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')),
    );
    for (const action of actionsOf(starred)) {
      expect([
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'ses:GetAccount',
        'dynamodb:ListStreams',
      ]).toContain(action);
    }
  });
});

describe('the triggers, derived from FUNCTIONS', () => {
  it('serves the http function on a public, buffered Function URL', () => {
    const http = specs.filter(([, s]) => s.trigger.kind === 'http');
    const urls = resourcesOfType('AWS::Lambda::Url');
    expect(urls).toHaveLength(http.length);
    for (const [name] of http) {
      const [fnId] = functionOf(name);
      template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        InvokeMode: 'BUFFERED',
        TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
      });
    }
  });

  it('schedules every scheduled function with its expression, daily and weekly ones in the configured time zone', () => {
    const scheduled = specs.flatMap(([name, s]) =>
      s.trigger.kind === 'schedule' ? [[name, s.trigger.schedule] as const] : [],
    );
    expect(resourcesOfType('AWS::Scheduler::Schedule')).toHaveLength(scheduled.length);
    for (const [name, schedule] of scheduled) {
      const [fnId] = functionOf(name);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expectedExpression(schedule),
        ...(schedule.kind !== 'rate' ? { ScheduleExpressionTimezone: timeZone } : {}),
        State: 'ENABLED',
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
      });
    }
  });

  it('feeds stream functions from the table stream with partial-batch failures, bisecting, an on-failure queue and the key filter', () => {
    const streamed = specs.flatMap(([name, s]) =>
      s.trigger.kind === 'stream' ? [[name, s.trigger] as const] : [],
    );
    expect(resourcesOfType('AWS::Lambda::EventSourceMapping')).toHaveLength(streamed.length);
    for (const [name, trigger] of streamed) {
      const [fnId] = functionOf(name);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        EventSourceArn: { 'Fn::GetAtt': [tableLogicalId(), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: trigger.batchSize,
        MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
        MaximumRetryAttempts: trigger.retryAttempts,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('Failures'), 'Arn'] } },
        },
        FilterCriteria: {
          Filters: [
            ...trigger.sortKeyPrefixes.map((prefix) => ({
              Pattern: JSON.stringify({ dynamodb: { Keys: { [TABLE.sortKey]: { S: [{ prefix }] } } } }),
            })),
            // The publisher's extra filters: alert claims settled as sent, recipients whose reminder was sent.
            ...((trigger as { alsoWhen?: readonly StreamFilter[] }).alsoWhen ?? []).map((f) => ({
              Pattern: JSON.stringify({
                dynamodb: {
                  Keys: {
                    ...(f.partitionKeyPrefix ? { pk: { S: [{ prefix: f.partitionKeyPrefix }] } } : {}),
                    ...(f.sortKeyPrefix ? { [TABLE.sortKey]: { S: [{ prefix: f.sortKeyPrefix }] } } : {}),
                  },
                  ...(f.newImage
                    ? {
                        NewImage: Object.fromEntries(
                          Object.entries(f.newImage).map(([k, v]) => [k, { S: [v] }]),
                        ),
                      }
                    : {}),
                },
              }),
            })),
          ],
        },
      });
    }
  });

  it('routes the SES event types of the spec, from our configuration set only, to the SES events function with a dead-letter queue', () => {
    const sesTriggered = specs.flatMap(([name, s]) =>
      s.trigger.kind === 'sesEvents' ? [[name, s.trigger] as const] : [],
    );
    const busTriggered = specs.filter(([, s]) => s.trigger.kind === 'responseEvents');
    expect(resourcesOfType('AWS::Events::Rule')).toHaveLength(sesTriggered.length + busTriggered.length);
    const [configurationSetId] = resourcesOfType('AWS::SES::ConfigurationSet')[0] as [string, Resource];
    for (const [name, trigger] of sesTriggered) {
      const [fnId] = functionOf(name);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.ses'],
          'detail-type': [...trigger.detailTypes],
          detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: configurationSetId }] } } },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Failures'), 'Arn'] } },
          }),
        ],
      });
    }
  });

  it('routes the pipeline’s own events to their functions on the survey bus, retried, then to a dead-letter queue', () => {
    const busTriggered = specs.flatMap(([name, s]) =>
      s.trigger.kind === 'responseEvents' ? [[name, s.trigger] as const] : [],
    );
    expect(busTriggered.map(([name]) => name)).toEqual(['sendOwnerAlerts', 'deliverWebhooks']);
    const [busId] = resourcesOfType('AWS::Events::EventBus')[0] as [string, Resource];
    for (const [name, trigger] of busTriggered) {
      const [fnId] = functionOf(name);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: busId },
        EventPattern: { source: ['nps.surveys'], 'detail-type': [...trigger.detailTypes] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21_600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Failures'), 'Arn'] } },
          }),
        ],
      });
    }
  });

  it('encrypts the failure queues and refuses plain-HTTP access to them', () => {
    const queues = resourcesOfType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(0);
    for (const [, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      queues.length,
    );
  });

  it('outputs what `nps --stage` reads: survey URL, table, sender, configuration set, time zone', () => {
    template.hasOutput(STACK.outputs.surveyUrl, {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'FunctionUrl'] },
    });
    template.hasOutput(STACK.outputs.tableName, { Value: { Ref: tableLogicalId() } });
    template.hasOutput(STACK.outputs.fromAddress, { Value: fromAddress });
    const [configurationSetId] = resourcesOfType('AWS::SES::ConfigurationSet')[0] as [string, Resource];
    template.hasOutput(STACK.outputs.configurationSet, { Value: { Ref: configurationSetId } });
    template.hasOutput(STACK.outputs.digestTimeZone, { Value: timeZone });
  });
});

describe('what CloudFormation accepts', () => {
  it('keeps every IAM role description to the characters IAM allows (no curly quotes)', () => {
    const descriptions = resourcesOfType('AWS::IAM::Role')
      .map(([, r]) => r.Properties.Description as string | undefined)
      .filter((d): d is string => d !== undefined);
    expect(descriptions.length).toBeGreaterThan(0);
    expect(descriptions.filter((d) => !/^[\t\n\r\x20-\x7E\xA1-\xFF]*$/.test(d))).toEqual([]);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged error or warning', () => {
    const findings = nagReport.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgment a specific written reason', () => {
    const acknowledgments: { path: string; id: string; reason: string }[] = [];
    const walk = (node: IConstruct): void => {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledgments.push({ path: node.node.path, id, reason });
        }
      }
      for (const child of node.node.children) walk(child);
    };
    walk(stack);
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { path: at, id, reason } of acknowledgments) {
      expect(reason.length, `${id} at ${at}`).toBeGreaterThanOrEqual(60);
    }
    // Only the rules we decided on are acknowledged; a new one needs a decision (and this list updated).
    const rules = new Set(
      acknowledgments.map((a) => a.id.replace(/^Annotation::/i, '').replace(/\[.*$/, '')),
    );
    expect([...rules].sort()).toEqual([
      'AwsSolutions-COG2',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
  });
});

describe('the bundles', () => {
  const bundleSizes: Record<string, { 'index.mjs (KiB)': number; 'with source map (KiB)': number }> = {};

  it.each(specs)('%s is an ESM bundle without mjml', (name) => {
    const [, fn] = functionOf(name);
    const key = JSON.stringify(fn.Properties.Code.S3Key);
    const hash = /([0-9a-f]{64})\.zip/.exec(key)?.[1];
    expect(hash, `asset hash of ${name}`).toBeDefined();
    const directory = path.join(assemblyDirectory, `asset.${hash}`);
    expect(existsSync(path.join(directory, 'index.mjs'))).toBe(true);
    const code = readFileSync(path.join(directory, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'node:module'")).toBe(true);
    // MJML is compiled at build time; a bundle that carries it costs megabytes and ~6 ms per render.
    expect(code).not.toMatch(/mjml/i);
    const map = JSON.parse(readFileSync(path.join(directory, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources.filter((source) => /mjml/i.test(source))).toEqual([]);
    const total = readdirSync(directory).reduce(
      (sum, file) => sum + statSync(path.join(directory, file)).size,
      0,
    );
    bundleSizes[name] = {
      'index.mjs (KiB)': Math.round(statSync(path.join(directory, 'index.mjs')).size / 102.4) / 10,
      'with source map (KiB)': Math.round(total / 102.4) / 10,
    };
  });

  it('prints the bundle sizes', () => {
    console.table(bundleSizes);
    expect(Object.keys(bundleSizes).sort()).toEqual(specs.map(([name]) => name).sort());
  });
});
