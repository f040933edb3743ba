/**
 * Benchmark 6, the Cucumber suite: wall time of `npm run uat`, split into start-up (node, npm,
 * Cucumber, TypeScript loading through ts-node in transpile-only mode, Gherkin parsing — until
 * the run's `testRunStarted` message) and the scenarios (`testRunStarted` → `testRunFinished`),
 * with scenarios per second; and beside it, alternately (serial, parallel, serial, …) so both see
 * the same machine, the same run with `--profile parallel` (2 worker processes): its wall time
 * over the serial one, and each worker's start-up (the run's start to the worker's first
 * scenario: loading ts-node and the steps again). A `--dry-run` of the same support code (no
 * formatters) times the loading alone. Everything comes from the runs' own message streams.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reported, sig, spread, wallMs } from './lib/measure';

interface Timestamp {
  seconds: number;
  nanos: number;
}

function epochMs(t: Timestamp): number {
  return t.seconds * 1000 + t.nanos / 1e6;
}

/** Scenario statuses and the run's start and finish, from a Cucumber message stream. */
export function parseMessages(ndjson: string): {
  startedMs: number;
  finishedMs: number;
  scenarios: number;
  statuses: Record<string, number>;
  /** Per worker ('' in a serial run), when it started its first scenario. */
  firstCaseMs: Record<string, number>;
} {
  let startedMs = NaN;
  let finishedMs = NaN;
  const firstCaseMs: Record<string, number> = {};
  const worst = new Map<string, string>();
  const caseOf = new Map<string, string>();
  const rank = ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];
  const retried = new Set<string>();
  for (const line of ndjson.split('\n')) {
    if (!line) continue;
    const m = JSON.parse(line) as Record<string, Record<string, unknown>>;
    if (m.testRunStarted) startedMs = epochMs(m.testRunStarted.timestamp as Timestamp);
    else if (m.testRunFinished) finishedMs = epochMs(m.testRunFinished.timestamp as Timestamp);
    else if (m.testCaseStarted) {
      caseOf.set(m.testCaseStarted.id as string, m.testCaseStarted.testCaseId as string);
      const worker = (m.testCaseStarted.workerId as string | undefined) ?? '';
      firstCaseMs[worker] ??= epochMs(m.testCaseStarted.timestamp as Timestamp);
      worst.set(m.testCaseStarted.id as string, 'PASSED');
    } else if (m.testStepFinished) {
      const id = m.testStepFinished.testCaseStartedId as string;
      const status = (m.testStepFinished.testStepResult as { status: string }).status;
      if (rank.indexOf(status) > rank.indexOf(worst.get(id) ?? 'PASSED')) worst.set(id, status);
    } else if (m.testCaseFinished && m.testCaseFinished.willBeRetried) {
      retried.add(m.testCaseFinished.testCaseStartedId as string);
    }
  }
  const statuses: Record<string, number> = {};
  for (const [id, status] of worst) {
    if (retried.has(id) || !caseOf.has(id)) continue;
    statuses[status.toLowerCase()] = (statuses[status.toLowerCase()] ?? 0) + 1;
  }
  const scenarios = Object.values(statuses).reduce((a, b) => a + b, 0);
  return { startedMs, finishedMs, scenarios, statuses, firstCaseMs };
}

interface SuiteRun {
  exitCode: number | null;
  totalMs: number;
  startupMs: number;
  scenariosMs: number;
  afterRunMs: number;
  scenarios: number;
  statuses: Record<string, number>;
  /** Per worker: the run's start to its first scenario (ms). */
  workerStartupMs: number[];
}

/** One `npm run uat` (with `args`), timed, its messages read back. */
function uatRun(root: string, dir: string, args: string[]): SuiteRun {
  // The profile's own message report, in the temp dir (cucumber.js reads TIDAL_REPORTS_DIR), not
  // reports/; the parallel profile orders scenarios by the durations of the run before it there.
  const messages = path.join(dir, 'messages.ndjson');
  const spawnedAt = Date.now();
  const t0 = wallMs();
  const run = spawnSync('npm', ['run', 'uat', '--', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', TIDAL_REPORTS_DIR: dir },
  });
  const totalMs = wallMs() - t0;
  const parsed =
    fs.existsSync(messages) && fs.statSync(messages).mtimeMs >= spawnedAt
      ? parseMessages(fs.readFileSync(messages, 'utf8'))
      : { startedMs: NaN, finishedMs: NaN, scenarios: 0, statuses: {}, firstCaseMs: {} };
  return {
    exitCode: run.status,
    totalMs,
    startupMs: parsed.startedMs - spawnedAt,
    scenariosMs: parsed.finishedMs - parsed.startedMs,
    afterRunMs: totalMs - (parsed.finishedMs - spawnedAt),
    scenarios: parsed.scenarios,
    statuses: parsed.statuses,
    workerStartupMs: Object.entries(parsed.firstCaseMs)
      .filter(([worker]) => worker !== '')
      .map(([, ms]) => ms - parsed.startedMs),
  };
}

/** `npm run uat` serial and with `--profile parallel`, alternately, `rounds` times each. */
export function suiteBench(rounds = 3): Record<string, unknown> {
  const root = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-bench-'));
  try {
    const dry0 = wallMs();
    const dry = spawnSync('npx', ['cucumber-js', '--config', 'bench/cucumber-dry-run.js'], {
      cwd: root,
      encoding: 'utf8',
    });
    const dryMs = wallMs() - dry0;
    const loadBefore = os.loadavg()[0]!;
    const serial: SuiteRun[] = [];
    const parallel: SuiteRun[] = [];
    for (let round = 0; round < rounds; round++) {
      serial.push(uatRun(root, dir, []));
      parallel.push(uatRun(root, dir, ['--profile', 'parallel']));
    }
    const of = (runs: SuiteRun[], f: (r: SuiteRun) => number): ReturnType<typeof spread> =>
      spread(runs.map(f));
    const last = serial[serial.length - 1]!;
    const total = of(serial, (r) => r.totalMs);
    const scenariosMs = of(serial, (r) => r.scenariosMs);
    const parallelTotal = of(parallel, (r) => r.totalMs);
    const workerStartups = parallel.flatMap((r) => r.workerStartupMs);
    return {
      command: 'npm run uat',
      rounds,
      exit_codes: [...serial, ...parallel].map((r) => r.exitCode),
      scenarios: last.scenarios,
      statuses: last.statuses,
      parallel_statuses: parallel[parallel.length - 1]!.statuses,
      ...reported('total_wall_ms', total),
      ...reported(
        'startup_ms',
        of(serial, (r) => r.startupMs),
      ),
      ...reported('scenarios_ms', scenariosMs),
      after_run_ms: sig(last.afterRunMs),
      scenarios_per_s: sig(last.scenarios / (scenariosMs.median / 1000)),
      ...reported('parallel_total_wall_ms', parallelTotal),
      // Each round's parallel run over the serial run just before it: the ratio side by side.
      ...reported('parallel_over_serial', spread(parallel.map((p, i) => p.totalMs / serial[i]!.totalMs))),
      ...reported('parallel_worker_startup_ms', spread(workerStartups.length ? workerStartups : [NaN])),
      dry_run_wall_ms: sig(dryMs),
      dry_run_exit_code: dry.status,
      cpus: os.cpus().length,
      load_average_before_after: [sig(loadBefore, 2), sig(os.loadavg()[0]!, 2)],
      typescript_loading:
        'ts-node with its swc transpiler (tsconfig "ts-node": { transpileOnly: true, swc: true }); types are checked once by `npm run typecheck`',
      targets: {
        total_wall_ms: '<= 15000 on 2 cores',
        parallel_over_serial: '<= 1 (--profile parallel not slower than serial on 2 cores)',
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
