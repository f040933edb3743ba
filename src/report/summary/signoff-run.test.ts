// End to end: real cucumber-js runs of a small project in a temp dir, with the summary formatters
// loaded through their .js entry files, as cucumber.js wires them. Its hooks attach the seed, the
// promise checker's verdict and the system under test by their contracts (seed.ts, verdicts.ts),
// so the sign-off page's parts can be checked: headline, run errors, system, selection, promises,
// known limits, @technical apart, trend strips, and one history record per run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HistoryRecord } from './history';

const CUCUMBER = require.resolve('@cucumber/cucumber');
const CUCUMBER_BIN = join(CUCUMBER, '..', '..', 'bin', 'cucumber.js');

const PARTITIONS = `@phase-8.6 @partitions
Feature: A cut-off region catches up after the heal
  Rule: A follower cut off from its leader catches up once the link heals
    Scenario: eu-west catches up
      Given a step passes

    @known-limit
    Scenario: a write accepted on both sides counts twice
      The limit as the product documents it.
      Given a step passes
`;

const HARNESS = `@phase-8.6 @harness @technical
Feature: The simulated cluster runs on virtual time
  Scenario: virtual time moves only when the cluster runs
    Given a step passes
`;

const STEPS = `const { Before, After, AfterAll, BeforeAll, Given } = require(${JSON.stringify(CUCUMBER)});
Before(function ({ pickle }) {
  const replay = 'TIDAL_SEED=7 npx cucumber-js ' + pickle.uri + ':' + pickle.location.line;
  this.attach(JSON.stringify({ seed: 7, replay }), { mediaType: 'application/vnd.tidal.seed+json' });
});
After(function ({ pickle }) {
  const lost = process.env.BREAK_LOST_WRITE === '1';
  // REAL_PROCESSES: 'all', or a path fragment naming the scenarios that ran against processes.
  const realOnes = process.env.REAL_PROCESSES;
  const real = realOnes !== undefined && (realOnes === 'all' || pickle.uri.includes(realOnes));
  const promises = [
    { checker: 'lost-write', promise: 'no acknowledged write is lost', held: !lost, violations: lost ? 1 : 0 },
    { checker: 'convergence', promise: 'every replica converges', held: true, violations: 0 },
  ];
  if (realOnes !== undefined)
    promises.push(
      real
        ? { checker: 'hlc', promise: 'HLC stamps strictly increase per node', status: 'not-checked', held: false, violations: 0, reason: 'needs every HLC stamp a node issued' }
        : { checker: 'hlc', promise: 'HLC stamps strictly increase per node', status: 'held', held: true, violations: 0 },
    );
  this.attach(JSON.stringify({ promises }), { mediaType: 'application/vnd.tidal.promises+json' });
  const mode = real ? 'real-processes' : 'simulated';
  const system = { mode, engine: 'tidal-engine', version: '0.1.0', commit: 'abc123', description: 'x' };
  this.attach(JSON.stringify(system), { mediaType: 'application/vnd.tidal.system+json' });
});
if (process.env.FAIL_AFTER_ALL) AfterAll(function () { throw new Error('teardown broke'); });
if (process.env.FAIL_BEFORE_ALL) BeforeAll(function () { throw new Error('setup broke'); });
Given('a step passes', () => undefined);
`;

interface Run {
  status: number | null;
  html: string;
  md: string;
  jobSummary: string;
  history: HistoryRecord[];
}

function project(): { dir: string; run: (args: string[], env?: Record<string, string>) => Run } {
  const dir = mkdtempSync(join(tmpdir(), 'tidal-signoff-'));
  mkdirSync(join(dir, 'features', 'partitions'), { recursive: true });
  mkdirSync(join(dir, 'features', 'harness'), { recursive: true });
  writeFileSync(join(dir, 'features', 'partitions', 'p.feature'), PARTITIONS);
  writeFileSync(join(dir, 'features', 'harness', 'h.feature'), HARNESS);
  writeFileSync(join(dir, 'steps.js'), STEPS);
  const entry = (name: string) => pathToFileURL(join(__dirname, '..', name)).href;
  const config = {
    default: {
      paths: ['features/**/*.feature'],
      require: ['steps.js'],
      format: [
        [entry('summary-html-formatter.js'), 'out/summary.html'],
        [entry('summary-md-formatter.js'), 'out/summary.md'],
        [entry('summary-md-formatter.js'), join(dir, 'job-summary.md')],
      ],
    },
  };
  writeFileSync(join(dir, 'cucumber.json'), JSON.stringify(config));
  const run = (args: string[], env: Record<string, string> = {}): Run => {
    const result = spawnSync(process.execPath, [CUCUMBER_BIN, '--config', 'cucumber.json', ...args], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        GITHUB_STEP_SUMMARY: join(dir, 'job-summary.md'),
        TIDAL_REPORTS_DIR: 'out',
        ...env,
      },
    });
    const historyDir = join(dir, 'out', 'history');
    return {
      status: result.status,
      html: readFileSync(join(dir, 'out', 'summary.html'), 'utf8'),
      md: readFileSync(join(dir, 'out', 'summary.md'), 'utf8'),
      jobSummary: readFileSync(join(dir, 'job-summary.md'), 'utf8'),
      history: readdirSync(historyDir)
        .sort()
        .map((f) => JSON.parse(readFileSync(join(historyDir, f), 'utf8')) as HistoryRecord),
    };
  };
  return { dir, run };
}

test('sign-off page: real runs — full, dry run, filtered, AfterAll and BeforeAll failures, a broken promise', () => {
  const { dir, run } = project();
  try {
    // A full run: everything passes.
    const full = run([]);
    assert.equal(full.status, 0);
    assert.match(full.html, /<header id="headline" class="verdict passed">/);
    assert.match(full.html, /<p class="headline" id="verdict">All 3 scenarios passed<\/p>/);
    assert.match(
      full.html,
      /<dd id="system-under-test" data-systems="1">tidal-engine 0\.1\.0, commit abc123, simulated \(in-process\)<\/dd>/,
    );
    assert.match(full.html, /<dd id="selection" data-kind="full">full: every scenario of the suite<\/dd>/);
    assert.match(full.html, /<dd id="suite-commit"><code>unknown<\/code><\/dd>/, 'no git here');
    assert.match(
      full.html,
      /<tr class="promise" data-status="held" data-checker="lost-write"><td>no acknowledged write is lost<\/td><td><code>lost-write<\/code><\/td><td><span class="tag held">held<\/span> held in 3 of 3 scenarios/,
    );
    assert.match(
      full.html,
      /<table id="capabilities">[\s\S]*<td class="cap"><a href="cucumber\.html\?query=%40partitions">@partitions<\/a>[\s\S]*<\/table>/,
    );
    assert.doesNotMatch(
      full.html.split('<section id="technical">')[0],
      /@harness/,
      'technical counted apart',
    );
    assert.match(
      full.html,
      /<section id="technical">\s*<h2>Technical features \(1 scenario, counted apart\)/,
    );
    assert.match(
      full.html,
      /<section id="known-limits">[\s\S]*a write accepted on both sides counts twice[\s\S]*The limit as the product documents it\./,
    );
    assert.match(
      full.html,
      /<span class="tag passed">passed<\/span> <span class="rule-name">A follower cut off from its leader catches up once the link heals<\/span> <a class="more" href="cucumber\.html\?query=%40phase-8.6%20and%20%40partitions">open<\/a>/,
    );
    assert.match(
      full.html,
      /<span class="trend"[^>]*><i class="t-passed" title="unknown · [^"]+ · passed"><\/i><\/span>/,
    );
    assert.equal(
      full.history.length,
      1,
      'one record per run: the HTML formatter writes it, the Markdown ones do not',
    );
    assert.deepEqual(
      full.history[0].promises.map((p) => [p.checker, p.status, p.held, p.checked]),
      [
        ['lost-write', 'held', 3, 3],
        ['convergence', 'held', 3, 3],
      ],
    );
    assert.match(full.md, /^## ✅ tidal-uat: All 3 scenarios passed\n/);
    assert.match(
      full.md,
      /\| ✅ held in 3 of 3 scenarios \| `lost-write` +\| no acknowledged write is lost +\|/,
    );
    assert.match(full.jobSummary, /^## ✅ tidal-uat: All 3 scenarios passed/);

    // A dry run checks nothing, says so, and records no promise as held.
    const dry = run(['--dry-run']);
    assert.match(dry.html, /<header id="headline" class="verdict nothing-checked">/);
    assert.match(dry.html, /3 scenarios skipped \(dry run\): nothing was checked/);
    assert.doesNotMatch(dry.md, /^## .*passed/m);
    assert.equal(dry.history.length, 2);
    assert.deepEqual(dry.history[1].promises, []);
    assert.match(dry.html, /<i class="t-passed"[^>]*><\/i><i class="t-skipped"/, 'trend: newest right');

    // A filtered run says it is one, from the command line and from the stream.
    const filtered = run(['--tags', '@partitions']);
    assert.match(
      filtered.html,
      /<dd id="selection" data-kind="filtered">filtered: --tags @partitions \(2 of 3 scenarios\)<\/dd>/,
    );
    assert.match(filtered.md, /^## ✅ tidal-uat: All 2 selected scenarios passed \(filtered run\)/);

    // A failing AfterAll hook turns the page red with the hook's place and message.
    const afterAll = run([], { FAIL_AFTER_ALL: '1' });
    assert.equal(afterAll.status, 1);
    assert.match(afterAll.html, /<header id="headline" class="verdict failed">/);
    assert.match(afterAll.html, /An AfterAll hook failed \(3 scenarios: 3 passed\)/);
    assert.match(
      afterAll.html,
      /<strong>AfterAll hook failed<\/strong> at <code>steps\.js:\d+<\/code><pre>Error: teardown broke/,
    );
    assert.match(afterAll.md, /^## ❌ tidal-uat: An AfterAll hook failed/);

    // A failing BeforeAll hook: nothing ran, and the page says why.
    const beforeAll = run([], { FAIL_BEFORE_ALL: '1' });
    assert.match(beforeAll.html, /<header id="headline" class="verdict failed">/);
    assert.match(beforeAll.html, /A BeforeAll hook failed: no scenario ran/);
    assert.match(beforeAll.html, /<pre>Error: setup broke/);

    // No scenario selected is an error of the run, not a success.
    const none = run(['--tags', '@nothing-has-this-tag']);
    assert.match(
      none.html,
      /<header id="headline" class="verdict failed">[\s\S]*No scenario selected: nothing was checked/,
    );

    // A broken promise names where, and its history row says broken.
    const broken = run([], { BREAK_LOST_WRITE: '1' });
    assert.match(
      broken.html,
      /<tr class="promise" data-status="broken" data-checker="lost-write">[\s\S]*?broken in 3 of 3 scenarios/,
    );
    assert.equal(broken.history.at(-1)?.promises[0].status, 'broken');
    assert.equal(broken.history.length, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sign-off page: a promise real processes could not check reads as not checked, never as held', () => {
  const { dir, run } = project();
  try {
    // Every scenario ran against processes: the HLC promise was checked nowhere.
    const real = run([], { REAL_PROCESSES: 'all' });
    assert.equal(real.status, 0);
    assert.match(
      real.html,
      /<tr class="promise" data-status="not-checked" data-checker="hlc">[\s\S]*?<span class="tag not-checked">not-checked<\/span> not checked in 3 scenarios \(real processes: needs every HLC stamp a node issued\)<\/td>/,
    );
    assert.doesNotMatch(real.html, /data-checker="hlc">[^\n]*held in/);
    assert.match(
      real.md,
      /\| ⚪ not checked in 3 scenarios \(real processes: needs every HLC stamp a node issued\) \| `hlc` +\|/,
    );
    // The headline says the scenarios passed and which promise went unchecked: it claims no more.
    const headline = /<p class="headline" id="verdict">([^<]*)<\/p>/.exec(real.html)?.[1];
    assert.equal(
      headline,
      'All 3 scenarios passed; 1 promise not checked in 3 scenarios (real processes): hlc',
    );
    assert.match(real.html, /<header id="headline" class="verdict passed partial">/);
    assert.match(
      real.md,
      /^## ☑️ tidal-uat: All 3 scenarios passed; 1 promise not checked in 3 scenarios \(real processes\): hlc\n/,
    );
    // The promises that were checked still read as held; the unchecked one is not recorded as held.
    assert.match(real.html, /data-checker="lost-write">[\s\S]*?held in 3 of 3 scenarios<\/td>/);
    assert.deepEqual(
      real.history[0].promises.map((p) => p.checker),
      ['lost-write', 'convergence'],
    );

    // Partitions against processes, the harness simulated: held where checked, and the rest said.
    const mixed = run([], { REAL_PROCESSES: 'partitions' });
    assert.match(
      mixed.html,
      /<tr class="promise" data-status="partly-checked" data-checker="hlc">[\s\S]*?held in 1 of 1 scenario; not checked in 2 scenarios \(real processes: needs every HLC stamp a node issued\)<\/td>/,
    );
    assert.match(mixed.md, /\| ◐ held in 1 of 1 scenario; not checked in 2 scenarios/);
    const hlc = mixed.history[1].promises.find((p) => p.checker === 'hlc');
    assert.deepEqual(hlc, { checker: 'hlc', status: 'held', held: 1, checked: 1, notChecked: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
