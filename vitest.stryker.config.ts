import { defineConfig } from 'vitest/config';

/**
 * The unit tests of the mutated modules only (see stryker.config.mjs): pure code, no network. Each mutant of
 * a module-level constant reloads and reruns every included file, so a file added here costs once per such
 * mutant: add the tests of a module when it joins `mutate`.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/stats.test.ts',
      'test/unit/links.test.ts',
      'test/unit/core-*.test.ts',
      'test/unit/answering-*.test.ts',
    ],
  },
});
