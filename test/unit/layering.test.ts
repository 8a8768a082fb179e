/**
 * Dependencies point inward: the domain core (shared/) and the templates never reach out to the edges
 * (infra/, cli/, functions/), and the Lambda handlers never reach into the CLI. A wrong import fails here,
 * naming the file and the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The top-level folder an import specifier lands in, from the importing file. */
const folderOf = (file: string, specifier: string): string | undefined => {
  if (specifier.startsWith('#')) return specifier.slice(1).split('/')[0];
  if (!specifier.startsWith('.')) return undefined; // a package
  return relative(root, resolve(root, file, '..', specifier)).split('/')[0];
};

const importsOf = (file: string): string[] =>
  [...readFileSync(join(root, file), 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);

const violations = (dir: string, forbidden: readonly string[]): string[] =>
  sourcesUnder(dir).flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden.includes(folderOf(file, spec) ?? ''))
      .map((spec) => `${file} imports ${spec}`),
  );

describe('layering', () => {
  it('finds the folder of relative and subpath imports', () => {
    expect(folderOf('shared/core/config.ts', '#infra/system.ts')).toBe('infra');
    expect(folderOf('shared/core/config.ts', '../../infra/system.ts')).toBe('infra');
    expect(folderOf('shared/core/config.ts', './env.ts')).toBe('shared');
    expect(folderOf('shared/core/config.ts', '@aws-sdk/lib-dynamodb')).toBeUndefined();
  });

  it('reads static, re-exported and dynamic imports', () => {
    const source = `import { a } from '#infra/a.ts';\nexport { b } from "../cli/b.ts";\nconst c = await import('#functions/c.ts');`;
    expect([...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2])).toEqual([
      '#infra/a.ts',
      '../cli/b.ts',
      '#functions/c.ts',
    ]);
  });

  it('keeps the domain core free of the CDK app, the CLI and the handlers', () => {
    expect(violations('shared', ['infra', 'cli', 'functions', 'bench', 'test', 'scripts'])).toEqual([]);
  });

  it('keeps the templates free of the edges', () => {
    expect(violations('templates', ['infra', 'cli', 'functions', 'bench', 'test', 'scripts'])).toEqual([]);
  });

  it('keeps the Lambda handlers out of the CLI and the tests', () => {
    expect(violations('functions', ['cli', 'bench', 'test', 'scripts'])).toEqual([]);
  });

  it('keeps every module of the core small enough to hold one concern', () => {
    const large = sourcesUnder('shared')
      .map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n').length }))
      .filter((m) => m.lines > 320)
      .map((m) => `${m.file} (${m.lines} lines)`);
    expect(large).toEqual([]);
  });
});
