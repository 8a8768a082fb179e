/** Runs the real `npm start` entry and the real CLI as child processes, on free ports and a temporary state folder. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '#infra/local/environment.ts';
import { freePort } from './local-services.ts';

const run = promisify(execFile);

export interface RunningStack {
  env: Record<string, string>;
  appUrl: string;
  sesUrl: string;
  output: () => string;
  stop: () => Promise<number | null>;
  /** Polls `probe` until it returns a value; on time-out, fails with what the stack printed. */
  waitFor: <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number) => Promise<T>;
}

/** Free ports for every service of one local stack, a state folder of its own, and this process's environment. */
export const stackEnvironment = async (
  extraEnv: Record<string, string> = {},
): Promise<{ env: Record<string, string>; app: number; ses: number }> => {
  const [app, ses, ddb, cognito, s3] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = {
    ...(process.env as Record<string, string>),
    PORT: String(app),
    SES_PORT: String(ses),
    DDB_PORT: String(ddb),
    COGNITO_PORT: String(cognito),
    S3_PORT: String(s3),
    NPS_STATE_DIR: mkdtempSync(join(tmpdir(), 'nps-e2e-')),
    LOCAL_RATE_SECONDS: '1',
    // The stack's configured product, as a deployment would set it (a wave may still name its own).
    NPS_PRODUCT: 'Acme',
    ...extraEnv,
  };
  return { env, app, ses };
};

export const startStackProcess = async (extraEnv: Record<string, string> = {}): Promise<RunningStack> => {
  const { env, app, ses } = await stackEnvironment(extraEnv);
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'infra/local/start.ts')], {
    env,
    cwd: ROOT,
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const appUrl = `http://127.0.0.1:${app}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    const ok = await fetch(`${appUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error(`the stack did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    env,
    appUrl,
    sesUrl: `http://127.0.0.1:${ses}`,
    output: () => output,
    async waitFor(what, probe, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the stack said:\n${output}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
};

/** Runs `nps …` like a user would; returns exit code, stdout and stderr. */
export const nps = async (env: Record<string, string>, ...args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'cli/nps.ts'), ...args], {
      env,
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

export const npsJson = async <T = Record<string, unknown>>(
  env: Record<string, string>,
  ...args: string[]
): Promise<T> => {
  const result = await nps(env, ...args, '--json');
  if (result.code !== 0) throw new Error(`nps ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};

/** Runs `nps …` with `input` on its standard input (e.g. `--password-stdin`); returns exit code and output. */
export const npsWithInput = (env: Record<string, string>, input: string, ...args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'cli/nps.ts'), ...args], { env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
