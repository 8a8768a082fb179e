/**
 * Vitest global setup for integration tests: one DynamoDB Local (in memory) and one SES v2 emulator for
 * the whole run, on free ports. Test files read the ports with `inject`.
 */
import type { ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { freePort, sesAccount } from '#infra/local/environment.ts';
import { startDynamoDbLocal, startSesEmulator } from '#infra/local/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbPort: number;
    sesPort: number;
  }
}

export { freePort };

let dynamo: ChildProcess | undefined;
let ses: { close: (cb?: () => void) => void } | undefined;

export default async function setup(project: TestProject) {
  const [ddbPort, sesPort] = [await freePort(), await freePort()];
  process.env.AWS_SES_ACCOUNT = sesAccount(1000);
  [dynamo, ses] = await Promise.all([startDynamoDbLocal(ddbPort), startSesEmulator(sesPort)]);
  project.provide('ddbPort', ddbPort);
  project.provide('sesPort', sesPort);
  return async () => {
    await new Promise<void>((r) => (ses ? ses.close(() => r()) : r()));
    dynamo?.kill('SIGKILL');
  };
}
