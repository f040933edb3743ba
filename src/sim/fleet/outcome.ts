/**
 * One seed's outcome as plain data: what a worker thread sends back and what the run report keeps.
 * A failing seed carries its printed lines' facts, its Gherkin and its whole report (history,
 * fault timeline, shrunk schedule) — everything is computed where the seed ran, so the main thread
 * only orders, prints and writes. Wall-clock figures are kept apart (`wallMs`): they are the one
 * part of an outcome that differs between two runs of the same seed.
 */
import type { SimChecker, SimViolation } from '../checkers';
import { generateSchedule } from '../generate';
import type { SimOptions } from '../options';
import { failureReport } from '../report';
import { noFaults, runSchedule } from '../runner';
import type { Fault } from '../schedule';
import { investigate } from '../simulate';
import { describeShape } from '../swarm';

/** How a seed runs: the options that shape it and how its failure shrinks. */
export interface SeedConfig {
  options: SimOptions;
  /** Shrink failing seeds. Default: true. */
  shrink?: boolean;
  /** Wall-clock budget for shrinking one seed, ms. Default: 60,000. */
  shrinkBudgetMs?: number;
  /** Most shrinking runs per seed. Default: 400. */
  shrinkMaxRuns?: number;
}

export interface FailureRecord {
  seed: number;
  replay: string;
  checker: SimChecker;
  violations: SimViolation[];
  /** The drawn cluster and emphasis, in one line. */
  drawn: string;
  shrunk?: { from: number; to: number; runs: number; cutByTime: boolean };
  gherkin: string;
  /** reports/simulate/<seed>.json's content (see report.ts). */
  report: Record<string, unknown>;
}

export interface SeedOutcome {
  seed: number;
  simulatedMs: number;
  tasks: number;
  faultsByKind: Record<Fault['kind'], number>;
  failure?: FailureRecord;
  /** The seed could not be judged: its worker crashed, hung past the limit, or the run threw. */
  error?: string;
  /** Wall ms the seed took in its worker, shrinking included (not deterministic). */
  wallMs: number;
}

/** Runs one seed (and shrinks it when it fails); `now` is the caller's wall clock. */
export async function runSeed(
  seed: number,
  config: SeedConfig,
  now: () => number,
  onShrinking?: () => void,
): Promise<SeedOutcome> {
  const t0 = now();
  const schedule = generateSchedule(seed, config.options);
  const result = await runSchedule(schedule, { bug: config.options.bug });
  const outcome: SeedOutcome = {
    seed,
    simulatedMs: result.simulatedMs,
    tasks: result.stats.tasks,
    faultsByKind: { ...result.stats.faultsByKind },
    wallMs: 0,
  };
  if (result.violations.length > 0) {
    onShrinking?.();
    const budgetMs = config.shrinkBudgetMs ?? 60_000;
    const s0 = now();
    const failure = await investigate(schedule, result, { ...config, shrinkBudgetMs: budgetMs }, { now });
    const cutByTime = now() - s0 >= budgetMs;
    outcome.failure = {
      seed,
      replay: failure.replay,
      checker: failure.checker,
      violations: failure.violations,
      drawn: `${describeShape(schedule.cluster)}${schedule.mix ? ` · ${schedule.mix.emphasis}` : ''}`,
      ...(failure.shrunk
        ? {
            shrunk: {
              from: failure.shrunk.from,
              to: failure.shrunk.to,
              runs: failure.shrunk.runs,
              cutByTime,
            },
          }
        : {}),
      gherkin: failure.gherkin,
      report: failureReport(failure),
    };
  }
  outcome.wallMs = now() - t0;
  return outcome;
}

/** An outcome for a seed that could not be judged. */
export function errorOutcome(seed: number, error: string, wallMs: number): SeedOutcome {
  return { seed, simulatedMs: 0, tasks: 0, faultsByKind: noFaults(), error, wallMs };
}
