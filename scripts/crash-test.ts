/**
 * `npm run crash-test`: nothing lost, nothing twice, under crashes (issue "Sending at internet scale"). Three
 * waves of 2,000 recipients go out through the real local stack (`infra/local/start.ts`: DynamoDB Local, the
 * local runtime) while this script kills the stack's whole process group (`kill -9`) at random points of the
 * three waves (when a random number of emails is out, spread over all 6,000) and
 * starts it again. The SES emulator runs in this script (`SES_EXTERNAL=1`), so its inbox outlives the kills
 * and counts what really went out: at the end every address must have exactly one email. Claims are leased
 * for 15 s here instead of ten minutes (`CLAIM_LEASE_SECONDS`), so the run takes minutes, not hours.
 *   npm run crash-test [-- --kills 6] [-- --json]
 * Minutes, not part of `npm test`; prints its figures and exits non-zero on any missing or duplicate email.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '#infra/local/environment.ts';
import { startSesEmulator } from '#infra/local/services.ts';
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

const inbox = async (): Promise<string[]> => {
  const { emails } = (await (await fetch(`${sesUrl}/store`)).json()) as {
    emails: { destination: { to: string[] } }[];
  };
  return emails.map((e) => e.destination.to[0] ?? '');
};

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
        )
      ).id,
    );
  }
  // Kill at random points of the three waves (by how many emails are out), and start again each time.
  const points = Array.from(
    { length: KILLS },
    () => 100 + Math.floor(Math.random() * (WAVES * PER_WAVE - 200)),
  );
  points.sort((a, b) => a - b);
  const kills: { atMs: number; inbox: number }[] = [];
  for (const point of points) {
    const until = Date.now() + 5 * 60_000;
    while ((await inbox()).length < point && Date.now() < until) await sleep(50 + Math.random() * 150);
    killGroup();
    kills.push({ atMs: Date.now() - started, inbox: (await inbox()).length });
    await sleep(300);
    await start();
  }
  // Then let it finish: every wave sent (stale claims settle or go out again after their 15 s lease).
  const until = Date.now() + 15 * 60_000;
  for (;;) {
    const statuses = await Promise.all(
      waves.map((id) => npsJson<{ status: string }>(env, 'wave', 'status', id)),
    );
    if (statuses.every((s) => s.status === 'sent')) break;
    if (Date.now() > until)
      throw new Error(`waves not sent after 15 minutes: ${statuses.map((s) => s.status).join(', ')}`);
    await sleep(2_000);
  }
  await sleep(2_000);
  const counts = new Map<string, number>();
  for (const to of await inbox()) counts.set(to, (counts.get(to) ?? 0) + 1);
  const missing = addresses.filter((a) => !counts.has(a)).length;
  const duplicates = [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const result = {
    waves: WAVES,
    recipients: addresses.length,
    kills: kills.length,
    killedAtInbox: kills.map((k) => k.inbox),
    emails: [...counts.values()].reduce((n, c) => n + c, 0),
    missing,
    duplicates,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(args.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  if (missing > 0 || duplicates > 0) process.exitCode = 1;
} finally {
  killGroup();
  emulator.close();
}
