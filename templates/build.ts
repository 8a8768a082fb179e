/**
 * Build step: compiles every templates/email/*.mjml once (locale-independent; messages are filled in at send
 * time) and bundles the page assets into templates/dist/compiled.json, which the runtime imports.
 * mjml is only ever loaded here, so no Lambda bundle carries it. Fails on any MJML validation error.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import mjml2html from 'mjml';
import { CATALOGS } from './messages.ts';

const here = dirname(fileURLToPath(import.meta.url));
const emailDir = join(here, 'email');
const outFile = join(here, 'dist', 'compiled.json');

class TemplateBuildError extends Error {
  override name = 'TemplateBuildError';
}

const compile = async (file: string): Promise<string> => {
  const name = relative(process.cwd(), file);
  let html: string;
  try {
    // keepComments off: our own comments stay out of the email; fonts off: no web-font requests from clients.
    ({ html } = await mjml2html(await readFile(file, 'utf8'), {
      validationLevel: 'strict',
      filePath: file,
      keepComments: false,
      fonts: {},
    }));
  } catch (error) {
    const details =
      error instanceof Error && 'errors' in error && Array.isArray(error.errors)
        ? error.errors.map((e: { formattedMessage?: string }) => e.formattedMessage ?? String(e)).join('; ')
        : String(error);
    throw new TemplateBuildError(`${name}: invalid MJML: ${details}`, { cause: error });
  }
  // A message placeholder must name a key the catalogs have; catch typos here rather than at send time.
  for (const match of html.matchAll(/\[\[msg:([^\]]+)\]\]/g)) {
    const key = match[1] ?? '';
    if (CATALOGS.en[key] === undefined) throw new TemplateBuildError(`${name}: unknown message key "${key}"`);
  }
  // Indentation and blank lines only cost bytes (Gmail clips messages over ~100 kB).
  return html.replace(/^[ \t]+/gm, '').replace(/\n{2,}/g, '\n');
};

const main = async (): Promise<void> => {
  const files = (await readdir(emailDir)).filter((f) => f.endsWith('.mjml')).sort();
  if (files.length === 0)
    throw new TemplateBuildError(`no .mjml files in ${relative(process.cwd(), emailDir)}`);
  const emails = Object.fromEntries(
    await Promise.all(
      files.map(async (f) => [basename(f, '.mjml'), await compile(join(emailDir, f))] as const),
    ),
  );
  const [pageCss, dwellJs] = await Promise.all([
    readFile(join(here, 'pages', 'page.css'), 'utf8'),
    readFile(join(here, 'pages', 'dwell.js'), 'utf8'),
  ]);
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify({ emails, assets: { pageCss, dwellJs } }, null, 1)}\n`);
  console.log(`templates: compiled ${files.join(', ')} → ${relative(process.cwd(), outFile)}`);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
