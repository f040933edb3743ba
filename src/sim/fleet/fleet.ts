/**
 * A run of many seeds on a pool of worker threads, its output in seed order: each outcome goes
 * through the reorder buffer before anyone sees it, so progress, failures and the summary are the
 * same for 1 worker or 16 (only the wall-clock figures differ). Stopping after `maxFailures`
 * failing seeds is decided in seed order too: outcomes of later seeds that were in flight are
 * dropped, exactly as a single worker would never have run them.
 */
import { readHeap } from './heap';
import { WorkerPool } from './pool';
import type { FailureRecord, SeedConfig, SeedOutcome } from './outcome';
import { noFaults } from '../runner';
import { FAULT_KINDS, type Fault } from '../schedule';
import { seedAt, seedsInShard, type Shard } from './plan';
import { ReorderBuffer } from './reorder';

export interface FleetPlan {
  from: number;
  /** Seeds of the range (a shard runs its share); undefined: as many as the duration allows. */
  seeds?: number;
  /** Wall ms after which no new seed starts (seeds in flight finish). */
  durationMs?: number;
  shard: Shard;
  config: SeedConfig;
  workers: number;
  /** Wall ms a seed may run; shrinking adds `config.shrinkBudgetMs`. */
  seedTimeoutMs: number;
  /** Stop after this many failing (or errored) seeds, in seed order. */
  maxFailures: number;
  /** The worker entry file (tests pass a faulty one). */
  entry?: string;
}

export interface FleetHooks {
  /** Wall-clock ms. */
  now: () => number;
  /** Every seed's outcome, in seed order; `done` counts the seeds emitted so far. */
  onOutcome?: (outcome: SeedOutcome, done: number) => void;
}

export interface HeapFigures {
  /** Whether the readings followed a full GC (--expose-gc). */
  gc: boolean;
  main: { startBytes: number; endBytes: number };
  /** Per worker: after it loaded, before its first seed; and after the run. */
  workers: { startBytes?: number; endBytes?: number }[];
}

export interface FleetSummary {
  seedsRun: number;
  firstSeed?: number;
  lastSeed?: number;
  failures: FailureRecord[];
  errors: { seed: number; error: string }[];
  simulatedMs: number;
  tasks: number;
  faultsByKind: Record<Fault['kind'], number>;
  /** Wall ms of the whole run, worker start-up included. */
  wallMs: number;
  seedsPerSecond: number;
  /** Simulated ms per wall ms. */
  ratio: number;
  /** Stopped after `maxFailures` failing seeds. */
  stoppedEarly: boolean;
  interrupted: boolean;
  workers: number;
  heap: HeapFigures;
}

export interface FleetRun {
  done: Promise<FleetSummary>;
  /** Starts no more seeds, terminates the workers and ends with what ran (SIGINT). */
  interrupt: () => void;
}

export function runFleet(plan: FleetPlan, hooks: FleetHooks): FleetRun {
  const mainStart = readHeap();
  const started = hooks.now();
  const limit = plan.seeds === undefined ? Infinity : seedsInShard(plan.seeds, plan.shard);
  // No more workers than seeds: `--seeds 1` (a replay) starts one.
  const workers = Math.max(1, Math.min(plan.workers, limit));
  const pool = new WorkerPool({
    workers,
    setup: { config: plan.config },
    seedTimeoutMs: plan.seedTimeoutMs,
    shrinkTimeoutMs: plan.config.shrink === false ? 0 : (plan.config.shrinkBudgetMs ?? 60_000),
    ...(plan.entry ? { entry: plan.entry } : {}),
  });
  const s: FleetSummary = {
    seedsRun: 0,
    failures: [],
    errors: [],
    simulatedMs: 0,
    tasks: 0,
    faultsByKind: noFaults(),
    wallMs: 0,
    seedsPerSecond: 0,
    ratio: 0,
    stoppedEarly: false,
    interrupted: false,
    workers,
    heap: { gc: mainStart.gc, main: { startBytes: mainStart.heapBytes, endBytes: 0 }, workers: [] },
  };
  let closed = false;
  let dispatched = 0;
  const buffer = new ReorderBuffer<SeedOutcome>((o) => {
    if (closed) return;
    s.seedsRun++;
    s.firstSeed ??= o.seed;
    s.lastSeed = o.seed;
    s.simulatedMs += o.simulatedMs;
    s.tasks += o.tasks;
    for (const kind of FAULT_KINDS) s.faultsByKind[kind] += o.faultsByKind[kind] ?? 0;
    if (o.failure) s.failures.push(o.failure);
    if (o.error !== undefined) s.errors.push({ seed: o.seed, error: o.error });
    hooks.onOutcome?.(o, s.seedsRun);
    if (s.failures.length + s.errors.length >= plan.maxFailures) {
      closed = true;
      s.stoppedEarly = s.seedsRun < limit;
      pool.stop();
    }
  });
  const next = () => {
    if (closed || dispatched >= limit) return undefined;
    if (plan.durationMs !== undefined && hooks.now() - started >= plan.durationMs) return undefined;
    const index = dispatched++;
    return { index, seed: seedAt(plan.from, plan.shard, index) };
  };
  const done = (async () => {
    try {
      await pool.run(next, (index, outcome) => buffer.push(index, outcome));
      const ends = await pool.heaps();
      s.heap.workers = pool.startHeaps.map((h, i) => ({
        startBytes: h?.heapBytes,
        endBytes: ends[i]?.heapBytes,
      }));
      s.heap.gc &&= [...pool.startHeaps, ...ends].every((h) => h === undefined || h.gc);
    } finally {
      await pool.close();
    }
    s.wallMs = Math.max(1, hooks.now() - started);
    s.seedsPerSecond = (s.seedsRun * 1000) / s.wallMs;
    s.ratio = s.simulatedMs / s.wallMs;
    s.heap.main.endBytes = readHeap().heapBytes;
    return s;
  })();
  return {
    done,
    interrupt: () => {
      if (closed) return;
      closed = true;
      s.interrupted = true;
      pool.stop();
    },
  };
}
