import assert from 'node:assert/strict';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { DEFAULT_OPTIONS } from '../options';
import { failureReport } from '../report';
import { simulate } from '../simulate';
import { runFleet, type FleetPlan } from './fleet';
import { MergeError, mergeReports } from './merge';
import { errorLines, summaryLines } from './print';
import { PlanError, parseDuration, parseShard, seedsInShard, shardSeeds, WHOLE } from './plan';
import { ReorderBuffer } from './reorder';
import { runReport, type RunReport } from './run-report';

const now = () => performance.now();
const bugged = { ...DEFAULT_OPTIONS, ops: 200, bug: 'quorum-miscounts' as const };

function plan(over: Partial<FleetPlan>): FleetPlan {
  return {
    from: 1,
    seeds: 10,
    shard: WHOLE,
    config: { options: bugged, shrink: false },
    workers: 2,
    seedTimeoutMs: 60_000,
    maxFailures: 100,
    ...over,
  };
}

test('reorder buffer: results leave in index order whatever order they arrive in', () => {
  const out: string[] = [];
  const buffer = new ReorderBuffer<string>((v, i) => out.push(`${i}:${v}`));
  buffer.push(2, 'c');
  buffer.push(1, 'b');
  assert.deepEqual(out, []);
  assert.equal(buffer.held, 2);
  buffer.push(0, 'a');
  buffer.push(3, 'd');
  assert.deepEqual(out, ['0:a', '1:b', '2:c', '3:d']);
  assert.equal(buffer.emitted, 4);
  assert.throws(() => buffer.push(1, 'again'), /arrived twice/);
});

test('plan: shards split a range round robin, as cucumber-js splits scenarios: every seed once', () => {
  assert.deepEqual(shardSeeds(1, 10, { index: 1, count: 3 }), [1, 4, 7, 10]);
  assert.deepEqual(shardSeeds(1, 10, { index: 2, count: 3 }), [2, 5, 8]);
  assert.deepEqual(shardSeeds(1, 10, { index: 3, count: 3 }), [3, 6, 9]);
  for (const [from, seeds, count] of [
    [1, 10, 3],
    [100, 7, 7],
    [5, 1000, 4],
    [1, 2, 5],
  ] as const) {
    const all = Array.from({ length: count }, (_, i) =>
      shardSeeds(from, seeds, { index: i + 1, count }),
    ).flat();
    assert.deepEqual(
      all.sort((a, b) => a - b),
      Array.from({ length: seeds }, (_, k) => from + k),
    );
  }
  assert.equal(seedsInShard(2, { index: 3, count: 3 }), 0);
  assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
  for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b']) assert.throws(() => parseShard(bad), PlanError);
});

test('plan: a duration reads 30s, 10m, 1h', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  for (const bad of ['10', '1.5m', '0s', '5d', '-1s']) assert.throws(() => parseDuration(bad), PlanError);
});

test('fleet: two workers find what one thread finds, in seed order: the same failing seeds, histories and shrunk schedules', async () => {
  const config = {
    options: bugged,
    shrink: true,
    shrinkMaxRuns: 60,
    shrinkBudgetMs: Number.POSITIVE_INFINITY,
  };
  const alone = await simulate({ from: 1, seeds: 24, maxFailures: 100, ...config }, { now });
  const seen: number[] = [];
  const fleet = await runFleet(plan({ seeds: 24, config }), { now, onOutcome: (o) => seen.push(o.seed) })
    .done;
  assert.deepEqual(
    seen,
    Array.from({ length: 24 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    fleet.failures.map((f) => f.seed),
    [7, 8, 19, 21],
  );
  assert.deepEqual(
    fleet.failures.map((f) => f.seed),
    alone.failures.map((f) => f.seed),
  );
  for (const [i, f] of fleet.failures.entries()) {
    // The whole report — history, fault timeline, violations, shrunk schedule — byte for byte.
    assert.equal(JSON.stringify(f.report), JSON.stringify(failureReport(alone.failures[i]!)));
    assert.equal(f.gherkin, alone.failures[i]!.gherkin);
  }
  assert.equal(fleet.simulatedMs, alone.simulatedMs);
  assert.equal(fleet.tasks, alone.tasks);
  assert.deepEqual(fleet.faultsByKind, alone.faultsByKind);
});

test('fleet: --max-failures stops in seed order, as one worker would, dropping later seeds in flight', async () => {
  const s = await runFleet(plan({ seeds: 30, maxFailures: 2, workers: 2 }), { now }).done;
  assert.deepEqual(
    s.failures.map((f) => f.seed),
    [7, 8],
  );
  assert.equal(s.seedsRun, 8);
  assert.equal(s.lastSeed, 8);
  assert.equal(s.stoppedEarly, true);
});

test('fleet: a shard runs every n-th seed; the shards together find what the whole range finds', async () => {
  const found: number[] = [];
  for (const index of [1, 2, 3]) {
    const s = await runFleet(plan({ seeds: 24, workers: 1, shard: { index, count: 3 } }), { now }).done;
    assert.equal(s.seedsRun, 8);
    found.push(...s.failures.map((f) => f.seed));
  }
  assert.deepEqual(
    found.sort((a, b) => a - b),
    [7, 8, 19, 21],
  );
});

test('pool: a worker that crashes, throws or hangs makes its seed an error, never a pass; the rest run on', async () => {
  const entry = path.join(__dirname, 'testing', 'faulty-worker.js');
  const seen: number[] = [];
  const s = await runFleet(plan({ from: 1, seeds: 12, entry, seedTimeoutMs: 1500 }), {
    now,
    onOutcome: (o) => seen.push(o.seed),
  }).done;
  assert.deepEqual(
    seen,
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    s.errors.map((e) => e.seed),
    [3, 5, 7, 9],
  );
  assert.match(s.errors[0]!.error, /^seed 3: its worker crashed \(exit code 3\)/);
  assert.match(s.errors[1]!.error, /^seed 5: its worker crashed \(exit code 1\): Error: boom at seed 5/);
  assert.match(s.errors[2]!.error, /^seed 7: no answer within 2 s; its worker was terminated/);
  assert.match(s.errors[3]!.error, /^seed 9: the run threw: generator broke/);
  assert.equal(s.failures.length, 0);
  assert.equal(s.seedsRun, 12);
});

test('pool: a worker that cannot start stops the run with an error', async () => {
  const entry = path.join(__dirname, 'testing', 'no-such-worker.js');
  await assert.rejects(runFleet(plan({ entry }), { now }).done, /exited \(code 1\) before it was ready/);
});

function report(index: number, count: number, over: Partial<RunReport['run']> = {}): RunReport {
  const summary = {
    seedsRun: 1,
    firstSeed: index,
    lastSeed: index,
    failures: [],
    errors: [],
    simulatedMs: 10,
    tasks: 1,
    faultsByKind: {} as never,
    wallMs: 100,
    seedsPerSecond: 10,
    ratio: 0.1,
    stoppedEarly: false,
    interrupted: false,
    workers: 1,
    heap: { gc: false, main: { startBytes: 0, endBytes: 0 }, workers: [] },
  };
  const run = {
    from: 1,
    seeds: count,
    durationMs: null,
    options: bugged,
    shrink: true,
    maxFailures: 10,
    ...over,
  };
  return runReport(run, { index, count }, summary, (seed) => `reports/simulate/${seed}.json`);
}

test('merge: refuses reports that do not make one run, with a typed error that says what to pass', () => {
  const problem = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof MergeError, String(err));
      return `${err.problem}: ${err.message}`;
    }
    return 'merged';
  };
  const as = (r: RunReport, file: string) => ({ file, report: r });
  assert.equal(
    problem(() => mergeReports([1, 2, 3].map((i) => as(report(i, 3), `s${i}.json`)))),
    'merged',
  );
  assert.match(
    problem(() => mergeReports([as(report(1, 3), 'a.json'), as(report(3, 3), 'c.json')])),
    /^missing-shard: shard 2\/3 missing; pass all 3 shards' reports/,
  );
  assert.match(
    problem(() => mergeReports([as(report(1, 2), 'a.json'), as(report(1, 2), 'b.json')])),
    /^repeated-shard: shard 1\/2 is given twice \(a.json and b.json\)/,
  );
  assert.match(
    problem(() =>
      mergeReports([
        as(report(1, 2), 'a.json'),
        as(report(2, 2, { options: { ...bugged, ops: 300 } }), 'b.json'),
      ]),
    ),
    /^different-runs: b.json ran seeds 1..2, 300 operations.* but a.json ran seeds 1..2, 200 operations/,
  );
  assert.match(
    problem(() => mergeReports([as(report(1, 2), 'a.json'), as(report(2, 3), 'b.json')])),
    /^different-runs/,
  );
  assert.match(
    problem(() => mergeReports([])),
    /^no-input/,
  );
});

test('print: a seed that could not be judged is printed as an error with its replay command, and counted in the summary', async () => {
  const entry = path.join(__dirname, 'testing', 'faulty-worker.js');
  const s = await runFleet(plan({ from: 1, seeds: 4, entry, workers: 1 }), { now }).done;
  const e = s.errors[0]!;
  assert.deepEqual(errorLines(e.seed, e.error, bugged), [
    `✗ seed 3 could not be judged: ${e.error}`,
    '  replay: npm run simulate -- --seeds 1 --from 3 --ops 200 --faults all --bug quorum-miscounts',
  ]);
  const lines = summaryLines(s, WHOLE);
  assert.ok(lines.includes('seeds run:               4 (1..4)'), lines.join('\n'));
  assert.ok(lines.includes('failures:                0'));
  assert.ok(lines.includes('errors:                  1 (seeds 3) (not judged: crashed or timed out)'));
});
