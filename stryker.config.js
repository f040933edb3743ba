// Mutation testing of the replication engine (`npm run mutate`; not part of `npm test`).
// It mutates the modules the replication goal names, and the leader's commit counting, and runs
// the engine's unit and property tests against each mutant: node's test runner over ts-node, one
// process per test file, through Stryker's tap runner. Per-test coverage runs, for each mutant,
// only the test files that reach it. Incremental: a rerun tests only mutants whose code or tests
// changed since the last run (`npm run mutate -- --force` tests them all). Narrow a run with
// `npm run mutate -- --mutate src/engine/hlc.ts`. Reports: reports/mutation/.
// Equivalent mutants that survive on purpose are listed in mutation-equivalents.md.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
module.exports = {
  $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  tap: {
    // Only the engine tests that exercise the mutated modules (the routing, WAL and batch tests
    // reach none of them and would only lengthen the initial run).
    testFiles: [
      'src/engine/crdt/*.test.ts',
      'src/engine/replication/*.test.ts',
      'src/engine/hlc.test.ts',
      'src/engine/session.test.ts',
      'src/engine/idempotency.test.ts',
      'src/engine/store.test.ts',
      'src/engine/tidal-db.test.ts',
      'src/engine/commit-tracker.test.ts',
    ],
    nodeArgs: ['-r', 'ts-node/register'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/engine/replication/**/*.ts',
    'src/engine/crdt/**/*.ts',
    'src/engine/hlc.ts',
    'src/engine/session.ts',
    'src/engine/idempotency.ts',
    'src/engine/commit-tracker.ts',
    '!**/*.test.ts',
    '!src/**/testing/**',
  ],
  // The sandbox copies need none of these.
  ignorePatterns: ['/reports', '/.tmp', '/features', '/bench', '*.cpuprofile'],
  // Under reports/ so that git, eslint and prettier already ignore the sandbox copies.
  tempDirName: 'reports/.stryker-tmp',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 90, low: 85, break: null },
  // Two cores shared with other engineers' test runs.
  concurrency: 1,
  timeoutMS: 10_000,
};
