/**
 * The configuration swarm: each seed draws the cluster it runs on and the mix of what happens to
 * it, as TigerBeetle's simulator draws a cluster per seed and as swarm testing (Groce et al.,
 * 2012) draws the feature mix per run. One fixed configuration explores one corner: quorum
 * commit never runs under 'leader' acks, reconciliation never runs under 'leader-only', a
 * majority of 3 hides a majority miscounted for 2 or 4. So a seed draws regions (2–5), shards
 * (1–8), ack and partition policy, latency and jitter, idempotency retention, the largest
 * accepted clock drift, batch and window sizes, durable or ephemeral storage, tenant placement —
 * and the weights of its workload and its nemesis, some fault kinds switched off entirely (so
 * the others get room), with an emphasis: failovers under traffic, clock skew, tenants sharing
 * keys and entity ids, a bad network, crashes. Every draw comes from the seed's own 'sim/config'
 * stream; an option pinned on the command line replaces its draw and nothing else moves.
 */
import { regionNames, type SeededRng } from '../cluster';
import type { SimOptions } from './options';
import {
  EMPHASES,
  FAULT_KINDS,
  fullShape,
  WORKLOAD_KINDS,
  type ClusterShape,
  type Fault,
  type Mix,
  type TenantShape,
  type WorkloadKind,
} from './schedule';

/** The cluster a seed runs on: drawn, except where `options` pins a dimension. */
export function drawShape(rng: SeededRng, options: SimOptions): ClusterShape {
  // Every dimension is drawn whether pinned or not, so pinning one never moves another.
  const regions = pin(options.regions, rng.int(2, 5));
  const shards = pin(options.shards, rng.pick([1, 1, 2, 3, 4, 4, 6, 8]));
  const ackPolicy = pin(options.ack, rng.chance(0.5) ? 'quorum' : 'leader');
  const partitionPolicy = pin(options.policy, rng.chance(0.35) ? 'accept-local' : 'leader-only');
  const latencyMs = pin(options.latencyMs, rng.pick([5, 5, 1, 2, 20, 80]));
  const jitterMs = pin(options.jitterMs, rng.pick([0, 0, 1, 5, 20, 60]));
  const maxDriftMs = pin(options.maxDriftMs, rng.pick([1_000, 1_000, 250, 5_000]));
  const idempotencyRetentionMs = pin(options.retentionMs, rng.pick([600_000, 600_000, 30_000, 2_000, 300]));
  const maxBatchEvents = pin(options.batchEvents, rng.pick([512, 512, 64, 8, 2]));
  // Small batches come with a wide window: at least 64 events per round trip, or a follower 80 ms
  // away could not catch up on a 2,000-operation workload within the 60 s the promise allows.
  const windowBatches = pin(
    options.windowBatches,
    Math.max(rng.pick([8, 8, 4, 2, 1]), Math.ceil(64 / maxBatchEvents)),
  );
  const durable = pin(options.storage, rng.chance(0.15) ? 'durable' : 'ephemeral') === 'durable';
  const placed = rng.chance(0.4);
  const tenants = placed ? drawTenants(rng, regions, shards) : undefined;
  return {
    regions,
    shards,
    ackPolicy,
    partitionPolicy,
    maxDriftMs,
    latencyMs,
    jitterMs,
    idempotencyRetentionMs,
    maxBatchEvents,
    windowBatches,
    durable,
    ...(tenants ? { tenants } : {}),
  };
}

/** acme and globex each get a home region and a shard set (overlapping when shards are few). */
function drawTenants(rng: SeededRng, regions: number, shards: number): Record<string, TenantShape> {
  const names = regionNames(regions);
  const split = Math.max(1, Math.floor(shards / 2));
  const all = Array.from({ length: shards }, (_, s) => s);
  const first = shards === 1 ? all : all.slice(0, split);
  const second = shards === 1 ? all : all.slice(split);
  return {
    acme: { homeRegion: rng.pick(names), shards: first },
    globex: { homeRegion: rng.pick(names), shards: rng.chance(0.3) ? all : second },
  };
}

/** What a seed's workload and nemesis weigh. */
export function drawMix(rng: SeededRng, options: SimOptions): Mix {
  const emphasis = pin(options.emphasis, rng.pick(EMPHASES));
  const weight = (): number => rng.pick([0, 1, 1, 2, 3]);
  const workload = Object.fromEntries(
    WORKLOAD_KINDS.filter((k) => k !== 'bad-request').map((k) => [k, 1 + weight()]),
  ) as Record<WorkloadKind, number>;
  workload['bad-request'] = 0; // drawn last (below), so the draws before it stay as they were
  workload.write += 4; // plain writes are the bulk of every workload
  const faults = Object.fromEntries(
    FAULT_KINDS.map((k) => [k, rng.chance(0.75) ? 1 + weight() : 0]),
  ) as Record<Fault['kind'], number>;
  let sharedKeys = rng.pick([0, 0, 0.1, 0.3]);
  let failoverUnderTraffic = rng.pick([0, 0.3, 0.6]);
  let opsPerFault = rng.pick([30, 60, 60, 120]);
  switch (emphasis) {
    case 'failovers-under-traffic':
      faults.failover += 6;
      failoverUnderTraffic = 0.9;
      workload.write += 4;
      break;
    case 'clock-skew':
      faults.skew += 6;
      break;
    case 'shared-keys':
      sharedKeys = 0.6;
      workload['keyed-write'] += 4;
      workload['tenant-write'] += 2;
      workload.retry += 3;
      break;
    case 'bad-network':
      faults.network += 6;
      faults['one-way-partition'] += 2;
      opsPerFault = 30;
      break;
    case 'crashes':
      faults.crash += 6;
      break;
    case 'balanced':
      break;
  }
  // Half the seeds send a few bad requests: each must be refused with a typed error, changing nothing.
  workload['bad-request'] = rng.chance(0.5) ? 0.3 : 0;
  return { emphasis, workload, sharedKeys, faults, opsPerFault, failoverUnderTraffic };
}

/** The positive weights of a weights object (drawn once per seed, picked from thousands of times). */
const positive = new WeakMap<object, [string, number][]>();

/** Picks a key of `weights` with probability proportional to its weight (none when all are 0). */
export function pickWeighted<K extends string>(rng: SeededRng, weights: Record<K, number>): K | undefined {
  let entries = positive.get(weights) as [K, number][] | undefined;
  if (!entries) {
    entries = (Object.entries(weights) as [K, number][]).filter(([, w]) => w > 0);
    positive.set(weights, entries);
  }
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) return undefined;
  let x = rng.next() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

/** One line per seed: the configuration it drew (printed in reports and progress). */
export function describeShape(shape: ClusterShape): string {
  const c = fullShape(shape);
  const tenants = c.tenants
    ? ` · tenants ${Object.entries(c.tenants)
        .map(([t, p]) => `${t}@${p.homeRegion}:${p.shards.join('+')}`)
        .join(' ')}`
    : '';
  return (
    `${c.regions} regions × ${c.shards} shard${c.shards === 1 ? '' : 's'} · ${c.ackPolicy} acks · ${c.partitionPolicy}` +
    ` · latency ${c.latencyMs} ms jitter ${c.jitterMs} ms · max drift ${c.maxDriftMs} ms` +
    ` · retention ${c.idempotencyRetentionMs} ms · batches of ${c.maxBatchEvents}, window ${c.windowBatches}` +
    ` · ${c.durable ? 'durable' : 'ephemeral'}${tenants}`
  );
}

function pin<T>(pinned: T | undefined, drawn: T): T {
  return pinned === undefined ? drawn : pinned;
}
