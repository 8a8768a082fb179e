/**
 * Where the CLI works: the local stack by default, or a stack deployed to AWS with `--stage NAME` (or the
 * default stage when an AWS profile is set). Against AWS it reads the stack's outputs (STACK.outputs) and
 * talks to its table and SES with the caller's own credentials and region, as the deployed functions do.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { applyLocalEnvironment, localSettings } from '#infra/local/environment.ts';
import { ENV, STACK, stackName } from '#infra/system.ts';

export type Target = { kind: 'local' } | { kind: 'aws'; stackName: string };

export const targetOf = (stage: string | undefined, env: NodeJS.ProcessEnv): Target =>
  stage !== undefined || env.AWS_PROFILE ? { kind: 'aws', stackName: stackName(stage) } : { kind: 'local' };

/** The variables the commands read, from the stack's outputs; a missing output is named. */
export const stackEnvironment = (name: string, outputs: Record<string, string>): Record<string, string> => {
  const output = (key: keyof typeof STACK.outputs) => {
    const value = outputs[STACK.outputs[key]];
    if (!value)
      throw new Error(
        `stack ${name} has no output ${STACK.outputs[key]}; deploy this version of the stack (npx cdk deploy)`,
      );
    return value;
  };
  return {
    [ENV.tableName]: output('tableName'),
    [ENV.fromAddress]: output('fromAddress'),
    [ENV.configurationSet]: output('configurationSet'),
    [ENV.digestTimeZone]: output('digestTimeZone'),
    // A stack may name the product surveys ask about; without it every wave names its own.
    ...(outputs[STACK.outputs.product] ? { [ENV.product]: outputs[STACK.outputs.product] as string } : {}),
    // Only `nps user …` needs the pool; a stack deployed before the console has none.
    ...(outputs[STACK.outputs.userPoolId]
      ? { [ENV.userPoolId]: outputs[STACK.outputs.userPoolId] as string }
      : {}),
  };
};

/** Points the commands at the target: the local services' endpoints, or the stack's resources in AWS. */
export const applyTarget = async (target: Target): Promise<void> => {
  if (target.kind === 'local') {
    applyLocalEnvironment(localSettings());
    return;
  }
  let outputs: Record<string, string>;
  try {
    const out = await new CloudFormationClient({}).send(
      new DescribeStacksCommand({ StackName: target.stackName }),
    );
    outputs = Object.fromEntries(
      (out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (error) {
    throw new Error(`could not read stack ${target.stackName} in AWS: ${(error as Error).message}`);
  }
  Object.assign(process.env, stackEnvironment(target.stackName, outputs));
};
