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
}

/** Reads every replica's state at `atMs` (epoch ms); a replica whose node is down has none. */
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
            .state(shard, atMs)
            .then(
              (s) => void (r.state = s),
              () => void (r.up = false), // it stopped answering: judged as down, and convergence already failed
            ),
        );
    }
  await Promise.all(reads);
  return out;
}

/** Judges the run from the history and the replicas' states read at `atMs` (epoch ms). */
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
