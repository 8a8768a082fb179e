import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkNag from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { NpsStack } from '../../infra/stack.ts';
import { ENV, FUNCTIONS, type FunctionName, type FunctionSpec } from '../../infra/system.ts';
import { EVENT_SOURCE } from '../../shared/events/response-events.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON
type Resource = { Type: string; Properties: Record<string, any> };

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const context = JSON.parse(readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')).context as Record<
  string,
  string
>;

let template: Template;
let stack: NpsStack;

beforeAll(() => {
  // Bundling is test/infra/stack.test.ts's business; skipping it keeps this file fast.
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  stack = new NpsStack(app, 'NpsEventsTest');
  template = Template.fromStack(stack);
});

const resources = (type: string): [string, Resource][] =>
  Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);

const busId = (): string => {
  const buses = resources('AWS::Events::EventBus');
  expect(buses).toHaveLength(1);
  return (buses[0] as [string, Resource])[0];
};

const functionOf = (name: FunctionName): Resource => {
  const found = resources('AWS::Lambda::Function').filter(
    ([, r]) => r.Properties.Description === FUNCTIONS[name].description,
  );
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[1];
};

const statementsOf = (name: FunctionName) => {
  const roleId = functionOf(name).Properties.Role['Fn::GetAtt'][0] as string;
  return resources('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(
      ([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
};

const specs = Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][];

describe('the response event bus', () => {
  it('is one custom bus whose archive keeps its events without personal data, and never ResponseDetails', () => {
    const id = busId();
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [id, 'Arn'] },
      EventPattern: {
        source: [EVENT_SOURCE],
        'detail-type': [
          'ResponseCommitted',
          'DetractorResponded',
          'ReferralConsentGiven',
          'ContactErased',
          'AlertSent',
          'ReminderSent',
        ],
      },
      RetentionDays: 30,
    });
    const [archive] = resources('AWS::Events::Archive');
    expect(JSON.stringify(archive)).not.toContain('ResponseDetails');
  });

  it.each(specs)('%s gets EVENT_BUS_NAME and PutEvents on that bus only if it publishes', (name, spec) => {
    const variables = functionOf(name).Properties.Environment.Variables as Record<string, unknown>;
    const puts = statementsOf(name).filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
    if (spec.publishesEvents) {
      expect(variables[ENV.eventBusName]).toEqual({ Ref: busId() });
      expect(puts).toEqual([
        { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId(), 'Arn'] } },
      ]);
    } else {
      expect(variables[ENV.eventBusName]).toBeUndefined();
      expect(puts).toEqual([]);
    }
  });

  it('is published to by the stream publisher only, never by the survey endpoint', () => {
    const publishers = Object.entries(FUNCTIONS)
      .filter(([, spec]) => (spec as FunctionSpec).publishesEvents)
      .map(([name]) => name);
    expect(publishers).toEqual(['publishEvents']);
    // Responses, and the erasure notices that become ContactErased.
    expect(FUNCTIONS.publishEvents.trigger).toMatchObject({
      kind: 'stream',
      sortKeyPrefixes: ['RESP#', 'ERASED'],
    });
  });

  it('adds no cdk-nag finding', () => {
    const findings = new cdkNag.AwsSolutionsChecks(stack)
      .validateScope(stack)
      .violations.filter((v) =>
        v.violatingResources.some((r) => (r.constructPath ?? '').includes('/Events/')),
      )
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
