/**
 * Benchmark 6, the Cucumber suite: wall time of `npm run uat`, split into start-up (node, npm,
 * Cucumber, TypeScript loading through ts-node in transpile-only mode, Gherkin parsing — until
 * the run's `testRunStarted` message) and the scenarios (`testRunStarted` → `testRunFinished`),
 * with scenarios per second. A `--dry-run` of the same support code (no formatters) times the
 * loading alone. Everything comes from the run's own message stream.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sig, wallMs } from './lib/measure';

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
} {
  let startedMs = NaN;
  let finishedMs = NaN;
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
  return { startedMs, finishedMs, scenarios, statuses };
}

export function suiteBench(): Record<string, unknown> {
  const root = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-bench-'));
  const messages = path.join(dir, 'messages.ndjson');
  try {
    const dry0 = wallMs();
    const dry = spawnSync('npx', ['cucumber-js', '--config', 'bench/cucumber-dry-run.js'], {
      cwd: root,
      encoding: 'utf8',
    });
    const dryMs = wallMs() - dry0;

    const spawnedAt = Date.now();
    const t0 = wallMs();
    const run = spawnSync('npm', ['run', 'uat', '--', '--format', `message:${messages}`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const totalMs = wallMs() - t0;
    const parsed = fs.existsSync(messages)
      ? parseMessages(fs.readFileSync(messages, 'utf8'))
      : { startedMs: NaN, finishedMs: NaN, scenarios: 0, statuses: {} };
    const scenariosMs = parsed.finishedMs - parsed.startedMs;
    return {
      command: 'npm run uat',
      exit_code: run.status,
      scenarios: parsed.scenarios,
      statuses: parsed.statuses,
      total_wall_ms: sig(totalMs),
      startup_ms: sig(parsed.startedMs - spawnedAt),
      scenarios_ms: sig(scenariosMs),
      after_run_ms: sig(totalMs - (parsed.finishedMs - spawnedAt)),
      scenarios_per_s: sig(parsed.scenarios / (scenariosMs / 1000)),
      dry_run_wall_ms: sig(dryMs),
      dry_run_exit_code: dry.status,
      cpus: os.cpus().length,
      typescript_loading:
        'ts-node with its swc transpiler (tsconfig "ts-node": { transpileOnly: true, swc: true }); types are checked once by `npm run typecheck`',
      target: { total_wall_ms: '<= 15000 on 2 cores' },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
