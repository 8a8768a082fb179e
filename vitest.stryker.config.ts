import { defineConfig } from 'vitest/config';

/**
 * The tests of the mutated modules only (see stryker.config.mjs). Each mutant of a module-level constant
 * reloads and reruns every included file, so a file added here costs once per such mutant: add the tests of
 * a module when it joins `mutate`. Unit tests are pure code; the integration tests run against one DynamoDB
 * Local and SES emulator per test runner (the global setup of `npm test`'s integration project), for the
 * modules whose guards are DynamoDB conditions.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Instrumented code on a busy machine: the 128,000-contact shard spread takes seconds.
          testTimeout: 60_000,
          include: [
            'test/unit/stats.test.ts',
            'test/unit/links.test.ts',
            'test/unit/core-*.test.ts',
            'test/unit/answering-*.test.ts',
            'test/unit/sending-transitions.test.ts',
            'test/unit/sending-eligibility.test.ts',
            'test/unit/sending-acceptance.test.ts',
            'test/unit/store-*.test.ts',
            'test/unit/aggregation-*.test.ts',
            'test/unit/insights-value.test.ts',
            'test/unit/console-core.test.ts',
            'test/unit/alerts-*.test.ts',
            'test/unit/insights-drivers.test.ts',
            'test/unit/insights-trend.test.ts',
            'test/unit/insights-themes.test.ts',
            'test/unit/report-period.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'test/integration/aggregation-guards.test.ts',
            'test/integration/sending-acceptance.test.ts',
            'test/integration/lease-claim.test.ts',
            'test/integration/link-budget.test.ts',
            'test/integration/lane-lock.test.ts',
          ],
          globalSetup: ['test/support/local-services.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
