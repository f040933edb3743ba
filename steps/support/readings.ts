/**
 * What a step can read of any cluster, simulated or real processes, through the `Cluster`
 * interface alone: the replicas' status as the deployment reports it (role, leadership term,
 * applied writes, lag), the last heal in the fault timeline, scores read in every region, and
 * what the client history says was written. Steps that judge a product promise read these; the
 * simulator's deeper looks (a replica's log, its CRDT state) go through `world.inSimulator`.
 *
 * Scores read in several regions are compared allowing for the time the reads took: against real
 * processes the clock moves between two reads, and every term of a decayed sum shrinks by the
 * same factor 2^(−Δ/halfLife), so two readings of one state differ by at most that factor (in
 * the simulator no time passes between reads, and the allowance is the usual 1e-9 relative).
 * Real reads are taken inside that window: each reading starts a new read instant.
 */
import type { FaultSpan, RegionStateRow as ReplicaRow } from '../../src/cluster';
import { decaySum, scoresMatch } from '../../src/engine';
import type { TidalWorld } from './world';

/**
 * Every replica's status, as the cluster reports it now (one row per region and shard: whether
 * it leads, is up, its leadership term, what it applied, its lag in events and ms).
 */
export async function replicaRows(world: TidalWorld): Promise<ReplicaRow[]> {
  return (await world.cluster.snapshot(0)).regions;
}

/** The status of `region`'s replica of `shard`. */
export async function replicaRow(world: TidalWorld, region: string, shard: number): Promise<ReplicaRow> {
  const row = (await replicaRows(world)).find((r) => r.region === region && r.shard === shard);
  if (!row) throw new Error(`the cluster reports no replica of shard ${shard} in ${region}`);
  return row;
}

/** The lag gauge's reading for one region: events behind summed over the shards it follows, longest time behind. */
export async function lagGauge(
  world: TidalWorld,
  region: string,
): Promise<{ lagEvents: number; lagMs: number }> {
  let lagEvents = 0;
  let lagMs = 0;
  for (const row of await replicaRows(world)) {
    if (row.region !== region || row.role !== 'follower') continue;
    lagEvents += row.lagEvents;
    lagMs = Math.max(lagMs, row.lagMs);
  }
  return { lagEvents, lagMs };
}

/** When the last cut (partition, one-way or flapping) healed, in cluster time; undefined when none has. */
export function lastHealMs(timeline: readonly FaultSpan[]): number | undefined {
  let at: number | undefined;
  for (const s of timeline) {
    if (s.kind !== 'partition' && s.kind !== 'one-way-partition' && s.kind !== 'flapping') continue;
    if (s.toMs !== null && (at === undefined || s.toMs > at)) at = s.toMs;
  }
  return at;
}

/** A score read in every region, and how much cluster time the reads took. */
export interface Readings {
  scores: Record<string, number | undefined>;
  /** Cluster time when the first read started. */
  fromMs: number;
  /** Cluster time the reads took (0 in the simulator). */
  tookMs: number;
  halfLifeMs: number;
}

/** Reads `tenant`'s `entity` `signal` in every region. */
export async function readEverywhere(
  world: TidalWorld,
  entity: string,
  signal: string,
  tenant = '',
): Promise<Readings> {
  const { cluster } = world;
  const halfLifeMs = cluster.schema.halfLifeMs(cluster.schema.signalIndex(signal));
  // Real processes are read at one instant until something moves (src/real/real-time.ts): an
  // earlier step's reads may have fixed it before `fromMs`, and the reference, taken at `fromMs`,
  // would then be younger than what the regions read. A wait of 0 ms starts a new instant inside
  // the window. (The simulator reads at `now()` and no time passes between reads.)
  if (world.mode === 'real') await cluster.advance(0);
  const fromMs = cluster.now();
  const scores: Record<string, number | undefined> = {};
  for (const region of cluster.regions)
    scores[region] = await cluster.readDecayScore(region, entity, signal, tenant || undefined);
  return { scores, fromMs, tookMs: cluster.now() - fromMs, halfLifeMs };
}

/** Whether two readings of one state, taken up to `apartMs` apart, agree (1e-9 relative when no time passed). */
export function readingsAgree(a: number, b: number, apartMs: number, halfLifeMs: number): boolean {
  return scoresMatch(a, b, 1e-9 + (1 - 2 ** (-apartMs / halfLifeMs)));
}

/** The regions whose reading differs from the first region's (empty: every region reads the same). */
export function disagreeing(r: Readings): string[] {
  const [first, ...rest] = Object.entries(r.scores);
  if (!first) return [];
  return rest
    .filter(([, v]) =>
      v === undefined || first[1] === undefined
        ? v !== first[1]
        : !readingsAgree(v, first[1], r.tookMs, r.halfLifeMs),
    )
    .map(([region, v]) => `${region} reads ${v}, ${first[0]} ${first[1]}`);
}

/** The acknowledged writes (not retries) of `tenant`'s `entity` `signal`, as the client history has them. */
export function writesTo(world: TidalWorld, entity: string, signal: string, tenant = '') {
  return world.cluster.history.writes.filter(
    (w) => !w.retry && w.entity === entity && w.signal === signal && w.tenant === tenant,
  );
}

/** What one copy holding every acknowledged write once would score at `atMs` (undefined: none written). */
export function referenceScore(
  world: TidalWorld,
  entity: string,
  signal: string,
  atMs: number,
  tenant = '',
): number | undefined {
  const writes = writesTo(world, entity, signal, tenant);
  const { schema } = world.cluster;
  return writes.length ? decaySum(writes, atMs, schema.halfLifeMs(schema.signalIndex(signal))) : undefined;
}

/** The shard the cluster acknowledged a write of `tenant`'s `entity` on (the shard that holds it). */
export function shardHolding(world: TidalWorld, entity: string, tenant = ''): number {
  const write = world.cluster.history.writes.find((w) => w.entity === entity && w.tenant === tenant);
  if (!write)
    throw new Error(
      `no write to ${tenant ? `tenant ${tenant}'s ` : ''}${entity} yet: the shard holding it is the one its write was acknowledged on`,
    );
  return write.shard;
}
