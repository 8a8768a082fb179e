/**
 * Build step for the console's assets: fingerprints functions/console/assets/console.{css,js} by content and writes
 * them to functions/console/dist/console.json, which the console imports (no file system at run time, so the Lambda bundle
 * carries them). A changed file gets a new name, so browsers may cache each name for a year.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', 'dist', 'console.json');

const fingerprinted = async (name: string, extension: string) => {
  const body = await readFile(join(here, `${name}.${extension}`), 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { file: `${name}.${hash}.${extension}`, body };
};

const main = async (): Promise<void> => {
  const [css, js] = await Promise.all([fingerprinted('console', 'css'), fingerprinted('console', 'js')]);
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify({ css, js }, null, 1)}\n`);
  console.log(`console: fingerprinted ${css.file}, ${js.file} → ${relative(process.cwd(), outFile)}`);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
