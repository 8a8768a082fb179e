/**
 * Dependencies point inward, across the whole repository: the domain core (shared/) and the templates never
 * reach out to the edges (infra/, cli/, functions/ and so the console); the templates lean on the core's
 * innermost room (shared/core/) only, and that room never on the templates, so the two never form a cycle;
 * no two rooms of the core import each other; the Lambda handlers never reach into the CLI; and no source
 * file outside test/ grows past 320 lines. A wrong import fails here, naming the file and the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const SOURCE_FOLDERS = ['shared', 'templates', 'functions', 'infra', 'cli', 'bench', 'scripts'] as const;
const EDGES = ['infra', 'cli', 'functions', 'bench', 'test', 'scripts'];
const MAX_LINES = 320;

const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.parentPath.includes('node_modules'))
    .map((e) => relative(root, join(e.parentPath, e.name)));

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The repository path an import specifier lands on, from the importing file (undefined: a package). */
const targetOf = (file: string, specifier: string): string | undefined => {
  if (specifier.startsWith('#')) return specifier.slice(1);
  if (!specifier.startsWith('.')) return undefined;
  return relative(root, resolve(root, file, '..', specifier));
};

/** The top-level folder an import specifier lands in. */
const folderOf = (file: string, specifier: string): string | undefined =>
  targetOf(file, specifier)?.split('/')[0];

const importsOf = (file: string): string[] =>
  [...readFileSync(join(root, file), 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);

/** Every import from a file under `dir` whose target path starts with one of `forbidden` (folders or paths). */
const violations = (
  dir: string,
  forbidden: readonly string[],
  except: (file: string) => boolean = () => false,
) =>
  sourcesUnder(dir)
    .filter((file) => !except(file))
    .flatMap((file) =>
      importsOf(file)
        .filter((spec) => {
          const target = targetOf(file, spec);
          return target !== undefined && forbidden.some((f) => target === f || target.startsWith(`${f}/`));
        })
        .map((spec) => `${file} imports ${spec}`),
    );

/** Pairs of rooms of shared/ that import each other, each with one import of either direction. */
const mutualRooms = (): string[] => {
  const edges = new Map<string, string>();
  for (const file of sourcesUnder('shared')) {
    const from = file.split('/')[1] ?? '';
    for (const spec of importsOf(file)) {
      const [top, to] = targetOf(file, spec)?.split('/') ?? [];
      if (top === 'shared' && to && to !== from && !edges.has(`${from}>${to}`))
        edges.set(`${from}>${to}`, `${file} imports ${spec}`);
    }
  }
  return [...edges.keys()]
    .map((key) => key.split('>') as [string, string])
    .filter(([a, b]) => a < b && edges.has(`${b}>${a}`))
    .map(([a, b]) => `${edges.get(`${a}>${b}`)} and ${edges.get(`${b}>${a}`)}`);
};

describe('layering', () => {
  it('finds the target of relative and subpath imports', () => {
    expect(folderOf('shared/core/config.ts', '#infra/system.ts')).toBe('infra');
    expect(folderOf('shared/core/config.ts', '../../infra/system.ts')).toBe('infra');
    expect(folderOf('shared/core/config.ts', './env.ts')).toBe('shared');
    expect(targetOf('templates/pages.ts', '../shared/core/survey.ts')).toBe('shared/core/survey.ts');
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

  it('keeps the domain core free of the CDK app, the CLI, the handlers and the console', () => {
    expect(violations('shared', EDGES)).toEqual([]);
  });

  it('keeps the templates free of the edges and of every room of the core but core/', () => {
    const rooms = readdirSync(join(root, 'shared')).filter((room) => room !== 'core');
    expect(violations('templates', [...EDGES, ...rooms.map((room) => `shared/${room}`)])).toEqual([]);
  });

  it('keeps the core room free of the templates, so core and templates never form a cycle', () => {
    expect(violations('shared/core', ['templates'])).toEqual([]);
  });

  it('keeps every pair of rooms of the core one-way', () => {
    expect(mutualRooms()).toEqual([]);
  });

  it('keeps the Lambda handlers out of the CLI and the tests, and the console to its own entry', () => {
    expect(violations('functions', ['cli', 'bench', 'test', 'scripts'])).toEqual([]);
    expect(
      violations(
        'functions',
        ['functions/console'],
        (f) => f.startsWith('functions/console') || f === 'functions/console-http.ts',
      ),
    ).toEqual([]);
  });

  it('keeps every source file outside test/ small enough to hold one concern', () => {
    const large = SOURCE_FOLDERS.flatMap(sourcesUnder)
      .map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n').length }))
      .filter((m) => m.lines > MAX_LINES)
      .map((m) => `${m.file} (${m.lines} lines)`);
    expect(large).toEqual([]);
  });
});
