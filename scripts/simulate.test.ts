/**
 * The simulate command end to end, as a user runs it: the same seed range on one worker and on
 * two prints the same thing in the same order (progress, failures with their shrunk scenarios,
 * summary) and leaves byte-identical reports — only wall-clock figures differ; a timed run stops,
 * summarises and reports the heap. Each run has a scratch directory of its own as its cwd.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const SCRIPT = path.join(__dirname, 'simulate.ts');
const TS_NODE = require.resolve('ts-node/register');

function simulate(args: string[], node: string[] = []) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-test-'));
  const t0 = Date.now(); // allow-nondeterminism: the test times the command
  const r = spawnSync(process.execPath, [...node, '-r', TS_NODE, SCRIPT, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '0', TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') },
  });
  const wallMs = Date.now() - t0; // allow-nondeterminism
  const read = (file: string) => fs.readFileSync(path.join(cwd, file), 'utf8');
  const dir = path.join(cwd, 'reports', 'simulate');
  const reports = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter((f) => /^\d+\.json$/.test(f)).sort();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wallMs, cwd, read, reports };
}

/** The output without its wall-clock figures (rates, times, heap) and without the worker count. */
function deterministic(text: string): string {
  return text
    .split('\n')
    .filter(
      (l) =>
        !/^(wall time|simulated-to-wall ratio|seeds per second|heap used| {2}main thread| {2}workers)/.test(
          l,
        ),
    )
    .map((l) =>
      l
        .replace(/ · [\d.]+ seeds\/s/, '')
        .replace(/ · \d+× real time/, '')
        .replace(/ \(\d+ per wall second\)/, '')
        .replace(/; \d+ workers?$/, ''),
    )
    .join('\n');
}

test('simulate: --workers 1 and --workers 2 print the same seeds, failures, shrunk scenarios and summary, in seed order', () => {
  const args = ['--seeds', '24', '--ops', '200', '--bug', 'quorum-miscounts', '--progress-every', '5'];
  const one = simulate([...args, '--workers', '1']);
  const two = simulate([...args, '--workers', '2']);
  assert.equal(one.status, 1, one.stderr);
  assert.equal(two.status, 1, two.stderr);
  assert.match(one.stdout, /^failures: +4 \(seeds 7, 8, 19, 21\)$/m);
  assert.equal(deterministic(two.stdout), deterministic(one.stdout));
  // Started without --expose-gc, the heap figures say so.
  assert.match(one.stdout, /^heap used \(without a GC \(run node with --expose-gc to collect first\)\):$/m);
  assert.equal(deterministic(two.stderr), deterministic(one.stderr));
  const seedLines = (out: string) => [...out.matchAll(/^✗ seed (\d+)/gm)].map((m) => Number(m[1]));
  assert.deepEqual(seedLines(two.stdout), [7, 8, 19, 21]);
  assert.deepEqual(
    [...two.stderr.matchAll(/^simulate: (\d+)\/24 seeds/gm)].map((m) => Number(m[1])),
    [5, 10, 15, 20, 24],
  );
  // Each failing seed's report — history, fault timeline, violations, shrunk schedule — byte for byte.
  assert.deepEqual(two.reports, ['19.json', '21.json', '7.json', '8.json']);
  for (const file of one.reports)
    assert.equal(two.read(`reports/simulate/${file}`), one.read(`reports/simulate/${file}`), file);
  const run = (r: typeof one) => {
    const { failures, seedsRun, simulatedMs, tasks, faultsByKind } = JSON.parse(
      r.read('reports/simulate/run.json'),
    );
    return { failures, seedsRun, simulatedMs, tasks, faultsByKind };
  };
  assert.deepEqual(run(two), run(one));
});

test('simulate: --duration 3s draws seeds until the time is up, then summarises with the heap before and after', () => {
  const r = simulate(['--duration', '3s', '--ops', '200', '--workers', '2'], ['--expose-gc']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.wallMs >= 3000 && r.wallMs < 30_000, `took ${r.wallMs} ms`);
  assert.match(r.stderr, /^simulate: seeds from 1 for 3s,/m);
  assert.match(
    r.stderr,
    /^simulate: \d+ seeds · \ds of 3s · 0 failing · [\d.]+ seeds\/s · [\d.]+ simulated h/m,
  );
  const seeds = Number(/^seeds run: +(\d+) \(1\.\.(\d+)\)$/m.exec(r.stdout)?.[1]);
  assert.ok(seeds > 0, r.stdout);
  assert.match(r.stdout, /^heap used \(after a full GC\):$/m);
  assert.match(r.stdout, /^ {2}main thread: +[\d.]+ MB at start → [\d.]+ MB at end$/m);
  assert.match(
    r.stdout,
    /^ {2}workers \(loaded → end\): #1 [\d.]+ MB → [\d.]+ MB, #2 [\d.]+ MB → [\d.]+ MB$/m,
  );
  const report = JSON.parse(r.read('reports/simulate/run.json'));
  assert.equal(report.run.durationMs, 3000);
  assert.equal(report.run.seeds, null);
  assert.equal(report.seedsRun, seeds);
  assert.equal(report.heap.gc, true);
});

test('simulate: a bad --shard is refused with what to pass (parseShard and parseDuration have their own tests)', () => {
  for (const [args, message] of [
    [['--shard', '4/3'], /--shard needs i\/n with 1 ≤ i ≤ n/],
    [['--seeds', '2', '--shard', '3/3'], /--shard 3\/3 gets no seed of --seeds 2/],
  ] as const) {
    const r = simulate([...args]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
  }
});

test('simulate: Ctrl-C (SIGINT) stops the workers, summarises what ran and exits 130', async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-test-'));
  const child = spawn(
    process.execPath,
    ['-r', TS_NODE, SCRIPT, '--seeds', '100000', '--ops', '200', '--workers', '2'],
    {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0', TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') },
    },
  );
  let stdout = '';
  let stderr = '';
  let armed = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    // Interrupt once the seeds have started (the header is printed before the workers start).
    if (armed || !/^simulate: \d+ seeds from/m.test(stderr)) return;
    armed = true;
    setTimeout(() => child.kill('SIGINT'), 1500);
  });
  // 'close', not 'exit': the child's output may still be in the pipe when it exits.
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; stopping the workers/);
  assert.match(stdout, /^seeds run: +\d+ \(1\.\.\d+\), interrupted$/m, stderr);
});
