/**
 * The nemesis plan: which faults a simulated run suffers, when, and for how long. Faults start
 * anywhere in the workload's span and last from a few ms to a few seconds: partitions both ways
 * and one way; per-link or cluster-wide drops, duplicates, reordering, delays and corruption;
 * clock skew within maxDriftMs and beyond it, with or without drift; crashes (some tearing the
 * last write) and restarts; and failovers. Faults of one kind on one target never overlap (a
 * second skew of a region would otherwise be healed by the first one's end), which keeps every
 * heal meaning what it says. Every choice comes from the nemesis plan's own seeded stream.
 */
import type { NetworkFaults, SeededRng } from '../cluster';
import type { FaultFamily } from './options';
import type { Fault, Mix } from './schedule';
import { pickWeighted } from './swarm';

export interface FaultPlanShape {
  regions: readonly string[];
  shards: number;
  families: readonly FaultFamily[];
  /** Virtual ms the workload spans; faults start inside it. */
  spanMs: number;
  /** How many faults to draw (some are skipped where they would overlap their own kind). */
  count: number;
  maxDriftMs: number;
  /** The seed's fault weights (absent: every kind alike). */
  mix?: Mix;
  /** When the workload writes (failovers under traffic land just after one). */
  writeTimesMs?: readonly number[];
  /** How long a batch is on the wire (latency plus jitter), ms. */
  inFlightMs?: number;
}

const NETWORK_FAMILIES: readonly FaultFamily[] = [
  'drops',
  'duplicates',
  'reordering',
  'delays',
  'corruption',
];

export function generateFaults(rng: SeededRng, shape: FaultPlanShape): Fault[] {
  const fam = (f: FaultFamily): boolean => shape.families.includes(f);
  const multiRegion = shape.regions.length > 1;
  const netFamilies = NETWORK_FAMILIES.filter(fam);
  const w = shape.mix?.faults;
  const weights: Record<Fault['kind'], number> = {
    partition: fam('partitions') && multiRegion ? (w?.partition ?? 1) : 0,
    'one-way-partition': fam('one-way') && multiRegion ? (w?.['one-way-partition'] ?? 1) : 0,
    network: netFamilies.length && multiRegion ? (w?.network ?? 2) : 0,
    skew: fam('skew') ? (w?.skew ?? 1) : 0,
    crash: fam('crashes') ? (w?.crash ?? 2) : 0,
    failover: fam('failovers') && multiRegion ? (w?.failover ?? 1) : 0,
  };
  if (Object.values(weights).every((x) => x === 0)) return [];
  const writes = shape.writeTimesMs ?? [];

  const busyUntil = new Map<string, number>();
  const netBusyUntil = new Map<string, number>();
  const free = (key: string, atMs: number, durationMs: number): boolean => {
    if ((busyUntil.get(key) ?? -1) >= atMs) return false;
    busyUntil.set(key, atMs + durationMs);
    return true;
  };
  const pair = (): [string, string] => {
    const a = rng.pick(shape.regions);
    const others = shape.regions.filter((r) => r !== a);
    return [a, rng.pick(others)];
  };
  const duration = (): number => rng.pick([rng.int(5, 100), rng.int(100, 1_000), rng.int(1_000, 4_000)]);

  const out: Fault[] = [];
  // Chronological, so "busy until" bookkeeping sees faults in the order they happen.
  const starts = Array.from({ length: shape.count }, () => rng.int(0, Math.max(0, shape.spanMs)));
  for (const atMs of starts.sort((a, b) => a - b)) {
    const kind = pickWeighted(rng, weights)!;
    const durationMs = duration();
    switch (kind) {
      case 'partition': {
        const [a, b] = pair();
        if (!free(`cut:${[a, b].sort().join('|')}`, atMs, durationMs)) break;
        out.push({ kind, atMs, durationMs, a, b });
        break;
      }
      case 'one-way-partition': {
        const [from, to] = pair();
        if (!free(`cut:${from}>${to}`, atMs, durationMs)) break;
        out.push({ kind, atMs, durationMs, from, to });
        break;
      }
      case 'network': {
        const everyLink = rng.chance(0.25);
        const link = everyLink ? undefined : pair();
        // A cluster-wide fault replaces and clears per-link ones, so it overlaps none of them.
        const key = link ? `${link[0]}>${link[1]}` : '*';
        const clash = everyLink
          ? [...netBusyUntil.values()].some((until) => until >= atMs)
          : (netBusyUntil.get(key) ?? -1) >= atMs || (netBusyUntil.get('*') ?? -1) >= atMs;
        if (clash) break;
        netBusyUntil.set(key, atMs + durationMs);
        out.push({
          kind,
          atMs,
          durationMs,
          ...(link ? { link: { from: link[0], to: link[1] } } : {}),
          faults: networkFaults(rng, netFamilies),
        });
        break;
      }
      case 'skew': {
        const region = rng.pick(shape.regions);
        if (!free(`skew:${region}`, atMs, durationMs)) break;
        const beyond = rng.chance(0.25);
        const magnitude = beyond
          ? rng.int(shape.maxDriftMs + 100, shape.maxDriftMs * 5)
          : rng.int(1, Math.max(1, shape.maxDriftMs - 100));
        const skewMs = rng.chance(0.5) ? magnitude : -magnitude;
        const driftMsPerS = rng.chance(0.2) ? rng.pick([-20, -5, 5, 20, 50]) : 0;
        out.push({ kind, atMs, durationMs, region, skewMs, driftMsPerS });
        break;
      }
      case 'crash': {
        const region = rng.pick(shape.regions);
        const shard = rng.int(0, shape.shards - 1);
        const crashMs = rng.int(5, 2_000);
        if (!free(`crash:${region}/${shard}`, atMs, crashMs)) break;
        out.push({ kind, atMs, durationMs: crashMs, region, shard, tornWrite: rng.chance(0.3) });
        break;
      }
      case 'failover': {
        const shard = rng.int(0, shape.shards - 1);
        const to = rng.chance(0.6) ? {} : { to: rng.pick(shape.regions) };
        // Under traffic: just after a write, while the leader's batch holding it is on the wire.
        const underTraffic = writes.length > 0 && rng.chance(shape.mix?.failoverUnderTraffic ?? 0);
        const at = underTraffic
          ? rng.pick(writes) + rng.int(0, Math.max(0, (shape.inFlightMs ?? 5) - 1))
          : atMs;
        out.push({ kind, atMs: at, shard, ...to });
        break;
      }
    }
  }
  return out;
}

function networkFaults(rng: SeededRng, families: readonly FaultFamily[]): NetworkFaults {
  const picked = families.filter(() => rng.chance(0.5));
  if (picked.length === 0) picked.push(rng.pick(families));
  const f: NetworkFaults = {};
  for (const family of picked) {
    switch (family) {
      case 'drops':
        f.dropRate = rng.pick([0.05, 0.2, 0.5]);
        break;
      case 'duplicates':
        f.duplicateRate = rng.pick([0.1, 0.3]);
        break;
      case 'reordering':
        f.reorder = true;
        f.reorderWindowMs = rng.pick([20, 50]);
        break;
      case 'delays':
        f.delayMs = rng.pick([10, 50, 200]);
        f.jitterMs = rng.pick([0, 20, 100]);
        break;
      case 'corruption':
        f.corruptRate = rng.pick([0.01, 0.05, 0.2]);
        break;
    }
  }
  return f;
}
