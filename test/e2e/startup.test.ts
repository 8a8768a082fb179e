import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '#infra/local/environment.ts';
import { freePort } from '../support/local-services.ts';

const run = promisify(execFile);

const start = async (env: Record<string, string>) => {
  try {
    await run(process.execPath, [join(ROOT, 'infra/local/start.ts')], {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? -1, stderr: e.stderr ?? '' };
  }
};

describe('npm start refuses clearly', () => {
  it('when a port is taken: one line naming the port and its variable, non-zero exit', async () => {
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((r) => taken.listen(port, '0.0.0.0', () => r()));
    try {
      const result = await start({
        PORT: String(await freePort()),
        SES_PORT: String(port),
        DDB_PORT: String(await freePort()),
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toEqual([
        `npm start: Port ${port} is already in use; set SES_PORT to a free port`,
      ]);
    } finally {
      taken.close();
    }
  });

  it('when Java is missing: one line saying so, non-zero exit', async () => {
    // Only node on PATH: no java.
    const result = await start({ PATH: dirname(process.execPath) });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'npm start: Java 17 or newer is needed for DynamoDB Local, but `java` was not found on PATH',
    ]);
  });
});
