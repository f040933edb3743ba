/**
 * Seed → schedule. The seed first draws its configuration — the cluster and the mix of workload
 * and faults (swarm.ts) — from its 'sim/config' stream; then the workload and the nemesis plan
 * draw from their own streams ('sim/workload', 'sim/faults'), separate from the cluster's own
 * network and nemesis streams. So changing how faults are drawn never changes the workload of a
 * seed, and the schedule a seed makes depends only on the seed and the options.
 */
import { SeededRng } from '../cluster';
import { generateFaults } from './fault-plan';
import type { SimOptions } from './options';
import { fullShape, type Item, type Schedule } from './schedule';
import { regionNames } from './setup';
import { drawMix, drawShape } from './swarm';
import { generateWorkload } from './workload';

export function generateSchedule(seed: number, options: SimOptions): Schedule {
  const root = new SeededRng(seed);
  const config = root.fork('sim/config');
  const cluster = drawShape(config, options);
  const mix = drawMix(config, options);
  const full = fullShape(cluster);
  const regions = regionNames(cluster.regions);
  const workload = generateWorkload(root.fork('sim/workload'), { regions, ops: options.ops, mix });
  const spanMs = workload.ops.length ? workload.ops[workload.ops.length - 1]!.atMs : 0;
  const faults = generateFaults(root.fork('sim/faults'), {
    regions,
    shards: cluster.shards,
    families: options.faults,
    spanMs,
    count: Math.ceil(options.ops / mix.opsPerFault),
    maxDriftMs: cluster.maxDriftMs,
    mix,
    writeTimesMs: workload.ops.filter((o) => o.kind !== 'session-read').map((o) => o.atMs),
    inFlightMs: full.latencyMs + full.jitterMs,
  });
  // Merge by time; at one instant operations come before faults (a stable, documented order).
  const items: Item[] = [...workload.ops, ...faults]
    .map((item, i) => ({ item, i }))
    .sort((x, y) => x.item.atMs - y.item.atMs || x.i - y.i)
    .map((x) => x.item);
  return { format: 2, seed, cluster, mix, sessions: workload.sessions, items };
}
