/**
 * The standard scenario mix of the time-acceleration benchmark, written once against a `Driver`
 * so the simulator and the real-time harness run exactly the same script: 3 regions × 4 shards,
 * steady writes, a partition between the leader region and another, a heal, and convergence.
 * Under the default policy ('leader-only') writes enter at the leader and the partition stalls
 * replication to the cut region until the heal; under 'accept-local' writes enter at every
 * region, the cut region accepts its own, and anti-entropy rounds (every 250 ms) reconcile.
 */
import { SimulatedCluster, type PartitionPolicy } from '../../src/cluster';
import { REGIONS, SCHEMA, SIGNALS, entityIds } from './workload';
import { RealTimeCluster, sleep } from './realtime';
import { SeededRng } from '../../src/cluster';

export interface Driver {
  readonly regions: readonly string[];
  readonly policy: PartitionPolicy;
  write(signal: string, entity: string, weight: number, via: string): void;
  partition(a: string, b: string): { heal(): void };
  /** Lets scenario time reach `atMs` (the simulator runs to it; the real harness sleeps until then). */
  until(atMs: number): Promise<void>;
  /** Waits until the cluster converges; resolves with the scenario time it took. */
  converge(timeoutMs: number): Promise<number>;
  close(): void;
}

export interface MixOptions {
  /** Scenario length in ms (virtual or real). */
  durationMs: number;
  /** Writes per second of scenario time. Default: 2,000. */
  writesPerS?: number;
  /** Write ticks: writes are issued every `tickMs`. Default: 10 ms. */
  tickMs?: number;
  entities?: number;
  seed?: number;
}

export interface MixResult {
  writes: number;
  /** Scenario ms covered: the mix plus the time convergence took. */
  scenarioMs: number;
  convergenceMs: number;
}

/** Runs the mix on `driver`. Partition from 1/3 to 7/12 of the run, heal, converge at the end. */
export async function runMix(driver: Driver, opts: MixOptions): Promise<MixResult> {
  const tickMs = opts.tickMs ?? 10;
  const perTick = Math.max(1, Math.round(((opts.writesPerS ?? 2_000) * tickMs) / 1000));
  const ids = entityIds(opts.entities ?? 1_000);
  const rng = new SeededRng(opts.seed ?? 42).fork('workload');
  const [leader, other] = [driver.regions[0]!, driver.regions[1]!];
  const cutAt = Math.round(opts.durationMs / 3);
  const healAt = Math.round((opts.durationMs * 7) / 12);
  let cut: { heal(): void } | undefined;
  let writes = 0;
  for (let t = 0; t < opts.durationMs; t += tickMs) {
    if (t >= cutAt && t < healAt && !cut) cut = driver.partition(leader, other);
    if (t >= healAt && cut) {
      cut.heal();
      cut = undefined;
    }
    for (let k = 0; k < perTick; k++) {
      driver.write(
        rng.pick(SIGNALS),
        rng.pick(ids),
        rng.chance(0.05) ? -1 : 1,
        driver.policy === 'accept-local' ? driver.regions[rng.int(0, driver.regions.length - 1)]! : leader,
      );
      writes++;
    }
    await driver.until(t + tickMs);
  }
  const convergenceMs = await driver.converge(60_000);
  return { writes, scenarioMs: opts.durationMs + convergenceMs, convergenceMs };
}

/** The mix on the simulator: virtual time, no sleeping. */
export async function simulatedDriver(
  policy: PartitionPolicy = 'leader-only',
  seed = 42,
): Promise<Driver & { cluster: SimulatedCluster }> {
  const cluster = await SimulatedCluster.build({
    regions: REGIONS,
    shardsPerRegion: 4,
    schema: SCHEMA,
    seed,
    partitionPolicy: policy,
    network: { latencyMs: 5, jitterMs: 2 },
    recordHistory: false,
  });
  const start = cluster.now();
  return {
    cluster,
    regions: REGIONS,
    policy,
    write: (signal, entity, weight, via) => void cluster.writeSignal(signal, entity, weight, { via }),
    partition: (a, b) => cluster.injectPartition(a, b),
    until: (atMs) => cluster.advance(Math.max(0, start + atMs - cluster.now())),
    converge: (timeoutMs) => cluster.awaitFullConvergence(timeoutMs),
    close: () => undefined,
  };
}

/** The mix on real time: real timers, real sleeps, convergence polled every 50 ms. */
export function realTimeDriver(
  policy: PartitionPolicy = 'leader-only',
  pollMs = 50,
): Driver & { cluster: RealTimeCluster } {
  const cluster = new RealTimeCluster({
    regions: REGIONS,
    shards: 4,
    schema: SCHEMA,
    latencyMs: 5,
    reconcileEveryMs: policy === 'accept-local' ? 250 : 0,
  });
  return {
    cluster,
    regions: REGIONS,
    policy,
    write: (signal, entity, weight, via) => cluster.write(signal, entity, weight, via),
    partition: (a, b) => cluster.partition(a, b),
    until: (atMs) => sleep(atMs - cluster.now()),
    converge: async (timeoutMs) => {
      const start = cluster.now();
      while (!cluster.converged()) {
        if (cluster.now() - start > timeoutMs)
          throw new Error(`real-time harness did not converge in ${timeoutMs} ms`);
        await sleep(pollMs);
      }
      return cluster.now() - start;
    },
    close: () => cluster.close(),
  };
}
