/**
 * Benchmark 5, scaling: wall time and peak memory (V8 heap + array buffers, above a baseline
 * taken after a full GC) of replicating and converging a workload as writes double (10,000 →
 * 1,280,000), as regions grow (2 → 16) and as shards grow (1 → 64), with the growth exponent of
 * each series from a log-log least-squares fit (1.0 = linear). And memory per (entity, signal)
 * per replica: what the replicas' signal stores hold per state, and what a whole replica holds
 * (store, WAL, indexes) per state when every state took one write.
 */
import { SignalStore } from '../src/engine';
import { PeakTracker, fullGc, growthExponent, heldBytes, settleHeap, sig, wallMs } from './lib/measure';
import { benchCluster, makeWrites, regionNames, entityIds, SIGNALS } from './lib/workload';
import { replicate } from './throughput';

interface Memory {
  /** Peak bytes held above the baseline while the run went. */
  peak: number;
  /** Bytes still held once it converged (after a full GC). */
  retained: number;
}

/** Wall time of replicating and converging `writes` (no heap sampling, no heap settling). */
async function timed(regions: number, shards: number, writes: number, entities: number): Promise<number> {
  const w = makeWrites(writes, entities, 3);
  fullGc();
  const cluster = await benchCluster(regions, shards);
  const t0 = wallMs();
  await replicate(cluster, w, 2_048);
  return wallMs() - t0;
}

/** Peak and retained memory of the same run (settling the heap throws compiled code away: never time after it). */
async function tracked(regions: number, shards: number, writes: number, entities: number): Promise<Memory> {
  const w = makeWrites(writes, entities, 3);
  const peak = new PeakTracker(4);
  const cluster = await benchCluster(regions, shards);
  await replicate(cluster, w, 2_048, () => peak.sample());
  const p = peak.peakBytes;
  settleHeap();
  return { peak: p, retained: cluster.now() >= 0 ? heldBytes() - peak.baseline : 0 };
}

interface Point {
  wall: (x: number) => Promise<number>;
  memory: (x: number) => Promise<Memory>;
}

/** A series: every point timed first (best of three when short), then every point's memory. */
async function series(
  name: string,
  xs: number[],
  run: Point,
  warmUp: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  await warmUp(); // JIT and first-touch costs out of the first points
  const walls: number[] = [];
  for (const x of xs) {
    let best = Infinity;
    for (let i = 0; i < 3 && best > 1_000; i++) best = Math.min(best, await run.wall(x));
    walls.push(best);
  }
  const peaks: number[] = [];
  const retained: number[] = [];
  for (const x of xs) {
    const m = await run.memory(x);
    peaks.push(m.peak);
    retained.push(m.retained);
  }
  const mb = (b: number): number => sig(b / 2 ** 20);
  return {
    [name]: xs,
    wall_ms: walls.map((w) => sig(w)),
    peak_heap_mb: peaks.map(mb),
    retained_heap_mb: retained.map(mb),
    wall_exponent: sig(growthExponent(xs, walls)),
    peak_heap_exponent: sig(
      growthExponent(
        xs,
        peaks.map((p) => Math.max(p, 1)),
      ),
    ),
    retained_heap_exponent: sig(
      growthExponent(
        xs,
        retained.map((p) => Math.max(p, 1)),
      ),
    ),
  };
}

/** Bytes per (entity, signal) per replica: stores only, and whole replicas (with WAL). */
async function memoryPerState(entities: number): Promise<Record<string, unknown>> {
  const regions = regionNames(3);
  const ids = entityIds(entities);
  settleHeap();
  const base = heldBytes();
  const cluster = await benchCluster(regions.length, 4);
  let n = 0;
  for (const id of ids) {
    for (const s of SIGNALS) {
      cluster.writeSignal(s, id, 1);
      if (++n % 2_048 === 0) cluster.scheduler.runUntil(cluster.now() + 1);
    }
  }
  await cluster.awaitFullConvergence(600_000);
  const states = entities * SIGNALS.length;
  const replicas = regions.length;
  settleHeap();
  const withStores = heldBytes();
  // Drop every replica's store (keeping the cluster and its WALs) and see what that frees.
  for (const node of cluster.allNodes()) node.db.store = new SignalStore(cluster.schema);
  settleHeap();
  const withoutStores = heldBytes();
  const wal = cluster
    .allNodes()
    .reduce((b, x) => b + x.db.wal.records.reduce((s, r) => s + r.bytes.length, 0), 0);
  return {
    setup: `3 regions × 4 shards, ${entities.toLocaleString('en')} entities × ${SIGNALS.length} signals, one write each, converged`,
    states,
    replicas,
    store_bytes_per_state_per_replica: sig((withStores - withoutStores) / (states * replicas)),
    replica_bytes_per_state_per_replica: sig((withStores - base) / (states * replicas)),
    wal_bytes_per_state_per_replica: sig(wal / (states * replicas)),
    target: { store_bytes_per_state_per_replica: '<= 300' },
  };
}

export async function scalingBench(opts: { maxWrites?: number } = {}): Promise<Record<string, unknown>> {
  const maxWrites = opts.maxWrites ?? 1_280_000;
  const writeXs: number[] = [];
  for (let x = 10_000; x <= maxWrites; x *= 2) writeXs.push(x);
  const warm = async (): Promise<void> => {
    for (let i = 0; i < 2; i++) await timed(3, 4, 200_000, 10_000);
  };
  const writes = await series(
    'writes',
    writeXs,
    { wall: (x) => timed(3, 4, x, 10_000), memory: (x) => tracked(3, 4, x, 10_000) },
    warm,
  );
  const regions = await series(
    'regions',
    [2, 4, 8, 16],
    { wall: (x) => timed(x, 4, 100_000, 10_000), memory: (x) => tracked(x, 4, 100_000, 10_000) },
    warm,
  );
  const shards = await series(
    'shards',
    [1, 2, 4, 8, 16, 32, 64],
    { wall: (x) => timed(3, x, 100_000, 10_000), memory: (x) => tracked(3, x, 100_000, 10_000) },
    warm,
  );
  const memory = await memoryPerState(50_000);
  return {
    writes: { setup: '3 regions × 4 shards, 10,000 entities × 3 signals', ...writes },
    regions: { setup: '4 shards, 100,000 writes: every region holds a replica of every shard', ...regions },
    shards: { setup: '3 regions, 100,000 writes', ...shards },
    memory,
    targets: {
      'writes.wall_exponent': '<= 1.1',
      'regions.wall_exponent': '<= 1 (at most linear in replicas)',
      'memory.store_bytes_per_state_per_replica': '<= 300',
    },
  };
}
