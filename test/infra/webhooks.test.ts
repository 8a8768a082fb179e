/**
 * Deploy-time webhooks (`-c nps:webhooks='[…]'`) as EventBridge API destinations: a connection per webhook
 * (its auth header from Secrets Manager), a rate-limited destination, a rule per trigger on the pipeline's
 * bus, retries and an encrypted dead-letter queue, least privilege, cdk-nag clean; bad specs refused at synth.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkNag from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseWebhooks } from '../../infra/constructs/webhook-destinations.ts';
import { NpsStack } from '../../infra/stack.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON
type Resource = { Type: string; Properties: Record<string, any> };

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const context = JSON.parse(readFileSync(path.join(repositoryRoot, 'cdk.json'), 'utf8')).context as Record<
  string,
  unknown
>;
const WEBHOOKS = [
  {
    name: 'slack',
    url: 'https://hooks.slack.com/services/T0/B0/x',
    on: ['detractor', 'passive'],
    format: 'slack',
  },
  {
    name: 'crm',
    url: 'https://crm.example.com/hooks/nps',
    on: ['referral'],
    format: 'json',
    auth: { header: 'Authorization', secretName: 'nps/webhooks/crm' },
    ratePerSecond: 5,
  },
];

let app: App;
let template: Template;
beforeAll(() => {
  app = new App({
    context: { ...context, 'nps:webhooks': JSON.stringify(WEBHOOKS), 'aws:cdk:bundling-stacks': [] },
  });
  template = Template.fromStack(new NpsStack(app, 'NpsWebhooksTest'));
});

const resources = (type: string): Resource[] =>
  Object.values(template.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === type);

describe('deploy-time webhooks', () => {
  it('gives each webhook a connection holding its auth header, the secret read from Secrets Manager', () => {
    const connections = resources('AWS::Events::Connection').map(
      (c) => c.Properties.AuthParameters.ApiKeyAuthParameters,
    );
    expect(connections).toHaveLength(2);
    expect(connections).toContainEqual({ ApiKeyName: 'x-nps-source', ApiKeyValue: 'nps.surveys' });
    const crm = connections.find((c) => c.ApiKeyName === 'Authorization');
    expect(JSON.stringify(crm?.ApiKeyValue)).toContain('resolve:secretsmanager:nps/webhooks/crm');
  });

  it('posts to each https endpoint through a rate-limited API destination', () => {
    const destinations = resources('AWS::Events::ApiDestination').map((d) => d.Properties);
    expect(
      destinations.map((d) => [d.InvocationEndpoint, d.HttpMethod, d.InvocationRateLimitPerSecond]),
    ).toEqual(
      expect.arrayContaining([
        ['https://hooks.slack.com/services/T0/B0/x', 'POST', 10],
        ['https://crm.example.com/hooks/nps', 'POST', 5],
      ]),
    );
  });

  it('has one rule per trigger on the pipeline’s bus, for ResponseDetails of that category', () => {
    const rules = resources('AWS::Events::Rule').filter((r) =>
      /^Webhook /.test(r.Properties.Description ?? ''),
    );
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/EventsBus/) });
      expect(rule.Properties.EventPattern).toMatchObject({
        source: ['nps.surveys'],
        'detail-type': ['ResponseDetails'],
      });
    }
    const patterns = rules.map((r) => r.Properties.EventPattern.detail);
    expect(patterns).toEqual(
      expect.arrayContaining([
        { data: { category: ['detractor'] } },
        { data: { category: ['passive'] } },
        { data: { category: ['promoter'], answers: { referralConsent: [true] } } },
      ]),
    );
  });

  it('retries each call for six hours, then keeps it in an encrypted dead-letter queue; every call carries its id', () => {
    const rules = resources('AWS::Events::Rule').filter((r) =>
      /^Webhook /.test(r.Properties.Description ?? ''),
    );
    // One rule per trigger of the two webhooks: the loop below checks every one, and none is missing.
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toHaveLength(1);
      const [target] = rule.Properties.Targets;
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21_600 });
      expect(target.DeadLetterConfig.Arn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'],
      });
      expect(target.HttpParameters.HeaderParameters).toEqual({ 'x-nps-delivery-id': '$.detail.metadata.id' });
    }
    const slack = rules.find((r) => r.Properties.Description.includes('slack'))?.Properties.Targets[0];
    expect(slack.InputTransformer.InputTemplate).toMatch(/^\{"text":"\*<.+>\*: <.+> of 10/);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
  });

  it('lets EventBridge invoke these destinations and nothing else, and only it send to the dead-letter queue', () => {
    const invokes = resources('AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: string | string[] }) =>
        [s.Action].flat().includes('events:InvokeApiDestination'),
      );
    expect(invokes.length).toBeGreaterThan(0);
    for (const s of invokes) {
      expect(s.Action).toBe('events:InvokeApiDestination');
      for (const arn of [s.Resource].flat()) expect(JSON.stringify(arn)).toMatch(/Destination/);
    }
    const queuePolicy = resources('AWS::SQS::QueuePolicy').flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    expect(queuePolicy).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
    );
  });

  it('passes cdk-nag (AwsSolutions) with the webhooks in', () => {
    const report = new cdkNag.AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations
      .filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').includes('/Webhooks/')))
      .map(
        (v) =>
          `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
    expect(findings).toEqual([]);
  });
});

describe('a bad webhook is refused when the stack is synthesized, naming it', () => {
  const one = (w: Record<string, unknown>) =>
    parseWebhooks([{ name: 'x', url: 'https://a.example.com', on: ['detractor'], ...w }]);
  it.each([
    [{ url: 'http://a.example.com' }, /https/],
    [{ url: 'https://169.254.169.254/latest' }, /inside the network/],
    [{ url: 'https://[::ffff:169.254.169.254]/latest' }, /inside the network/],
    [{ on: ['everyone'] }, /nps:webhooks\[0\]\.on/],
    [{ format: 'xml' }, /nps:webhooks\[0\]\.format/],
    [{ name: 'has space' }, /nps:webhooks\[0\]\.name/],
    [{ auth: { header: 'Authorization' } }, /nps:webhooks\[0\]\.auth/],
  ])('%j', (bad, message) => {
    expect(() => one(bad)).toThrow(message);
  });

  it('accepts none at all', () => {
    expect(parseWebhooks(undefined)).toEqual([]);
  });
});
