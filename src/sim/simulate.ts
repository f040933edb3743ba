/**
 * Many seeds in a row: generate each seed's schedule, run it on a fresh cluster, check it, and
 * for a failing seed shrink its schedule and print it as Gherkin. Wall-clock time is the caller's
 * (injected as `now`), so the simulator itself stays free of real time; progress and failures
 * are reported through callbacks, which the CLI turns into a progress bar and report files.
 */
import { BUGS } from './bugs';
import { signatureOf, type SimChecker, type SimViolation } from './checkers';
import { generateSchedule } from './generate';
import { toGherkin } from './gherkin';
import { replayCommand, type SimOptions } from './options';
import { noFaults, runSchedule, type RunResult } from './runner';
import { FAULT_KINDS, type Fault, type Schedule } from './schedule';
import { shrink, type ShrinkResult } from './shrink';

export interface SimulateHooks {
  /** Wall-clock ms (for the summary's ratio and the shrinking budget). */
  now: () => number;
  /** After every seed. */
  onSeed?: (seed: number, result: RunResult, done: number, total: number) => void;
  /** A failing seed, with its shrunk schedule (before the next seed runs). */
  onFailure?: (failure: Failure) => void | Promise<void>;
  /** Called while a failing seed shrinks. */
  onShrink?: (p: { seed: number; runs: number; items: number }) => void;
}

export interface SimulateConfig {
  from: number;
  seeds: number;
  options: SimOptions;
  /** Shrink failing seeds. Default: true. */
  shrink?: boolean;
  /** Wall-clock budget for shrinking one seed, ms. Default: 60_000. */
  shrinkBudgetMs?: number;
  /** Most shrinking runs per seed. Default: 400. */
  shrinkMaxRuns?: number;
  /** Stop after this many failing seeds. Default: 10. */
  maxFailures?: number;
}

export interface Failure {
  seed: number;
  /** The options that shaped the run (its bug switch among them). */
  options: SimOptions;
  /** One line that reruns exactly this seed. */
  replay: string;
  /** The checker the shrinker kept failing (the first violation's). */
  checker: SimChecker;
  violations: SimViolation[];
  schedule: Schedule;
  result: RunResult;
  shrunk?: ShrinkResult;
  /** The shrunk schedule (or the whole one, unshrunk) as a Gherkin scenario. */
  gherkin: string;
}

export interface Summary {
  seedsRun: number;
  failures: Failure[];
  /** Virtual ms simulated, summed over seeds (shrinking runs not included). */
  simulatedMs: number;
  wallMs: number;
  /** Simulated ms per wall ms. */
  ratio: number;
  seedsPerSecond: number;
  /** Simulation tasks run (messages delivered, timers fired), summed over seeds. */
  tasks: number;
  /** Faults that struck, by kind, summed over seeds. */
  faultsByKind: Record<Fault['kind'], number>;
  stoppedEarly: boolean;
}

export async function simulate(config: SimulateConfig, hooks: SimulateHooks): Promise<Summary> {
  const started = hooks.now();
  const failures: Failure[] = [];
  const maxFailures = config.maxFailures ?? 10;
  let simulatedMs = 0;
  let tasks = 0;
  const faultsByKind = noFaults();
  let seedsRun = 0;
  let wallInSeeds = 0;
  for (let i = 0; i < config.seeds; i++) {
    const seed = config.from + i;
    const t0 = hooks.now();
    const schedule = generateSchedule(seed, config.options);
    const result = await runSchedule(schedule, { bug: config.options.bug });
    wallInSeeds += hooks.now() - t0;
    seedsRun++;
    simulatedMs += result.simulatedMs;
    tasks += result.stats.tasks;
    for (const kind of FAULT_KINDS) faultsByKind[kind] += result.stats.faultsByKind[kind];
    hooks.onSeed?.(seed, result, seedsRun, config.seeds);
    if (result.violations.length === 0) continue;
    const failure = await investigate(schedule, result, config, hooks);
    failures.push(failure);
    await hooks.onFailure?.(failure);
    if (failures.length >= maxFailures) break;
  }
  const wallMs = Math.max(1, hooks.now() - started);
  return {
    seedsRun,
    failures,
    simulatedMs,
    wallMs,
    ratio: simulatedMs / Math.max(1, wallInSeeds),
    seedsPerSecond: (seedsRun * 1000) / Math.max(1, wallInSeeds),
    tasks,
    faultsByKind,
    stoppedEarly: seedsRun < config.seeds,
  };
}

/** Shrinks a failing seed's schedule and prints it as Gherkin. */
export async function investigate(
  schedule: Schedule,
  result: RunResult,
  config: Pick<SimulateConfig, 'options' | 'shrink' | 'shrinkBudgetMs' | 'shrinkMaxRuns'>,
  hooks: Pick<SimulateHooks, 'now' | 'onShrink'>,
): Promise<Failure> {
  const bug = config.options.bug;
  // With a bug switched on, shrink towards the checker meant to catch it, if it did.
  const meant = bug ? result.violations.find((v) => v.checker === BUGS[bug].caughtBy) : undefined;
  const target = meant ?? result.violations[0]!;
  const checker = target.checker;
  let shrunk: ShrinkResult | undefined;
  if (config.shrink ?? true) {
    const deadline = hooks.now() + (config.shrinkBudgetMs ?? 60_000);
    shrunk = await shrink(schedule, signatureOf(target), {
      bug,
      maxRuns: config.shrinkMaxRuns ?? 400,
      outOfTime: () => hooks.now() > deadline,
      onProgress: (p) => hooks.onShrink?.({ seed: schedule.seed, ...p }),
    });
  }
  const printed = shrunk ?? { schedule, result };
  return {
    seed: schedule.seed,
    options: config.options,
    replay: replayCommand(schedule.seed, 1, config.options),
    checker,
    violations: result.violations,
    schedule,
    result,
    shrunk,
    gherkin: toGherkin(printed.schedule, {
      bug,
      outcomes: printed.result.outcomes,
      title: `Seed ${schedule.seed}${shrunk ? `, shrunk to ${shrunk.to} of ${shrunk.from} items,` : ''} breaks the ${checker} check${bug ? ` with the bug "${bug}" switched on` : ''}`,
    }),
  };
}
