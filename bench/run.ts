/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line), each against its
 * own fresh DynamoDB Local and SES emulator, and prints one JSON document: { benchmark: { figure: value } }.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Bench, startBenchServices } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const results: Record<string, unknown> = {
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
};
let ports: { ddbPort: number; sesPort: number } | undefined;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  process.stderr.write(`bench: ${name}…\n`);
  // Fresh services per benchmark, at the same ports: DynamoDB Local slows as it fills, which would tax
  // whichever benchmark runs last.
  const { ctx, stop } = await startBenchServices(ports);
  ports = { ddbPort: ctx.ddbPort, sesPort: ctx.sesPort };
  const started = Date.now();
  try {
    results[name] = { ...(await mod.default(ctx)), seconds: Math.round((Date.now() - started) / 100) / 10 };
  } catch (error) {
    // One failing benchmark must not hide the others' figures; it is reported, and the exit code says so.
    results[name] = { error: (error as Error).message };
    process.exitCode = 1;
  } finally {
    await stop();
  }
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(process.exitCode ?? 0);
