/**
 * `npm run simulate:merge` as CI runs it: three shards' run reports make one summary (text, JSON,
 * Markdown) with every failing seed and its replay command; a missing shard is refused (exit 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_OPTIONS, runReport, type FleetSummary } from '../src/sim';

const SCRIPT = path.join(__dirname, 'simulate-merge.ts');
const options = { ...DEFAULT_OPTIONS, ops: 200 };

function shardReport(dir: string, index: number, failing: number[]): string {
  const summary = {
    seedsRun: 10,
    firstSeed: index,
    lastSeed: index + 27,
    failures: failing.map((seed) => ({
      seed,
      replay: `npm run simulate -- --seeds 1 --from ${seed} --ops 200 --faults all`,
      checker: 'log',
      violations: [{ checker: 'log', message: `follower skipped an event at seed ${seed}` }],
      drawn: '3 regions × 4 shards',
      gherkin: '',
      report: {},
    })),
    errors: [],
    simulatedMs: 60_000,
    tasks: 100,
    faultsByKind: {},
    wallMs: 2000,
    seedsPerSecond: 5,
    ratio: 30,
    stoppedEarly: false,
    interrupted: false,
    workers: 2,
    heap: { gc: true, main: { startBytes: 1, endBytes: 1 }, workers: [] },
  } as unknown as FleetSummary;
  const run = { from: 1, seeds: 30, durationMs: null, options, shrink: true, maxFailures: 10 };
  const file = path.join(dir, `shard-${index}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(runReport(run, { index, count: 3 }, summary, (s) => `reports/simulate/${s}.json`)),
  );
  return file;
}

test('simulate:merge: three shards make one summary with every failing seed and its replay command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulate-merge-'));
  const files = [shardReport(dir, 1, [7]), shardReport(dir, 2, []), shardReport(dir, 3, [21, 3])];
  const md = path.join(dir, 'summary.md');
  const out = path.join(dir, 'merged.json');
  const r = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register', SCRIPT, '--out', out, '--markdown', md, ...files],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^seeds run: +30$/m);
  assert.match(r.stdout, /^failures: +3 \(seeds 3, 7, 21\)$/m);
  assert.match(r.stdout, /^ {2}replay: npm run simulate -- --seeds 1 --from 21 --ops 200 --faults all$/m);
  const merged = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.deepEqual(
    merged.failures.map((f: { seed: number; shard: number }) => [f.seed, f.shard]),
    [
      [3, 3],
      [7, 1],
      [21, 3],
    ],
  );
  const summary = fs.readFileSync(md, 'utf8');
  assert.match(summary, /^## Simulation: seeds 1\.\.30, 200 operations, faults all$/m);
  assert.match(
    summary,
    /^\| 7 \| 1 \| log \| follower skipped an event at seed 7 \| `npm run simulate -- --seeds 1 --from 7/m,
  );

  const missing = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register', SCRIPT, '--out', out, files[0]!, files[2]!],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /shard 2\/3 missing; pass all 3 shards' reports/);
});
