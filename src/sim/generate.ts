/**
 * Seed → schedule. The workload and the nemesis plan draw from their own streams of the seed
 * ('sim/workload', 'sim/faults'), separate from the cluster's own network and nemesis streams, so
 * changing how faults are drawn never changes the workload of a seed, and the schedule a seed
 * makes depends only on the seed and the options.
 */
import { SeededRng } from '../cluster';
import { generateFaults } from './fault-plan';
import type { SimOptions } from './options';
import type { Item, Schedule } from './schedule';
import { DEFAULT_MAX_DRIFT_MS, regionNames } from './setup';
import { generateWorkload } from './workload';

/** Operations per fault, on average. */
const OPS_PER_FAULT = 60;

export function generateSchedule(seed: number, options: SimOptions): Schedule {
  const root = new SeededRng(seed);
  const regions = regionNames(options.regions);
  const workload = generateWorkload(root.fork('sim/workload'), { regions, ops: options.ops });
  const spanMs = workload.ops.length ? workload.ops[workload.ops.length - 1]!.atMs : 0;
  const faults = generateFaults(root.fork('sim/faults'), {
    regions,
    shards: options.shards,
    families: options.faults,
    spanMs,
    count: Math.ceil(options.ops / OPS_PER_FAULT),
    maxDriftMs: DEFAULT_MAX_DRIFT_MS,
  });
  // Merge by time; at one instant operations come before faults (a stable, documented order).
  const items: Item[] = [...workload.ops, ...faults]
    .map((item, i) => ({ item, i }))
    .sort((x, y) => x.item.atMs - y.item.atMs || x.i - y.i)
    .map((x) => x.item);
  return {
    format: 1,
    seed,
    cluster: {
      regions: options.regions,
      shards: options.shards,
      ackPolicy: options.ack,
      partitionPolicy: options.policy,
      maxDriftMs: DEFAULT_MAX_DRIFT_MS,
    },
    sessions: workload.sessions,
    items,
  };
}
