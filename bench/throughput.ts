/**
 * Benchmark 2, replication throughput: writes acknowledged and converged per wall second on
 * 3 regions × 4 shards with batching (group commit per instant, up to 512 events a batch), and
 * side by side the raw limit: the same writes applied once to decay accumulators in a tight loop,
 * no replication. `replicated_cost_ratio = raw_apply_per_s / (replicas × replicated_writes_per_s)`
 * says how many times the bare work of applying each write once per replica replication costs.
 */
import { SimulatedCluster } from '../src/cluster';
import { addDecayed, type DecayAccumulator } from '../src/engine';
import { cpuMs, fullGc, reported, runsOf, sig, spread, wallMs } from './lib/measure';
import { REGIONS, SCHEMA, benchCluster, makeWrites, type Writes } from './lib/workload';

export interface ThroughputOptions {
  writes?: number;
  entities?: number;
  /** Writes issued per virtual millisecond (one group commit each). */
  perMs?: number;
  runs?: number;
}

/** Feeds `w` to `cluster` in bursts of `perMs` writes per virtual ms, then waits for convergence. */
export async function replicate(
  cluster: SimulatedCluster,
  w: Writes,
  perMs: number,
  onBurst?: () => void,
): Promise<void> {
  let i = 0;
  while (i < w.count) {
    const end = Math.min(w.count, i + perMs);
    for (; i < end; i++) cluster.writeSignal(w.signal[i]!, w.entity[i]!, w.weight[i]!);
    cluster.scheduler.runUntil(cluster.now() + 1);
    onBurst?.();
  }
  await cluster.awaitFullConvergence(600_000);
}

/** Raw apply: each write once into its (entity, signal) accumulator, event time advancing like the run's. */
export function rawApply(w: Writes, perMs: number): number {
  const halfLives = Object.values(SCHEMA.signals).map((s) => s.halfLifeMs);
  const index = new Map(Object.keys(SCHEMA.signals).map((s, i) => [s, i]));
  const accs = halfLives.map(() => new Map<string, DecayAccumulator>());
  let sum = 0;
  for (let i = 0; i < w.count; i++) {
    const s = index.get(w.signal[i]!)!;
    const m = accs[s]!;
    let acc = m.get(w.entity[i]!);
    if (acc === undefined) m.set(w.entity[i]!, (acc = { value: 0, refTimeMs: 0 }));
    addDecayed(acc, w.weight[i]!, Math.floor(i / perMs), halfLives[s]!);
  }
  for (const m of accs) for (const a of m.values()) sum += a.value;
  return sum;
}

export async function throughputBench(opts: ThroughputOptions = {}): Promise<Record<string, unknown>> {
  const count = opts.writes ?? 1_000_000;
  const perMs = opts.perMs ?? 2_048;
  const runs = opts.runs ?? 5;
  const w = makeWrites(count, opts.entities ?? 10_000, 3);
  const replicas = REGIONS.length;

  rawApply(w, perMs); // warm-up of the raw loop (the replicated path warms up in its first run)
  // Each run times the replicated writes and, right after, the raw apply: their ratio is taken
  // per run, side by side, so a burst of load on the machine moves both.
  const results = await runsOf(runs, async () => {
    const cluster = await benchCluster(3, 4);
    const c0 = cpuMs();
    const t0 = wallMs();
    await replicate(cluster, w, perMs);
    const wall = wallMs() - t0;
    const cpu = cpuMs() - c0;
    const applied = REGIONS.reduce((n, r) => n + cluster.appliedSeqNo(r), 0);
    if (applied !== count * replicas)
      throw new Error(`expected ${count * replicas} applied events, got ${applied}`);
    const batches = cluster.allNodes().reduce((n, x) => n + (x.db.shipper?.stats.batchesSent ?? 0), 0);
    const delivered = cluster.network.stats.delivered;
    fullGc();
    const r0 = wallMs();
    rawApply(w, perMs);
    const rawWall = wallMs() - r0;
    const replicatedPerS = count / (wall / 1000);
    const rawPerS = count / (rawWall / 1000);
    return {
      wall,
      cpu,
      batches,
      delivered,
      replicatedPerS,
      rawPerS,
      ratio: rawPerS / (replicas * replicatedPerS),
    };
  });
  const of = (f: (r: (typeof results)[number]) => number) => spread(results.map(f));
  const last = results[results.length - 1]!;
  return {
    setup: `${REGIONS.length} regions × 4 shards, ${count.toLocaleString('en')} writes over ${(opts.entities ?? 10_000).toLocaleString('en')} entities × 3 signals, ${perMs} writes per virtual ms, history and lag sampling off; ${runs} runs, each replicated then raw side by side: medians with [min, max]`,
    writes: count,
    replicas,
    runs,
    ...reported(
      'replicated_wall_ms',
      of((r) => r.wall),
    ),
    ...reported(
      'replicated_writes_per_s',
      of((r) => r.replicatedPerS),
    ),
    ...reported(
      'replicated_writes_per_cpu_s',
      of((r) => count / (r.cpu / 1000)),
    ),
    ...reported(
      'raw_apply_per_s',
      of((r) => r.rawPerS),
    ),
    ...reported(
      'replicated_cost_ratio',
      of((r) => r.ratio),
    ),
    batches_shipped: last.batches,
    events_per_batch: sig((count * (replicas - 1)) / last.batches),
    messages_delivered: last.delivered,
    targets: { replicated_writes_per_s: '>= 1000000', replicated_cost_ratio: '<= 3' },
  };
}
