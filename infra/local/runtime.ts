/**
 * The local stack: DynamoDB Local, the SES v2 emulator, and thin glue that calls the same handlers the CDK
 * stack deploys (HTTP → Function URL events, ticks → scheduled events, stream records → stream events).
 * No business logic lives here.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV, TABLE } from '../system.ts';
import { applyLocalEnvironment, type LocalSettings } from './environment.ts';
import { startLocalEventBus } from './event-bus.ts';
import { startHttp } from './http.ts';
import { loadHandler } from './lambda.ts';
import { assertJava, assertPortFree, ensureTable, startDynamoDbLocal, startSesEmulator } from './services.ts';
import { deliverSesEvent, SES_EVENTS_PATH } from './ses-events.ts';
import { STREAM_FUNCTIONS, type StreamPoller, startStreamPoller, streamsClient } from './streams.ts';
import { startTicker } from './ticker.ts';

export interface LocalStack {
  appUrl: string;
  inboxUrl: string;
  /** Resolves once every stream function has seen every change made so far. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export const startLocalStack = async (
  settings: LocalSettings,
  log: (message: string) => void = console.log,
): Promise<LocalStack> => {
  assertJava();
  await assertPortFree(settings.ddbPort, 'DDB_PORT');
  await assertPortFree(settings.sesPort, 'SES_PORT');
  await assertPortFree(settings.appPort, 'PORT');
  applyLocalEnvironment(settings);

  let ready = false;
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const [dynamo, ses] = await Promise.all([
      startDynamoDbLocal(settings.ddbPort, join(settings.stateDir, 'dynamodb')),
      startSesEmulator(settings.sesPort),
    ]);
    stops.push(() => stopChild(dynamo));
    stops.push(() => new Promise<void>((r) => ses.close(() => r())));

    const ddb = new DynamoDBClient({});
    await ensureTable(ddb, TABLE.name);

    // Response events: logged and appended to .local/events.jsonl, through the same variables as in AWS.
    const bus = await startLocalEventBus({
      busName: 'nps-local',
      file: join(settings.stateDir, 'events.jsonl'),
      log,
    });
    stops.push(() => bus.stop());
    process.env[ENV.eventBusName] = bus.busName;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;

    const [surveyHttp, sendDueWaves, sendDigest, sesEvents] = await Promise.all([
      loadHandler('surveyHttp'),
      loadHandler('sendDueWaves'),
      loadHandler('sendDigest'),
      loadHandler('sesEvents'),
    ]);
    const http = await startHttp(settings.appPort, surveyHttp, () => ready, {
      [SES_EVENTS_PATH]: (body) => deliverSesEvent(sesEvents, body),
    });
    stops.push(() => new Promise<void>((r) => http.close(() => r())));

    // One poller per stream function (the aggregator, the event publisher), each with its own checkpoints,
    // as Lambda gives each event source mapping its own position in the stream.
    const streams = streamsClient(`http://127.0.0.1:${settings.ddbPort}`);
    const pollers: StreamPoller[] = [];
    for (const name of STREAM_FUNCTIONS) {
      const poller = await startStreamPoller({
        ddb,
        streams,
        tableName: TABLE.name,
        stateDir: settings.stateDir,
        function: name,
        handler: await loadHandler(name),
        log,
      });
      pollers.push(poller);
      stops.push(() => poller.stop());
    }

    const ticker = startTicker({
      handlers: { sendDueWaves, sendDigest },
      timeZone: process.env.DIGEST_TIME_ZONE || 'Europe/Amsterdam',
      rateSeconds: settings.rateSeconds,
      log,
    });
    stops.push(() => ticker.stop());
    ready = true;

    return {
      appUrl: `http://localhost:${settings.appPort}`,
      inboxUrl: `http://localhost:${settings.sesPort}`,
      settled: async () => {
        await Promise.all(pollers.map((p) => p.settled()));
      },
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
};

const stopAll = async (stops: (() => Promise<void> | void)[]) => {
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch {
      // keep stopping the rest
    }
  }
};

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
