/**
 * The local stack: DynamoDB Local, the SES v2 emulator, and thin glue that calls the same handlers the CDK
 * stack deploys (HTTP → Function URL events, ticks → scheduled events, stream records → stream events).
 * No business logic lives here.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV, FUNCTIONS, type FunctionName, TABLE } from '../system.ts';
import { cognitoLocalUp, ensureLocalUserPool, startCognitoLocal } from './cognito.ts';
import { applyLocalEnvironment, type LocalSettings } from './environment.ts';
import { startLocalEventBus } from './event-bus.ts';
import { startEventRules } from './event-rules.ts';
import { type Mounts, startHttp } from './http.ts';
import { loadHandler } from './lambda.ts';
import { startS3Local } from './s3.ts';
import {
  assertJava,
  assertPortFree,
  ensureTable,
  LocalStackError,
  sesEmulatorUp,
  startDynamoDbLocal,
  startSesEmulator,
} from './services.ts';
import { deliverSesEvent, SES_EVENTS_PATH } from './ses-events.ts';
import { startSesMirror } from './ses-mirror.ts';
import { STREAM_FUNCTIONS, type StreamPoller, startStreamPoller, streamsClient } from './streams.ts';
import { startTicker } from './ticker.ts';

export interface LocalStack {
  appUrl: string;
  /** The marketing console, on the app's port. */
  consoleUrl: string;
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
  await assertPortFree(settings.ddbPort, 'DDB_PORT', settings.host);
  if (!settings.sesExternal) await assertPortFree(settings.sesPort, 'SES_PORT', settings.host);
  else if (!(await sesEmulatorUp(settings.sesPort)))
    throw new LocalStackError(`SES_EXTERNAL=1 but no SES emulator answers on SES_PORT ${settings.sesPort}`);
  await assertPortFree(settings.appPort, 'PORT', settings.host);
  // The Cognito emulator answers only this machine whatever HOST opens: its admin API takes no credentials,
  // and only the console's server (and the CLI) talk to it, never a browser.
  await assertPortFree(settings.cognitoPort, 'COGNITO_PORT');
  await assertPortFree(settings.s3Port, 'S3_PORT', settings.host);
  applyLocalEnvironment(settings);

  let ready = false;
  const stops: (() => Promise<void> | void)[] = [];
  try {
    // All settled before any failure is thrown, so a service that did start is stopped again.
    // Browsers open the console on the app's port; the upload bucket lets them PUT from there.
    const consoleOrigins = [`http://localhost:${settings.appPort}`, `http://127.0.0.1:${settings.appPort}`];
    const [dynamo, ses, cognito, s3] = await Promise.allSettled([
      startDynamoDbLocal(settings.ddbPort, join(settings.stateDir, 'dynamodb'), settings.host),
      settings.sesExternal ? Promise.resolve(undefined) : startSesEmulator(settings.sesPort, settings.host),
      startCognitoLocal(settings.cognitoPort, settings.stateDir),
      startS3Local(settings.s3Port, settings.stateDir, consoleOrigins, settings.host),
    ]);
    if (dynamo.status === 'fulfilled') stops.push(() => stopChild(dynamo.value));
    if (ses.status === 'fulfilled' && ses.value) {
      const server = ses.value;
      stops.push(() => new Promise<void>((r) => server.close(() => r())));
    }
    if (cognito.status === 'fulfilled') stops.push(() => stopChild(cognito.value));
    if (s3.status === 'fulfilled') stops.push(() => s3.value.stop());
    for (const service of [dynamo, ses, cognito, s3]) if (service.status === 'rejected') throw service.reason;

    // The console's user pool: created in the emulator on first start (the pool file did not exist when the
    // environment was applied), then the same pool on every start.
    const pool = await ensureLocalUserPool(
      new CognitoIdentityProviderClient({}),
      settings.stateDir,
      settings.cognitoPort,
    );
    process.env[ENV.userPoolId] = pool.userPoolId;
    process.env[ENV.userPoolClientId] = pool.clientId;
    process.env[ENV.userPoolIssuer] = pool.issuer;

    const ddb = new DynamoDBClient({});
    await ensureTable(ddb, TABLE.name);

    // Response events: logged and appended to .local/events.jsonl, through the same variables as in AWS,
    // and delivered to the functions whose rules match them (owner alerts).
    const rules = await startEventRules({ log });
    const bus = await startLocalEventBus({
      busName: 'nps-local',
      file: join(settings.stateDir, 'events.jsonl'),
      log,
      deliver: rules.deliver,
    });
    stops.push(() => bus.stop());
    process.env[ENV.eventBusName] = bus.busName;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;

    const [surveyHttp, sendDueWaves, sendDigest, sesEvents, applyRetention] = await Promise.all([
      loadHandler('surveyHttp'),
      loadHandler('sendDueWaves'),
      loadHandler('sendDigest'),
      loadHandler('sesEvents'),
      loadHandler('applyRetention'),
    ]);
    // Mounted http functions (the console under /console) share the app's port, as their paths say.
    const mounts: Record<string, Mounts[string]> = {};
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      FunctionName,
      (typeof FUNCTIONS)[FunctionName],
    ][]) {
      if (spec.trigger.kind === 'http' && 'mount' in spec.trigger)
        mounts[spec.trigger.mount] = { name, handler: await loadHandler(name) };
    }
    const http = await startHttp(
      settings.appPort,
      surveyHttp,
      async () =>
        ready && (await sesEmulatorUp(settings.sesPort)) && (await cognitoLocalUp(settings.cognitoPort)),
      { [SES_EVENTS_PATH]: (body) => deliverSesEvent(sesEvents, body) },
      settings.host,
      mounts,
    );
    stops.push(() => new Promise<void>((r) => http.close(() => r())));
    // SES's Send events, as the configuration set publishes them: they settle the claims SES accepted.
    const sesMirror = startSesMirror({
      sesUrl: `http://127.0.0.1:${settings.sesPort}`,
      handler: sesEvents,
      log,
    });
    stops.push(() => sesMirror.stop());

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

    // What SES took before this process started (a crashed run's sends) is settled before the sender runs.
    await sesMirror.caughtUp;
    const ticker = startTicker({
      handlers: { sendDueWaves, sendDigest, applyRetention },
      timeZone: process.env.DIGEST_TIME_ZONE || 'Europe/Amsterdam',
      rateSeconds: settings.rateSeconds,
      log,
    });
    stops.push(() => ticker.stop());
    ready = true;

    return {
      appUrl: `http://localhost:${settings.appPort}`,
      consoleUrl: `http://localhost:${settings.appPort}/console`,
      inboxUrl: `http://localhost:${settings.sesPort}`,
      settled: async () => {
        await Promise.all(pollers.map((p) => p.settled()));
        await rules.settled();
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
