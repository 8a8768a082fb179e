/**
 * Shared set-up for benchmarks: one DynamoDB Local (in memory) and one SES v2 emulator on free ports, the
 * environment the handlers read, and a fresh table per benchmark. Figures are ratios against baselines
 * measured in the same run on the same services, so machine speed cancels out.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freePort, localAwsEnvironment, sesAccount } from '#infra/local/environment.ts';
import { ensureTable, startDynamoDbLocal, startSesEmulator } from '#infra/local/services.ts';
import { ENV } from '#shared/core/env.ts';
import { createClients } from '#shared/store/clients.ts';

export interface BenchContext {
  ddbPort: number;
  sesPort: number;
  sesUrl: string;
  /** A new, empty table with the system's schema; also set as TABLE_NAME. */
  newTable(): Promise<string>;
  clients: ReturnType<typeof createClients>;
}

export type Bench = (ctx: BenchContext) => Promise<Record<string, number | string | null>>;

/**
 * Starts the services; pass the ports of an earlier start to restart fresh ones at the same addresses (the
 * handlers' clients are created once per process, as in Lambda, and keep pointing there).
 */
export const startBenchServices = async (ports?: { ddbPort: number; sesPort: number }) => {
  const [ddbPort, sesPort] = ports ? [ports.ddbPort, ports.sesPort] : [await freePort(), await freePort()];
  process.env.AWS_SES_ACCOUNT = sesAccount(100_000);
  const [dynamo, ses] = await Promise.all([startDynamoDbLocal(ddbPort), startSesEmulator(sesPort)]);
  Object.assign(process.env, {
    ...localAwsEnvironment(ddbPort, sesPort),
    [ENV.fromAddress]: 'surveys@example.com',
    [ENV.publicBaseUrl]: 'https://survey.example.com',
    [ENV.linkSigningKeys]: JSON.stringify({ b1: randomBytes(32).toString('base64url') }),
    [ENV.digestTimeZone]: 'Europe/Amsterdam',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  const ctx: BenchContext = {
    ddbPort,
    sesPort,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    clients: createClients(),
    async newTable() {
      const table = `bench-${randomBytes(5).toString('hex')}`;
      await ensureTable(new DynamoDBClient({}), table);
      process.env[ENV.tableName] = table;
      return table;
    },
  };
  return {
    ctx,
    stop: async () => {
      await new Promise<void>((r) => ses.close(() => r()));
      const exited = new Promise((r) => dynamo.once('exit', r));
      dynamo.kill('SIGKILL');
      await exited;
    },
  };
};
