/**
 * Vitest global setup for integration tests: one DynamoDB Local (in memory) and one SES v2 emulator for
 * the whole run, on free ports. Test files read the ports with `inject`.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, startSesEmulator } from '#infra/local/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbPort: number;
    sesPort: number;
  }
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

let dynamo: ChildProcess | undefined;
let ses: { close: (cb?: () => void) => void } | undefined;

export default async function setup(project: TestProject) {
  const [ddbPort, sesPort] = [await freePort(), await freePort()];
  process.env.AWS_SES_ACCOUNT = JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'MARKETING',
      ReviewDetails: { CaseId: 'test', Status: 'GRANTED' },
      UseCaseDescription: 'test',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 1_000_000, MaxSendRate: 1000, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  });
  [dynamo, ses] = await Promise.all([startDynamoDbLocal(ddbPort), startSesEmulator(sesPort)]);
  project.provide('ddbPort', ddbPort);
  project.provide('sesPort', sesPort);
  return async () => {
    await new Promise<void>((r) => (ses ? ses.close(() => r()) : r()));
    dynamo?.kill('SIGKILL');
  };
}
