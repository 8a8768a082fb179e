/**
 * Least privilege and privacy in the synthesized stack: each pipeline function's DynamoDB grant, written out
 * here by hand from what its code touches (so widening a spec in infra/system.ts fails this file), the public
 * function's reserved concurrency, the retention schedule and the waves index.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NpsStack } from '../../infra/stack.ts';
import { ENV, FUNCTIONS, type FunctionName } from '../../infra/system.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON
type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const context = JSON.parse(readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')).context as Record<
  string,
  string
>;

/** Synthesizes without bundling (test/infra/stack.test.ts checks the bundles). */
const synth = (extra: Record<string, string> = {}) => {
  const app = new App({ context: { ...context, ...extra, 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new NpsStack(app, 'NpsPrivacyTest'));
};

let template: Template;
beforeAll(() => {
  template = synth();
});

const resources = (t: Template, type: string): [string, Resource][] =>
  Object.entries(t.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);

const functionOf = (t: Template, name: FunctionName): [string, Resource] => {
  const found = resources(t, 'AWS::Lambda::Function').filter(
    ([, r]) => r.Properties.Description === FUNCTIONS[name].description,
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};

const tableArn = () => {
  const [id] = resources(template, 'AWS::DynamoDB::Table')[0] as [string, Resource];
  return { 'Fn::GetAtt': [id, 'Arn'] };
};

/** The DynamoDB statements on the table and its indexes (the stream consumers' stream grants aside). */
const tableStatements = (name: FunctionName): Statement[] => {
  const roleId = functionOf(template, name)[1].Properties.Role['Fn::GetAtt'][0] as string;
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))
    .filter((s) => !JSON.stringify(s.Resource).includes('StreamArn') && s.Resource !== '*');
};

const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

const items = (action: string | string[], partitions: string[]) => ({
  Effect: 'Allow',
  Action: action,
  Resource: tableArn(),
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions } },
});
const indexQuery = (index: string) => ({
  Effect: 'Allow',
  Action: 'dynamodb:Query',
  Resource: { 'Fn::Join': ['', [tableArn(), `/index/${index}`]] },
});

describe('least privilege on the table', () => {
  it('lets the public survey function get, put and update only wave, link-budget and contact items, delete only a digest reader who opts out, describe the table, and nothing else', () => {
    expect(tableStatements('surveyHttp')).toEqual([
      items(['dynamodb:GetItem', 'dynamodb:BatchGetItem'], ['WAVE#*', 'DIGEST']),
      items(['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['WAVE#*', 'RATE#*', 'CONTACT#*']),
      items('dynamodb:DeleteItem', ['DIGEST']),
      { Effect: 'Allow', Action: 'dynamodb:DescribeTable', Resource: tableArn() },
    ]);
    const granted = actions(tableStatements('surveyHttp'));
    for (const never of ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchWriteItem'])
      expect(granted).not.toContain(never);
  });

  const expected: [FunctionName, () => object[]][] = [
    [
      'sendDueWaves',
      () => [
        items(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], ['WAVE#*', 'CONTACT#*']),
        items(
          ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
          ['WAVE#*', 'CONTACT#*', 'SENDRATE#*'],
        ),
        indexQuery('gsi1'),
      ],
    ],
    [
      'aggregateResponses',
      () => [
        items(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'], ['APPLIED#*']),
        items(['dynamodb:UpdateItem', 'dynamodb:PutItem'], ['APPLIED#*', 'AGG#*']),
        items('dynamodb:DeleteItem', ['APPLIED#STAGED']),
      ],
    ],
    ['publishEvents', () => [items('dynamodb:BatchGetItem', ['WAVE#*'])]],
    [
      'sendDigest',
      () => [
        items(['dynamodb:Query', 'dynamodb:BatchGetItem'], ['AGG#*', 'DIGEST', 'BENCHMARK', 'WAVE#*']),
        items(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], ['DIGEST#*']),
        indexQuery('gsi1'),
      ],
    ],
    [
      'sesEvents',
      () => [
        items('dynamodb:GetItem', ['WAVE#*']),
        items(['dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'], ['CONTACT#*', 'WAVE#*']),
      ],
    ],
    [
      'applyRetention',
      () => [
        items(['dynamodb:BatchGetItem', 'dynamodb:Query'], ['WAVE#*']),
        items('dynamodb:UpdateItem', ['WAVE#*', 'CONTACT#*']),
        indexQuery('waves'),
      ],
    ],
  ];
  it.each(expected)('gives %s only the item actions and partitions its code uses', (name, statements) => {
    expect(tableStatements(name)).toEqual(statements());
  });

  it('lets no pipeline function scan, and only the digest (its own ledger entries), the survey pages (a reader who opts out) and the aggregator (its drained staging) delete', () => {
    for (const name of ['surveyHttp', ...expected.map(([n]) => n)] as FunctionName[]) {
      expect(actions(tableStatements(name))).not.toContain('dynamodb:Scan');
      if (name !== 'sendDigest' && name !== 'surveyHttp' && name !== 'aggregateResponses')
        expect(actions(tableStatements(name))).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('conditions every item action on the table on the partitions it may touch', () => {
    for (const name of ['surveyHttp', ...expected.map(([n]) => n)] as FunctionName[]) {
      for (const s of tableStatements(name)) {
        const itemActions = [s.Action].flat().filter((a) => a !== 'dynamodb:DescribeTable');
        if (itemActions.length === 0 || JSON.stringify(s.Resource).includes('/index/')) continue;
        expect(s.Condition?.['ForAllValues:StringLike']).toMatchObject({
          'dynamodb:LeadingKeys': expect.any(Array),
        });
      }
    }
  });
});

describe('the public function under load', () => {
  it('has 50 reserved concurrent executions, so anonymous callers cannot take the sender’s concurrency', () => {
    expect(functionOf(template, 'surveyHttp')[1].Properties.ReservedConcurrentExecutions).toBe(50);
    for (const name of ['sendDueWaves', 'aggregateResponses', 'publishEvents'] as FunctionName[])
      expect(functionOf(template, name)[1].Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('retention', () => {
  it('runs the retention function daily at 03:30 in the configured time zone', () => {
    const [fnId] = functionOf(template, 'applyRetention');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 3 * * ? *)',
      ScheduleExpressionTimezone: context['nps:digestTimeZone'],
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
    });
  });

  it('passes nps:retentionMonths to the retention function only, and leaves the 24-month default otherwise', () => {
    const variables = (t: Template, name: FunctionName) =>
      functionOf(t, name)[1].Properties.Environment.Variables as Record<string, unknown>;
    expect(variables(template, 'applyRetention')[ENV.retentionMonths]).toBeUndefined();
    const configured = synth({ 'nps:retentionMonths': '36' });
    expect(variables(configured, 'applyRetention')[ENV.retentionMonths]).toBe('36');
    expect(variables(configured, 'sendDueWaves')[ENV.retentionMonths]).toBeUndefined();
    expect(() => synth({ 'nps:retentionMonths': 'forever' })).toThrow(/whole number of months/);
  });

  it('finds waves through a keys-only index on their type and send time', () => {
    const [, table] = resources(template, 'AWS::DynamoDB::Table')[0] as [string, Resource];
    expect(table.Properties.GlobalSecondaryIndexes).toContainEqual({
      IndexName: 'waves',
      KeySchema: [
        { AttributeName: 'type', KeyType: 'HASH' },
        { AttributeName: 'sendAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });
});
