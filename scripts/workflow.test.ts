/**
 * The sample GitHub workflow (.github/workflows/uat.yml) and the profiles it runs: three shards
 * whose messages the reports job merges, only npm scripts that exist, the job summary appended
 * (>>) and never overwritten (>), and no Cucumber profile writing to $GITHUB_STEP_SUMMARY itself.
 * No YAML parser: the workflow is written so that line checks suffice.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW = path.join(ROOT, '.github/workflows/uat.yml');
const text = fs.readFileSync(WORKFLOW, 'utf8');
/** The workflow's lines without its comments. */
const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
/** The lines of one job: from its `  name:` key to the next job's (jobs are indented by two spaces). */
function job(name: string): string[] {
  const start = lines.findIndex((line) => line === `  ${name}:`);
  assert.ok(start >= 0, `no job ${name}`);
  const end = lines.findIndex((line, i) => i > start && /^ {2}[\w-]+:\s*$/.test(line));
  return lines.slice(start, end < 0 ? undefined : end);
}
const scripts = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The values of a job's `shard: [...]` matrix lines. */
function shardMatrix(jobLines: string[]): string[] {
  return jobLines
    .map((line) => /^\s*shard:\s*\[([^\]]*)\]\s*$/.exec(line)?.[1])
    .filter((m) => m !== undefined);
}

test('workflow: three shards, each run with --profile ci --shard i/3, all three merged', () => {
  assert.deepEqual(shardMatrix(job('uat')), ['1, 2, 3']);
  assert.ok(
    lines.some((l) => l.trim() === 'run: npx cucumber-js --profile ci --shard ${{ matrix.shard }}/3'),
  );
  assert.ok(lines.some((l) => l.trim() === 'TIDAL_REPORTS_DIR: reports/shard-${{ matrix.shard }}'));
  assert.ok(
    lines.some((l) => l.trim() === 'name: uat-shard-${{ matrix.shard }}'),
    'each shard uploads its messages',
  );
  const merge = lines.find((l) => l.includes('npm run report:merge'));
  assert.ok(merge, 'the reports job merges');
  assert.match(merge, /--shards 3 shards\/uat-shard-1 shards\/uat-shard-2 shards\/uat-shard-3$/);
});

test('workflow: the simulation runs in three shards of one seed range, each uploading its JSON report, and the merge takes all three', () => {
  const sim = job('simulate').map((l) => l.trim());
  assert.deepEqual(shardMatrix(job('simulate')), ['1, 2, 3']);
  const run = sim.find((l) => l.startsWith('run: npm run simulate -- '));
  assert.ok(run, 'the simulate job runs npm run simulate');
  assert.match(run, / --shard \$\{\{ matrix\.shard \}\}\/3 /);
  assert.match(run, / --json reports\/simulate\/shard-\$\{\{ matrix\.shard \}\}\.json$/);
  const upload = sim.indexOf('name: simulate-shard-${{ matrix.shard }}');
  assert.ok(upload > 0, 'each shard uploads its report');
  assert.equal(sim[upload + 1], 'path: reports/simulate/');
  assert.equal(
    sim[sim.indexOf('uses: actions/upload-artifact@v4') - 1],
    'if: always()',
    'uploaded when the shard failed too',
  );

  const merge = job('simulate-merge').map((l) => l.trim());
  assert.ok(merge.includes('needs: simulate') && merge.includes('if: always()'));
  assert.ok(merge.includes('pattern: simulate-shard-*'));
  const merging = merge.find((l) => l.includes('npm run simulate:merge'));
  assert.ok(merging, 'the simulate-merge job merges');
  const files = [...merging.matchAll(/simulate-shards\/simulate-shard-(\d)\/shard-(\d)\.json/g)].map((m) => [
    m[1],
    m[2],
  ]);
  assert.deepEqual(files, [
    ['1', '1'],
    ['2', '2'],
    ['3', '3'],
  ]);
  assert.match(merging, / --markdown reports\/simulate\/summary\.md /);
  assert.ok(
    merge.includes('cat reports/simulate/summary.md >> "$GITHUB_STEP_SUMMARY"'),
    'the merged summary is appended',
  );
});

test("workflow: the reports job restores the run history before it merges, so the page's trends span runs", () => {
  const at = (predicate: (line: string) => boolean): number => lines.findIndex(predicate);
  const cache = at((l) => l.trim() === 'uses: actions/cache@v4');
  assert.ok(cache >= 0, 'no actions/cache step');
  assert.equal(lines[cache + 2]?.trim(), 'path: reports/history', 'the cache keeps reports/history');
  const key = lines[cache + 3]?.trim() ?? '';
  assert.match(
    key,
    /^key: uat-history-.*\$\{\{ github\.run_id \}\}/,
    'a key of its own per run (a cache is never overwritten)',
  );
  assert.ok(
    cache < at((l) => l.includes('npm run report:merge')),
    'the history is restored before the merge appends to it',
  );
});

test('workflow: every npm script it runs exists in package.json', () => {
  const used = [...text.matchAll(/npm run ([\w:.-]+)/g)].map((m) => m[1]);
  for (const name of ['report:merge', 'simulate', 'simulate:merge']) assert.ok(used.includes(name), name);
  for (const name of used)
    assert.ok(scripts[name] !== undefined, `npm run ${name}: no such script in package.json`);
});

test('workflow: the summary is appended to $GITHUB_STEP_SUMMARY, never written over', () => {
  const touching = lines.filter((line) => line.includes('GITHUB_STEP_SUMMARY'));
  assert.ok(touching.length > 0);
  for (const line of touching) {
    assert.doesNotMatch(
      line,
      /(^|[^>])>\s*"?\$\{?GITHUB_STEP_SUMMARY/,
      `overwrites the job summary: ${line.trim()}`,
    );
    assert.doesNotMatch(
      line,
      /\btee\s+(?!-a\b)[^|]*GITHUB_STEP_SUMMARY/,
      `tee without -a overwrites: ${line.trim()}`,
    );
    assert.match(line, />>\s*"\$GITHUB_STEP_SUMMARY"/, line.trim());
  }
  assert.ok(touching.some((l) => l.trim() === 'cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"'));
});

test('profiles: no Cucumber profile writes to $GITHUB_STEP_SUMMARY; ci stays strict and requires a scenario', () => {
  const file = path.join(ROOT, 'cucumber.js');
  const saved = process.env.GITHUB_STEP_SUMMARY;
  process.env.GITHUB_STEP_SUMMARY = '/tmp/github-step-summary.md';
  try {
    delete require.cache[require.resolve(file)];
    const profiles = require(file) as Record<
      string,
      { format?: string[]; strict?: boolean; plugin?: string[] }
    >;
    for (const [name, profile] of Object.entries(profiles))
      for (const format of profile.format ?? [])
        assert.ok(!format.includes('github-step-summary'), `profile ${name} writes ${format}`);
    assert.equal(profiles.ci.strict, true);
    assert.deepEqual(profiles.ci.plugin, ['./steps/support/require-a-scenario.js']);
    assert.ok(profiles.ci.format?.some((f) => f.startsWith('./src/report/junit-formatter.js:')));
  } finally {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
    delete require.cache[require.resolve(file)];
  }
  assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /process\.env\.GITHUB_STEP_SUMMARY/);
});
