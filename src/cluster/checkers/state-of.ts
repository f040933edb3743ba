/**
 * A replica's `StateResponse` (`GET /v1/state`, src/server/protocol.ts) built from its engine:
 * the shape a node reports, made in this process; and a whole simulated run as a harness would
 * have recorded and read it (`reportedRunOf`). The property test judges a simulated run
 * through these to show that a reported run is judged as the engines are; a server may build
 * its answer the same way.
 */
import type { SignalEvent, TidalDb } from '../../engine';
import { logEventOf, type StateResponse } from '../../server/protocol';
import type { ReportedRun } from './reported';
import type { ClusterView } from './view';

/** What one replica dropped when it truncated a suffix (the engine's 'epoch' event). */
export interface DroppedEvents {
  term: number;
  events: readonly SignalEvent[];
  atMs: number;
}

/** The state `db` would report when read at `atMs` (scores at `atMs`, signals by name). */
export function stateResponseOf(
  db: TidalDb,
  atMs: number,
  dropped: readonly DroppedEvents[] = [],
): StateResponse {
  const schema = db.schema;
  const entries: StateResponse['entries'] = [];
  for (const item of db.store.entries())
    entries.push({
      tenant: item.tenant,
      entity: item.entity,
      signal: schema.signalName(item.signal),
      writeCount: item.state.writeCount,
      score: item.state.score(atMs, schema.halfLifeMs(item.signal)),
      versions: Object.fromEntries(item.state.origins.map((o) => [o.origin, o.version])),
    });
  return {
    region: db.region,
    shard: db.shard,
    role: db.role,
    term: db.epoch,
    appliedSeqNo: db.appliedSeqNo(),
    ackPolicy: db.options.ackPolicy,
    entries,
    log: db.wal.eventsFrom(1, db.wal.lastSeq).map((e) => logEventOf(schema, e)),
    dropped: dropped.flatMap((d) =>
      d.events.map((e) => ({ term: d.term, event: logEventOf(schema, e), atMs: d.atMs })),
    ),
  };
}

/**
 * The run a harness would have recorded and read of this simulated cluster: its history, and
 * every live replica's state as its node would report it, read at cluster time. Judging it with
 * `checkReportedRun` must agree with judging the engines (the property test holds it to that).
 */
export function reportedRunOf(cluster: ClusterView): ReportedRun {
  const atMs = cluster.now();
  const dropped = new Map<string, DroppedEvents[]>();
  for (const d of cluster.history.dropped) {
    const list = dropped.get(d.replica) ?? [];
    list.push({ term: d.epoch, events: [d.event], atMs: d.atMs });
    dropped.set(d.replica, list);
  }
  const nodes = cluster.allNodes();
  return {
    regions: cluster.regions,
    shardCount: cluster.shardCount,
    schema: cluster.schema,
    history: cluster.history,
    ackPolicy: cluster.leader(0).db.options.ackPolicy,
    partitionPolicy: cluster.partitionPolicy,
    idempotencyRetentionMs: cluster.idempotencyRetentionMs,
    failovers: cluster.failovers,
    faults: cluster.faultTimeline(),
    atMs,
    leaderOf: (shard) => cluster.controlPlane.leaderOf(shard),
    shardFor: (tenant, entity) => cluster.controlPlane.tenantRouter.shardFor(tenant, entity),
    replicas: nodes.map((n) => ({
      name: n.name,
      region: n.regionId,
      shard: n.shardId,
      up: n.up,
      state: n.up ? stateResponseOf(n.db, atMs, dropped.get(n.name)) : undefined,
    })),
  };
}
