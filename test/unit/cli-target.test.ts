import { describe, expect, it } from 'vitest';
import { ENV, STACK, stackName } from '#infra/system.ts';
import { stackEnvironment, targetOf } from '../../cli/target.ts';

const outputs = {
  [STACK.outputs.surveyUrl]: 'https://abc.lambda-url.eu-west-1.on.aws/',
  [STACK.outputs.tableName]: 'NpsSurveys-prod-Table-1',
  [STACK.outputs.fromAddress]: 'surveys@acme.example',
  [STACK.outputs.configurationSet]: 'nps-config',
  [STACK.outputs.digestTimeZone]: 'Europe/Stockholm',
};

describe('where the CLI works', () => {
  it('works locally unless a stage or an AWS profile is given', () => {
    expect(targetOf(undefined, {})).toEqual({ kind: 'local' });
    expect(targetOf('prod', {})).toEqual({ kind: 'aws', stackName: 'NpsSurveys-prod' });
    expect(targetOf(undefined, { AWS_PROFILE: 'acme' })).toEqual({ kind: 'aws', stackName: 'NpsSurveys' });
  });

  it('names stacks per stage and refuses a stage that cannot be one', () => {
    expect(stackName()).toBe('NpsSurveys');
    expect(stackName('eu-2')).toBe('NpsSurveys-eu-2');
    expect(() => stackName('prod; rm')).toThrow(/stage is a letter/);
  });

  it('takes the table, sender and time zone from the stack outputs, and names a missing one', () => {
    expect(stackEnvironment('NpsSurveys-prod', outputs)).toEqual({
      [ENV.tableName]: 'NpsSurveys-prod-Table-1',
      [ENV.fromAddress]: 'surveys@acme.example',
      [ENV.configurationSet]: 'nps-config',
      [ENV.digestTimeZone]: 'Europe/Stockholm',
    });
    expect(
      stackEnvironment('NpsSurveys-prod', { ...outputs, [STACK.outputs.product]: 'Acme Cloud' }),
    ).toMatchObject({
      [ENV.product]: 'Acme Cloud',
    });
    const { [STACK.outputs.tableName]: _, ...older } = outputs;
    expect(() => stackEnvironment('NpsSurveys-prod', older)).toThrow(
      'stack NpsSurveys-prod has no output TableName; deploy this version of the stack (npx cdk deploy)',
    );
  });
});
