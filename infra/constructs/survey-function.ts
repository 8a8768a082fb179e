import path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { ENV, type FunctionSpec, type TableAccess } from '../system.ts';

/** `FunctionSpec.entry` is relative to the repository root. */
const repositoryRoot = path.resolve(import.meta.dirname, '../..');

/** ESM bundles have no `require`; some bundled CommonJS dependencies still call it. */
const requireShim =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface SurveyFunctionProps {
  readonly spec: FunctionSpec;
}

/**
 * One Lambda function of the pipeline with our defaults baked in: Node 22 on arm64, an ESM bundle that
 * carries the AWS SDK, source maps, X-Ray, and its own log group. The `bind*` methods add an
 * environment variable together with the least grant it needs, so neither exists without the other.
 */
export class SurveyFunction extends Construct {
  readonly lambda: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SurveyFunctionProps) {
    super(scope, id);
    const { spec } = props;

    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs: ${spec.description}`,
    });
    logGroup.grantWrite(this.role);

    this.lambda = new NodejsFunction(this, 'Function', {
      entry: path.join(repositoryRoot, spec.entry),
      handler: 'handler',
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings only; embedding the sources would double the upload.
        sourcesContent: false,
        target: 'node22',
        // Bundle the AWS SDK: pinned versions, and a smaller cold start than the runtime's copy.
        externalModules: [],
        mainFields: ['module', 'main'],
        banner: requireShim,
      },
    });

    Validations.of(this.lambda).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: it is the runtime the code, the local runtime and the tests run on (package.json engines); moving to a newer one is a deliberate upgrade, not a drift.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions without resource-level permissions have "*" here: xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and, for a stream consumer, dynamodb:ListStreams. test/infra pins that list.',
    });
  }

  /**
   * TABLE_NAME and exactly the access the spec names: item reads and writes each limited to their
   * partitions by `dynamodb:LeadingKeys`, Query on the named indexes only, DescribeTable when asked for.
   * Nothing for a function without table access.
   */
  bindTable(table: ITable, access: TableAccess | undefined): void {
    if (!access) return;
    this.lambda.addEnvironment(ENV.tableName, table.tableName);
    for (const grant of [access.read, access.write, access.remove]) {
      if (!grant || grant.actions.length === 0) continue;
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: grant.actions.map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.partitions] } },
        }),
      );
    }
    if (access.indexes?.length) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: access.indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    if (access.describe) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [table.tableArn] }),
      );
    }
  }

  /** Reserves (and so caps) the function's concurrent executions. */
  reserveConcurrency(executions: number): void {
    (this.lambda.node.defaultChild as CfnFunction).reservedConcurrentExecutions = executions;
  }

  /**
   * SES_FROM_ADDRESS, SES_CONFIGURATION_SET and the right to send (SendEmail, SendBulkEmail with inline
   * template content) through this identity and configuration set, from this address only.
   */
  bindEmail(identity: IEmailIdentity, configurationSet: IConfigurationSet, fromAddress: string): void {
    this.lambda.addEnvironment(ENV.fromAddress, fromAddress);
    this.lambda.addEnvironment(ENV.configurationSet, configurationSet.configurationSetName);
    const configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendBulkEmail'],
        resources: [identity.emailIdentityArn, configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
      }),
    );
    // A separate policy so that its "*" resource, and the reason for it, cannot hide anything else.
    const accountPolicy = new Policy(this, 'SesAccountPolicy', {
      statements: [new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] })],
    });
    this.role.attachInlinePolicy(accountPolicy);
    Validations.of(accountPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:GetAccount (reads the send quota and maximum send rate to pace bulk sends) supports no resource-level permissions, so its resource is "*". This policy holds nothing else.',
    });
  }

  /** EVENT_BUS_NAME and events:PutEvents on that one bus. */
  bindEventBus(bus: IEventBus): void {
    this.lambda.addEnvironment(ENV.eventBusName, bus.eventBusName);
    bus.grantPutEventsTo(this.lambda);
  }

  /**
   * LINK_SECRET_ARN and GetSecretValue on that secret, the one call the function makes (Powertools
   * parameters, re-read every few minutes); not grantRead's DescribeSecret. The secret uses the AWS-managed
   * key, so no KMS grant is needed.
   */
  bindSecret(secret: ISecret): void {
    this.lambda.addEnvironment(ENV.linkSecretArn, secret.secretArn);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
  }
}
