/**
 * What the replicas hold, counted: how many writes each region's replica counts for one entity
 * (from its CRDT state, so a write applied twice would show) with the score it reports, and how
 * many entities each shard holds (how evenly routing spread them).
 */
import { checkKey } from '../../engine';
import type { ClusterView } from './view';

export interface RegionCount {
  region: string;
  /** Writes the replica's CRDT state includes (increments + retractions); 0 when it holds none. */
  writeCount: number;
  score: number | undefined;
}

/** Per region: the write count and score of `tenant`'s `entity` `signal`, at cluster time. */
export function countsInEveryRegion(
  cluster: ClusterView,
  entity: string,
  signal: string,
  tenant = '',
): RegionCount[] {
  const sig = cluster.schema.signalIndex(signal);
  const shard = cluster.controlPlane.tenantRouter.shardFor(tenant, checkKey(entity, 'entity'));
  return cluster.regions.map((region) => {
    const db = cluster.node(region, shard).db;
    const st = db.store.state(tenant, entity, sig);
    return {
      region,
      writeCount: st?.writeCount ?? 0,
      score: st?.score(cluster.now(), cluster.schema.halfLifeMs(sig)),
    };
  });
}

/** Distinct entities (over every tenant and signal) each shard's leader holds; index = shard. */
export function shardLoads(cluster: ClusterView): number[] {
  return Array.from({ length: cluster.shardCount }, (_, s) => {
    const seen = new Set<string>();
    for (const item of cluster.leader(s).db.store.entries()) seen.add(`${item.tenant}\u0000${item.entity}`);
    return seen.size;
  });
}
