/** Loads a function's handler from its entry (as in FUNCTIONS) and invokes it the way Lambda would. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionName } from '../system.ts';
import { ROOT } from './environment.ts';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const loadHandler = async (name: FunctionName): Promise<Handler> => {
  const mod = (await import(pathToFileURL(join(ROOT, FUNCTIONS[name].entry)).href)) as { handler?: Handler };
  if (typeof mod.handler !== 'function') throw new Error(`${FUNCTIONS[name].entry} exports no handler`);
  return mod.handler;
};

export const lambdaContext = (name: FunctionName): Context => {
  const spec = FUNCTIONS[name];
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/local/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
