/**
 * `npm run mutate`: mutation testing of the pure core and of the guards that keep sending, counting, claims
 * and the console exactly right (not part of `npm test`). Modules that talk to DynamoDB are tested by their
 * integration tests against DynamoDB Local (vitest.stryker.config.ts starts it once per test runner).
 * Results land in reports/ (git-ignored); a later run reuses those of unchanged code and tests
 * (`incremental`). One module at a time: `nice -n 19 npx stryker run --mutate shared/store/keys.ts`.
 */
import { readFileSync } from 'node:fs';

/**
 * The pure transitions of responses.ts (from MAX_CLICKS to the end of parseAnswers) as a line range, found
 * by their text so that edits above them do not shift the range; the repository below them is not mutated.
 */
const pureResponses = () => {
  const file = 'shared/answering/responses.ts';
  const lines = readFileSync(file, 'utf8').split('\n');
  const first = lines.findIndex((l) => l.startsWith('const MAX_CLICKS'));
  const parse = lines.findIndex((l) => l.startsWith('export const parseAnswers'));
  const last = lines.findIndex((l, i) => i > parse && l === '};');
  if (first < 0 || parse < 0 || last < 0) throw new Error(`${file}: cannot find its pure part to mutate`);
  return `${file}:${first + 1}-${last + 1}`;
};

/*
 * Survivors we accept as equivalent (no test can tell them from the original):
 * - stats.ts changeOf: `Infinity * sign` → `Infinity / sign` (sign is ±1); `|z| > 1.959964` → `>=` (z is a
 *   ratio of measured shares, never exactly the constant).
 * - time.ts dayIn and offsetAt: skipping the formatter cache (`if (!f)` → true, no `set`) only costs time;
 *   parseDurationDays: `if (h)` → true, since the pattern leaves no other group to have matched by then;
 *   offsetAt: `?.value` → `.value` (Intl always gives every part asked for); instantIn: dropping the day check
 *   or the hour check alone (hour 24 rolls the date, so either catches it; a day past the month's end rolls
 *   the month), and emptying the `catch` (it returns undefined either way).
 * - responses.ts isAutomatedNow: `automatedAt !== undefined` → true (Date.parse(undefined) is NaN, and a
 *   comparison with NaN is false anyway); applyCommit: `score !== undefined` for a committed response,
 *   which always has a score.
 * - roles.ts allows: `role !== undefined && …` → `true && …` (indexOf(undefined) is −1, below every role).
 * - transitions.ts isStaleClaim: `claimedAt ?? ''` → any other non-date (Date.parse gives NaN for both).
 * - deltas.ts add: `if (by === 0) return` → never (a zero delta is left out by apply.ts `entriesOf` and
 *   adds nothing in the wave page's sums); contribute: `typeof sentDay === 'string'` → true (an absent day is skipped by `if (day)`
 *   anyway); `typeof score === 'number'` → true for a committed response, which always has a score.
 * - lane-lock.ts readLaneLock: `ConsistentRead: true` → false (DynamoDB Local reads consistently either
 *   way); isHeld: `members !== undefined` → true (a lock without members has no claimedAt either: a
 *   release removes both, so it is stale and not held anyway).
 * - drivers.ts driversOf: `adjusted <= alpha` → `<` (an adjusted p exactly equal to alpha has probability
 *   zero, and the reported adjustedP is rounded, so no test can feed it back exactly).
 * - keys.ts kindOfAggregate: `?? ''` → any other string (split always gives a first part).
 * - period.ts isoWeekRange: dropping or weakening `number < 1 || number > 53` (four mutants): the round
 *   trip that follows (`isoWeekOf(start) !== week`) refuses week 0 and weeks past 53 anyway, as week 0 is
 *   the previous year's last and week 54 the next year's first.
 *
 * Static mutants (a module-level definition: `export const allows = () => undefined`, `WAVE_SHARDS = 0`)
 * are ignored: with Vitest 5 the runner never re-evaluates the module for them, so each "survives" without
 * any test seeing it (checked 2026-12-07: all 49 of keys.ts, and `allows = () => undefined` under the role
 * tests that call it). They cost 88% of a run's time for nothing; the code inside those definitions is
 * mutated at run time as usual, and the key shapes themselves are pinned by test/unit/store-keys.test.ts.
 */

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  mutate: [
    'shared/core/stats.ts',
    'shared/core/links.ts',
    'shared/core/time.ts',
    'shared/core/survey.ts',
    pureResponses(),
    // Sending: who moves a recipient, who may be surveyed, what SES's Send events settle, the lanes' lock.
    'shared/sending/transitions.ts',
    'shared/sending/eligibility.ts',
    'shared/sending/acceptance.ts',
    'shared/sending/lane-lock.ts',
    // The store: key shapes (shards, lanes, checkpoints), once-only claims, reading DynamoDB's refusals.
    'shared/store/keys.ts',
    'shared/store/lease-claim.ts',
    'shared/store/conditions.ts',
    // Exact counters: what an item counts, the checkpoints, the staged drain.
    'shared/aggregation/deltas.ts',
    'shared/aggregation/apply.ts',
    'shared/aggregation/staged.ts',
    'shared/answering/link-budget.ts',
    // The console's guard: same origin, CSRF token, roles.
    'functions/console/guard.ts',
    'shared/team/roles.ts',
    'shared/alerts/subscriptions.ts',
    'shared/insights/drivers.ts',
    'shared/insights/trend.ts',
    'shared/insights/themes/*.ts',
    'shared/core/period.ts',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  // Two cores on every machine here.
  concurrency: 2,
  // An integration test's mutant run waits on DynamoDB Local: give it room on a busy machine.
  timeoutMS: 10_000,
  incremental: true,
  ignorePatterns: ['.local', 'cdk.out', 'bench/out', 'shots', 'coverage'],
  reporters: ['clear-text', 'progress', 'html'],
  thresholds: { high: 90, low: 80, break: 80 },
};
