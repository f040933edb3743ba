/**
 * The end-of-scenario judgement of a real run: the states every replica reports at one instant
 * (GET /v1/state?shard=&atMs=), put beside the client history, for the promise checker's
 * `checkReportedRun` — what clients were told against what the replicas hold, never what a node
 * says of itself alone.
 */
import type { AckPolicy, ControlPlane, Schema } from '../engine';
import type { PartitionPolicy } from '../cluster';
import type { History } from '../cluster/checkers/history';
import type { FailoverRecord } from '../cluster/checkers/idempotency';
import type { PromiseCheck } from '../cluster/checkers/promises';
import { checkReportedRun, type ReportedReplica } from '../cluster/checkers/reported';
import type { FaultSpan } from '../cluster/report-data';
import type { StateResponse } from '../server/protocol';
import type { RealTime } from './real-time';
import type { Supervisor } from './supervisor';

export interface JudgedRun {
  regions: readonly string[];
  schema: Schema;
  history: History;
  ackPolicy: AckPolicy;
  partitionPolicy: PartitionPolicy;
  idempotencyRetentionMs: number;
  failovers: readonly FailoverRecord[];
  faults: readonly FaultSpan[];
  controlPlane: ControlPlane;
  supervisor: Supervisor;
  time: RealTime;
}

/** A node's state with its times (epoch ms) in cluster time, the base of the history. */
export function inClusterTime(s: StateResponse, time: RealTime): StateResponse {
  const t = (ms: number): number => time.toClusterMs(ms);
  return {
    ...s,
    log: s.log.map((e) => ({ ...e, timeMs: t(e.timeMs) })),
    dropped: s.dropped.map((d) => ({
      ...d,
      atMs: t(d.atMs),
      event: { ...d.event, timeMs: t(d.event.timeMs) },
    })),
  };
}

/** Reads every replica's state at cluster time `atMs`; a replica whose node is down has none. */
export async function readReplicas(run: JudgedRun, atMs: number): Promise<ReportedReplica[]> {
  const out: ReportedReplica[] = [];
  const shards = run.controlPlane.topology.shardCount;
  const reads: Promise<void>[] = [];
  for (const region of run.regions)
    for (let shard = 0; shard < shards; shard++) {
      const r: ReportedReplica = {
        name: `${region}/${shard}`,
        region,
        shard,
        up: run.supervisor.isUp(region),
        state: undefined,
      };
      out.push(r);
      if (r.up)
        reads.push(
          run.supervisor
            .client(region)
            .state(shard, run.time.toEpochMs(atMs))
            .then(
              (s) => void (r.state = inClusterTime(s, run.time)),
              () => void (r.up = false), // it stopped answering: judged as down, and convergence already failed
            ),
        );
    }
  await Promise.all(reads);
  return out;
}

/** Judges the run from the history and the replicas' states read at cluster time `atMs`. */
export async function judge(run: JudgedRun, atMs: number): Promise<PromiseCheck> {
  const replicas = await readReplicas(run, atMs);
  return checkReportedRun({
    regions: run.regions,
    shardCount: run.controlPlane.topology.shardCount,
    schema: run.schema,
    history: run.history,
    ackPolicy: run.ackPolicy,
    partitionPolicy: run.partitionPolicy,
    idempotencyRetentionMs: run.idempotencyRetentionMs,
    failovers: run.failovers,
    faults: run.faults,
    atMs,
    leaderOf: (s) => run.controlPlane.leaderOf(s),
    shardFor: (tenant, entity) => run.controlPlane.tenantRouter.shardFor(tenant, entity),
    replicas,
  });
}
