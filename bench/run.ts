/**
 * `npm run bench`: every benchmark of issue 8, each in its own Node process (a fresh heap, so
 * one benchmark's garbage and JIT state do not colour the next), printed as one JSON object per
 * line and collected in reports/bench.json with the machine's Node version, CPUs and load.
 *
 * Plain Node scripts rather than tinybench or mitata: those harnesses time many iterations of a
 * small function; these benchmarks are whole simulated runs timed once or best-of-three, with
 * heap tracking, side-by-side ratios and child processes (the suite), which a micro-benchmark
 * loop does not model — and they need no dependency.
 *
 * Every figure with a goal (a benchmark's `targets`) ends up in one table after the JSON lines:
 * median, min – max over the runs, goal, met or not, with the machine's load at start and end.
 *
 *   npm run bench                     all of them (a few minutes)
 *   npm run bench -- --only throughput,network
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { accelerationBench } from './acceleration';
import { goalRows, goalTable } from './lib/goals';
import { hasGc, sig, wallMs } from './lib/measure';
import { networkBench } from './network';
import { reconciliationBench } from './reconciliation';
import { routingBench } from './routing';
import { scalingBench } from './scaling';
import { suiteBench } from './suite';
import { throughputBench } from './throughput';
import { workersBench } from './workers';

const BENCHMARKS: Record<string, () => Promise<Record<string, unknown>> | Record<string, unknown>> = {
  time_acceleration: () => accelerationBench(),
  replication_throughput: () => throughputBench(),
  simulated_network: () => networkBench(),
  reconciliation: () => reconciliationBench(),
  scaling: () => scalingBench(),
  routing: () => routingBench(),
  suite: () => suiteBench(),
  simulate_workers: () => workersBench(),
};
const MARK = 'BENCH-RESULT ';
const CHILD_TIMEOUT_MS = 240_000;

async function child(name: string): Promise<void> {
  const bench = BENCHMARKS[name];
  if (!bench)
    throw new Error(`no benchmark "${name}"; the benchmarks are ${Object.keys(BENCHMARKS).join(', ')}`);
  const t0 = wallMs();
  const result = await bench();
  process.stdout.write(`${MARK}${JSON.stringify({ ...result, bench_wall_ms: sig(wallMs() - t0) })}\n`);
}

function parent(only: string[] | undefined): void {
  const names = only ?? Object.keys(BENCHMARKS);
  for (const n of names)
    if (!BENCHMARKS[n])
      throw new Error(`no benchmark "${n}"; the benchmarks are ${Object.keys(BENCHMARKS).join(', ')}`);
  const machine = {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    load_average_at_start: os.loadavg().map((l) => sig(l, 2)),
  };
  const started = new Date().toISOString(); // allow-nondeterminism: a report timestamp
  const t0 = wallMs();
  const results: Record<string, unknown>[] = [];
  for (const name of names) {
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '-r', 'ts-node/register', path.join(__dirname, 'run.ts'), '--child', name],
      {
        cwd: path.resolve(__dirname, '..'),
        encoding: 'utf8',
        timeout: CHILD_TIMEOUT_MS,
        maxBuffer: 64 * 2 ** 20,
      },
    );
    const line = run.stdout?.split('\n').find((l) => l.startsWith(MARK));
    const result: Record<string, unknown> = line
      ? { benchmark: name, node: process.version, ...(JSON.parse(line.slice(MARK.length)) as object) }
      : {
          benchmark: name,
          node: process.version,
          error:
            run.error?.message ??
            `exit ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}`,
        };
    results.push(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  const goals = results.flatMap(goalRows);
  const report = {
    ...machine,
    load_average_at_end: os.loadavg().map((l) => sig(l, 2)),
    started_at: started,
    total_wall_ms: sig(wallMs() - t0),
    command: 'npm run bench',
    goals,
    results,
  };
  process.stdout.write(
    `\nGoals (${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}; load average ${machine.load_average_at_start.join(' ')} at start, ${report.load_average_at_end.join(' ')} at end):\n${goalTable(goals)}\n`,
  );
  const out = path.resolve(__dirname, '..', 'reports', 'bench.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(
    `bench: ${results.length} benchmarks in ${sig(report.total_wall_ms / 1000, 3)} s; wrote ${path.relative(process.cwd(), out)}\n`,
  );
  if (results.some((r) => 'error' in r)) process.exitCode = 1;
}

function main(): void {
  const args = process.argv.slice(2);
  const childAt = args.indexOf('--child');
  if (childAt >= 0) {
    if (!hasGc()) throw new Error('benchmark children need --expose-gc');
    child(args[childAt + 1] ?? '').catch((err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
    return;
  }
  const onlyAt = args.indexOf('--only');
  parent(onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : undefined);
}

main();
