/**
 * Benchmark 1, time acceleration: the standard mix (lib/scenario.ts: 3 regions × 4 shards,
 * steady writes, a partition and a heal, convergence) for 60 s of virtual time on the simulator,
 * and side by side the same script on the real-time harness (real timers and sleeps, convergence
 * polled every 50 ms) for 3 real seconds. Reports simulated ms per wall ms for both and their
 * ratio: how many times less wall time the simulator spends on the same scenario time. The
 * standard mix writes 100 times a second; the same mix at higher rates and under accept-local
 * (anti-entropy rounds every 250 ms) shows how acceleration falls as the simulated work grows.
 */
import { cpuMs, reported, runsOf, sig, spread, wallMs, type Spread } from './lib/measure';
import { realTimeDriver, runMix, simulatedDriver, type MixResult } from './lib/scenario';
import type { PartitionPolicy } from '../src/cluster';

export interface AccelerationOptions {
  virtualMs?: number;
  realMs?: number;
  writesPerS?: number;
}

const RUNS = 5;

interface SimRun extends MixResult {
  wallMs: number;
  cpuMs: number;
  delivered: number;
  tasks: number;
}

/** `RUNS` runs of the mix on the simulator, each on a fresh cluster. */
async function simulated(
  virtualMs: number,
  writesPerS: number,
  policy: PartitionPolicy = 'leader-only',
  runs = RUNS,
): Promise<SimRun[]> {
  return runsOf(runs, async () => {
    const driver = await simulatedDriver(policy);
    const c0 = cpuMs();
    const t0 = wallMs();
    const r = await runMix(driver, { durationMs: virtualMs, writesPerS });
    const wall = wallMs() - t0;
    return {
      ...r,
      wallMs: wall,
      cpuMs: cpuMs() - c0,
      delivered: driver.cluster.network.stats.delivered,
      tasks: driver.cluster.scheduler.executed,
    };
  });
}

const acceleration = (runs: readonly SimRun[]) => spread(runs.map((r) => r.scenarioMs / r.wallMs));

export async function accelerationBench(opts: AccelerationOptions = {}): Promise<Record<string, unknown>> {
  const virtualMs = opts.virtualMs ?? 60_000;
  const realMs = opts.realMs ?? 3_000;
  const rate = opts.writesPerS ?? 100;

  await simulated(virtualMs, rate, 'leader-only', 2); // warm-up: the JIT needs a few runs to settle
  const sims = await simulated(virtualMs, rate);
  const sim = sims[0]!; // every run replays the same seed: the same virtual figures
  const simAccel = acceleration(sims);

  const driver = realTimeDriver();
  const t0 = wallMs();
  const real = await runMix(driver, { durationMs: realMs, writesPerS: rate });
  const realWall = wallMs() - t0;
  driver.close();

  const realAccel = real.scenarioMs / realWall;
  const series: Record<string, unknown>[] = [];
  let tenThousand: Spread | undefined;
  for (const [writesPerS, policy] of [
    [1_000, 'leader-only'],
    [10_000, 'leader-only'],
    [rate, 'accept-local'],
    [1_000, 'accept-local'],
  ] as const) {
    const runs = await simulated(virtualMs, writesPerS, policy);
    const accel = acceleration(runs);
    if (writesPerS === 10_000) tenThousand = accel;
    series.push({
      writes_per_s: writesPerS,
      policy,
      ...reported('wall_ms', spread(runs.map((r) => r.wallMs))),
      ...reported('time_acceleration', accel),
      messages_delivered: runs[0]!.delivered,
    });
  }
  return {
    mix: `3 regions × 4 shards, ${rate} writes/s entering at the leader (leader-only), latency 5 ms + jitter 2 ms, us-east ⇹ eu-west partitioned from 1/3 to 7/12 of the run, heal, converge; every simulated figure a median of ${RUNS} runs with [min, max]`,
    virtual_ms: sim.scenarioMs,
    virtual_writes: sim.writes,
    virtual_convergence_ms: sim.convergenceMs,
    ...reported('virtual_wall_ms', spread(sims.map((r) => r.wallMs))),
    ...reported('virtual_cpu_ms', spread(sims.map((r) => r.cpuMs))),
    virtual_messages_delivered: sim.delivered,
    virtual_tasks_run: sim.tasks,
    ...reported('time_acceleration', simAccel),
    ...reported('time_acceleration_per_cpu_ms', spread(sims.map((r) => r.scenarioMs / r.cpuMs))),
    realtime_ms: sig(real.scenarioMs),
    realtime_writes: real.writes,
    realtime_wall_ms: sig(realWall),
    realtime_messages_delivered: driver.cluster.link.delivered,
    realtime_acceleration: sig(realAccel),
    // Wall time the real-time harness spends on equal scenario time, over the simulator's (one real-time run).
    ...reported('vs_realtime_ratio', {
      median: simAccel.median / realAccel,
      min: simAccel.min / realAccel,
      max: simAccel.max / realAccel,
    }),
    ...reported('time_acceleration_10000_writes_per_s', tenThousand!),
    heavier_mixes: series,
    targets: {
      time_acceleration: '>= 1000',
      vs_realtime_ratio: '>= 100',
      time_acceleration_10000_writes_per_s: '>= 50',
    },
  };
}
