/**
 * The JSON report of one run or one shard (`--json <file>`): what was asked (the range, the shard,
 * the options), what ran, every failing seed with its replay command and its report file, and the
 * figures. `simulate:merge` joins the reports of a range's shards into one (see merge.ts).
 */
import { replayCommand, type SimOptions } from '../options';
import type { SimViolation } from '../checkers';
import type { FleetSummary, HeapFigures } from './fleet';
import type { Shard } from './plan';
import type { Fault } from '../schedule';

export const RUN_REPORT_FORMAT = 'tidal-simulate-run/1';

/** What a run was asked to do: shards of one range agree on all of it but the shard. */
export interface RunIdentity {
  from: number;
  /** The range's seeds (all shards'); null for a timed run. */
  seeds: number | null;
  durationMs: number | null;
  options: SimOptions;
  shrink: boolean;
  maxFailures: number;
}

export interface RunReport {
  format: typeof RUN_REPORT_FORMAT;
  run: RunIdentity;
  shard: Shard;
  seedsRun: number;
  firstSeed: number | null;
  lastSeed: number | null;
  stoppedEarly: boolean;
  interrupted: boolean;
  failures: {
    seed: number;
    checker: string;
    violations: SimViolation[];
    replay: string;
    drawn: string;
    shrunk: { from: number; to: number; runs: number } | null;
    report: string;
  }[];
  errors: { seed: number; error: string; replay: string }[];
  simulatedMs: number;
  tasks: number;
  faultsByKind: Record<Fault['kind'], number>;
  wallMs: number;
  seedsPerSecond: number;
  workers: number;
  heap: HeapFigures;
}

/** The report of a finished run; `reportFile(seed)` names a failing seed's report file. */
export function runReport(
  run: RunIdentity,
  shard: Shard,
  s: FleetSummary,
  reportFile: (seed: number) => string,
): RunReport {
  return {
    format: RUN_REPORT_FORMAT,
    run,
    shard,
    seedsRun: s.seedsRun,
    firstSeed: s.firstSeed ?? null,
    lastSeed: s.lastSeed ?? null,
    stoppedEarly: s.stoppedEarly,
    interrupted: s.interrupted,
    failures: s.failures.map((f) => ({
      seed: f.seed,
      checker: f.checker,
      violations: f.violations.slice(0, 5).map((v) => ({ checker: v.checker, message: v.message })),
      replay: f.replay,
      drawn: f.drawn,
      shrunk: f.shrunk ? { from: f.shrunk.from, to: f.shrunk.to, runs: f.shrunk.runs } : null,
      report: reportFile(f.seed),
    })),
    errors: s.errors.map((e) => ({ ...e, replay: replayCommand(e.seed, 1, run.options) })),
    simulatedMs: s.simulatedMs,
    tasks: s.tasks,
    faultsByKind: s.faultsByKind,
    wallMs: s.wallMs,
    seedsPerSecond: s.seedsPerSecond,
    workers: s.workers,
    heap: s.heap,
  };
}
