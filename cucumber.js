// Cucumber profiles. `default`: progress on the console and every report under reports/
// (Cucumber's HTML, JSON and messages, our JUnit XML — src/report/junit, valid against the Ant
// JUnit schema, each failure with its seed and replay command — and the stakeholder summary as
// HTML and Markdown). `ci`: the same without colours; strict (undefined or pending steps fail the
// run), and a run that selects no scenario fails, a `--shard i/n` that gets none included
// (steps/support/require-a-scenario.js: Cucumber alone exits 0 when nothing matched).
// No profile writes to $GITHUB_STEP_SUMMARY: a formatter would overwrite what earlier steps wrote
// there; the workflow (.github/workflows/uat.yml) appends summary.md to it after
// `npm run report:merge` has merged the shards' messages into one set of reports.
// `smoke`: the quick subset tagged @smoke.
// `parallel`: the default profile's run and reports in 2 worker processes (`--parallel N` on the
// command line overrides the 2), the scenarios that took longest in the previous run in the same
// reports directory first (steps/support/longest-first.js), so no worker is left with a long one at
// the end. Each worker loads ts-node and the steps again: its first scenario starts 1.1–1.6 s after
// the run does (0.3 s in one process), and the run spends about 30% more CPU (user+sys 25.4–29.9 s
// against 20.6–21.7 s), as one process already keeps about 1.3 cores busy. Measured on 2 shared
// cores, alternating with the serial run, 6 runs each at load 1.8–3.4 (2026-12-01, after the lag
// sampler stopped sampling idle ticks): median 14.2 s (13.5–16.2) against 15.1 s (14.6–16.0), so
// about as fast on 2 cores and spread wider; it was slower before (27.8 s against 23.3 s at load
// 4–5, when a run was longer). It pays with 4 or more free cores; on 2 it saves little.
// `real`: the `ci` run against real processes (tidal-node servers, etcd, iptables: src/real's
// ProcessCluster, chosen by the world parameter `mode`), every scenario but those tagged
// @simulator-only (they need message-level control or the simulator's insides; see
// features/GLOSSARY.md), its reports under reports/real/ (scripts/real-selection.ts checks that
// no scenario it selects uses a step that needs the simulator). Its steps and hooks may take 70 s,
// not 5 (steps/support/real-profile.js; STEP_TIMEOUT_MS in steps/support/time-limits.ts says why).
// TIDAL_REPORTS_DIR moves them elsewhere (the tests that run the profiles write to a temp dir).
const dir = process.env.TIDAL_REPORTS_DIR || 'reports';
const reportsInto = (dir) => [
  'progress-bar',
  `html:${dir}/cucumber.html`,
  `json:${dir}/cucumber.json`,
  `message:${dir}/messages.ndjson`,
  `./src/report/junit-formatter.js:${dir}/junit.xml`,
  `./src/report/summary-html-formatter.js:${dir}/summary.html`,
  `./src/report/summary-md-formatter.js:${dir}/summary.md`,
];
const reports = reportsInto(dir);
const noColours = (formats) => formats.map((f) => (f === 'progress-bar' ? 'progress' : f));

// The @demo-failure scenario fails on purpose and stays out of every run unless the command line
// names it (`--tags @demo-failure`, or its file as in its replay command). Cucumber ANDs CLI tags
// with the profile's, so the profile must then drop its exclusion, or nothing would run.
const demoRequested = process.argv.some((arg) => arg.includes('demo-failure'));
const notDemo = demoRequested ? undefined : 'not @demo-failure';

// No `paths` in the profiles: Cucumber's default (every feature under features/) applies only when
// the command line names none, so `npx cucumber-js features/x.feature:12` runs just that scenario,
// as a replay command must. `require` skips the unit tests beside the steps (`*.test.ts`).
const common = {
  requireModule: ['ts-node/register'],
  require: ['steps/**/!(*.test).ts'],
  tags: notDemo,
  strict: true,
  format: reports,
  formatOptions: { snippetInterface: 'async-await', junit: { suiteName: 'tidal-uat' } },
};

module.exports = {
  default: { ...common },
  ci: {
    ...common,
    format: noColours(reports),
    plugin: ['./steps/support/require-a-scenario.js'],
  },
  real: {
    ...common,
    // The real step time limit (steps/support/time-limits.ts), set before any world exists.
    require: [...common.require, 'steps/support/real-profile.js'],
    tags: demoRequested ? 'not @simulator-only' : 'not @simulator-only and not @demo-failure',
    format: noColours(reportsInto(`${dir}/real`)),
    plugin: ['./steps/support/require-a-scenario.js'],
    worldParameters: { mode: 'real' },
  },
  smoke: { ...common, tags: demoRequested ? '@smoke' : '@smoke and not @demo-failure' },
  parallel: {
    ...common,
    parallel: 2,
    plugin: ['./steps/support/longest-first.js'],
    pluginOptions: { longestFirst: { messages: `${dir}/messages.ndjson` } },
  },
};
