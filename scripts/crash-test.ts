/**
 * `npm run crash-test`: nothing lost, nothing twice, under crashes (issue "Sending at internet scale"). Three
 * waves of 2,000 recipients go out through the real local stack (`infra/local/start.ts`: DynamoDB Local, the
 * local runtime), the first with a reminder a minute after it is sent, while this script kills the stack's
 * whole process group (`kill -9`) at random points of the 8,000 emails (first emails and reminders, by how
 * many are out) and starts it again. The SES emulator runs in this script (`SES_EXTERNAL=1`), so its inbox
 * outlives the kills and counts what really went out: at the end every address must have exactly one first
 * email, every recipient of the first wave exactly one reminder, and the table must record as sent exactly
 * those (no "sent" without an email). Claims are leased for 15 s here instead of ten minutes
 * (`CLAIM_LEASE_SECONDS`), so the run takes minutes, not hours. After each kill it measures the stall: the
 * time from the kill to the next email out.
 *   npm run crash-test [-- --kills 6] [-- --json]
 * Minutes, not part of `npm test`; prints its figures and exits non-zero on any missing, duplicate or
 * recorded-but-not-sent email.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROOT } from '#infra/local/environment.ts';
import { startSesEmulator } from '#infra/local/services.ts';
import { TABLE } from '#infra/system.ts';
import { KIND_HEADER } from '#shared/sending/acceptance.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { npsJson, stackEnvironment } from '../test/support/local-process.ts';

const WAVES = 3;
const PER_WAVE = 2_000;
const args = process.argv.slice(2);
const KILLS = Number(args[args.indexOf('--kills') + 1]) || 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { env, app, ses } = await stackEnvironment({
  SES_EXTERNAL: '1',
  CLAIM_LEASE_SECONDS: '15',
  // The emulator has no account limits: send as an account at 500/s would.
  SES_MAX_SEND_RATE: '500',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});
const stateDir = env.NPS_STATE_DIR as string;
const sesUrl = `http://127.0.0.1:${ses}`;
const appUrl = `http://127.0.0.1:${app}`;
const emulator = await startSesEmulator(ses);

let stack: ChildProcess | undefined;
const start = async () => {
  // Its own process group (detached), so one signal kills the runtime and every child (DynamoDB Local, …).
  stack = spawn(process.execPath, [join(ROOT, 'infra/local/start.ts')], {
    env,
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
  });
  const until = Date.now() + 90_000;
  while (
    !(await fetch(`${appUrl}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > until) throw new Error('the local stack did not become healthy');
    await sleep(250);
  }
};
const killGroup = () => {
  if (stack?.pid) process.kill(-stack.pid, 'SIGKILL');
};

/** Every email the emulator took: its address, and whether it was a reminder (the kind header). */
const inbox = async (): Promise<{ to: string; reminder: boolean }[]> => {
  const { emails } = (await (await fetch(`${sesUrl}/store`)).json()) as {
    emails: { destination: { to: string[] }; headers?: { name: string; value: string }[] }[];
  };
  return emails.map((e) => ({
    to: e.destination.to[0] ?? '',
    reminder: (e.headers ?? []).some((h) => h.name === KIND_HEADER && h.value === 'reminder'),
  }));
};

/** How many emails went to each address. */
const countsOf = (emails: readonly { to: string }[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const { to } of emails) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
};

/** Against the inbox: who got none, how many extra, and how many the table records as sent without one. */
const audit = (expected: readonly string[], got: Map<string, number>, recordedSent: readonly string[]) => ({
  missing: expected.filter((a) => !got.has(a)).length,
  duplicates: [...got.values()].reduce((n, c) => n + Math.max(0, c - 1), 0),
  recordedNotSent: recordedSent.filter((a) => !got.has(a)).length,
  recordedSent: recordedSent.length,
});

const started = Date.now();
const addresses: string[] = [];
try {
  await start();
  const waves: string[] = [];
  // All three due together once they exist, so the kills fall while each of them goes out.
  const sendAt = new Date(Date.now() + 20_000).toISOString();
  for (let w = 0; w < WAVES; w++) {
    const emails = Array.from({ length: PER_WAVE }, (_, i) => `p${i}.w${w}@crash-test.example.com`);
    addresses.push(...emails);
    const file = join(stateDir, `wave-${w}.csv`);
    writeFileSync(
      file,
      ['email,name,locale', ...emails.map((e, i) => `${e},P ${i},${['en', 'nl', 'sv', 'de'][i % 4]}`)].join(
        '\n',
      ),
    );
    // The first wave also reminds everyone (nobody answers) a minute after it is sent.
    const remind = w === 0 ? ['--remind-after', '1m'] : [];
    waves.push(
      (
        await npsJson<{ id: string }>(
          env,
          'wave',
          'create',
          '--name',
          `crash ${w}`,
          '--audience',
          file,
          '--at',
          sendAt,
          ...remind,
        )
      ).id,
    );
  }
  const reminded = addresses.slice(0, PER_WAVE);
  const total = addresses.length + reminded.length;
  // Kill at random points of all the emails (by how many are out), and start again each time.
  const points = Array.from({ length: KILLS }, () => 100 + Math.floor(Math.random() * (total - 200)));
  points.sort((a, b) => a - b);
  const kills: { atMs: number; inbox: number; stallMs: number }[] = [];
  for (const point of points) {
    const until = Date.now() + 5 * 60_000;
    while ((await inbox()).length < point && Date.now() < until) await sleep(50 + Math.random() * 150);
    killGroup();
    const killedAt = Date.now();
    const out = (await inbox()).length;
    await sleep(300);
    await start();
    // The stall: from the kill to the next email out (bounded: a wave that never resumes fails here).
    while ((await inbox()).length <= out && out < total) {
      if (Date.now() - killedAt > 5 * 60_000)
        throw new Error(`no email for 5 minutes after the kill at ${out}`);
      await sleep(100);
    }
    kills.push({ atMs: killedAt - started, inbox: out, stallMs: Date.now() - killedAt });
  }
  // Then let it finish: every wave sent and the first one's reminders out (stale claims settle or go out
  // again after their 15 s lease).
  const until = Date.now() + 15 * 60_000;
  for (;;) {
    const statuses = await Promise.all(
      waves.map((id) => npsJson<{ status: string; reminded?: number }>(env, 'wave', 'status', id)),
    );
    if (statuses.every((s) => s.status === 'sent') && statuses[0]?.reminded === PER_WAVE) break;
    if (Date.now() > until)
      throw new Error(
        `not done after 15 minutes: ${statuses.map((s) => s.status).join(', ')}, reminded ${statuses[0]?.reminded}`,
      );
    await sleep(2_000);
  }
  await sleep(2_000);
  const emails = await inbox();
  // What the table records as sent, read from DynamoDB Local.
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${env.DDB_PORT}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const recipients = (
    await Promise.all(waves.map((id) => allWaveItems({ ddb, table: TABLE.name }, id, { prefix: 'RCPT#' })))
  ).flat();
  ddb.destroy();
  const first = audit(
    addresses,
    countsOf(emails.filter((e) => !e.reminder)),
    recipients.filter((r) => r.status === 'sent').map((r) => String(r.email)),
  );
  const reminders = audit(
    reminded,
    countsOf(emails.filter((e) => e.reminder)),
    recipients.filter((r) => r.reminder === 'sent').map((r) => String(r.email)),
  );
  const result = {
    waves: WAVES,
    recipients: addresses.length,
    reminded: reminded.length,
    kills: kills.length,
    killedAtInbox: kills.map((k) => k.inbox),
    stallSeconds: kills.map((k) => Math.round(k.stallMs / 100) / 10),
    emails: emails.length,
    first,
    reminders,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(args.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  const bad = [first, reminders].some((a) => a.missing + a.duplicates + a.recordedNotSent > 0);
  if (bad) process.exitCode = 1;
} finally {
  killGroup();
  emulator.close();
}
