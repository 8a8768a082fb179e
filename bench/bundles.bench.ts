/**
 * Each function's Lambda bundle, built the way infra/constructs/survey-function.ts builds it (esbuild, ESM,
 * minified, node22, the SDK bundled), then: its size in KiB (source map apart) and its cold import in a fresh
 * Node process (median of five), each beside a baseline bundle that holds only the DynamoDB client, built and
 * imported in the same run. Cold starts grow with what a bundle carries; the survey link is what a customer
 * waits on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { FUNCTIONS } from '#infra/system.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out', 'bundles');

const bundle = async (entry: string, outfile: string): Promise<number> => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return Math.round(statSync(outfile).size / 1024);
};

/** Milliseconds to import the bundle in a new process, the median of five. */
const coldImport = (file: string): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times = Array.from({ length: 5 }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_OPTIONS: '' },
      }),
    ),
  ).sort((a, b) => a - b);
  return Math.round(times[2] ?? Number.NaN);
};

export default async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const baselineEntry = join(out, 'baseline-entry.mjs');
  writeFileSync(
    baselineEntry,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = () => new DynamoDBClient({});\n",
  );
  const baselineFile = join(out, 'baseline.mjs');
  const baselineKiB = await bundle(baselineEntry, baselineFile);
  const baselineMs = coldImport(baselineFile);
  const figures: Record<string, number> = { baselineKiB, baselineColdImportMs: baselineMs };
  for (const [name, spec] of Object.entries(FUNCTIONS)) {
    const file = join(out, `${name}.mjs`);
    const kib = await bundle(join(root, spec.entry), file);
    const ms = coldImport(file);
    figures[`${name}KiB`] = kib;
    figures[`${name}ColdImportMs`] = ms;
    figures[`${name}ColdImportRatio`] = Math.round((ms / baselineMs) * 100) / 100;
  }
  return figures;
};
