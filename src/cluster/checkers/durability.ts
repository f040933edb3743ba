/**
 * Checks behind the durability and failover promises: what each replica holds (to show that a
 * refused input changed nothing), which acknowledged writes a replica's log lacks, and the
 * writes a failover lost, in the words a scenario's table uses.
 */
import type { ClusterView } from './view';
import { hlcKey, type WriteRecord } from './history';

export interface ReplicaState {
  replica: string;
  up: boolean;
  role: string;
  epoch: number;
  appliedSeqNo: number;
  /** Digest of the replica's CRDT state: equal digests, equal state. */
  digest: string;
}

/** What every replica holds now. */
export function replicaStates(cluster: ClusterView): ReplicaState[] {
  return cluster.allNodes().map((n) => ({
    replica: n.name,
    up: n.up,
    role: n.role,
    epoch: n.db.epoch,
    appliedSeqNo: n.db.appliedSeqNo(),
    digest: n.db.digest(),
  }));
}

/** How `after` differs from `before`, one line per changed replica (empty when nothing changed). */
export function stateChanges(before: readonly ReplicaState[], after: readonly ReplicaState[]): string[] {
  const out: string[] = [];
  for (const a of after) {
    const b = before.find((x) => x.replica === a.replica);
    if (!b) {
      out.push(`${a.replica} appeared`);
      continue;
    }
    const fields = (['up', 'role', 'epoch', 'appliedSeqNo', 'digest'] as const).filter((f) => a[f] !== b[f]);
    if (fields.length)
      out.push(
        `${a.replica} changed ${fields.map((f) => `${f} ${String(b[f])} → ${String(a[f])}`).join(', ')}`,
      );
  }
  return out;
}

/**
 * The writes chosen by `which` that some live replica of their shard does not hold in its log
 * (at the write's SeqNo, with the write's HLC). Local writes and retries are not in the log.
 */
export function writesMissing(cluster: ClusterView, which: (w: WriteRecord) => boolean): string[] {
  const out: string[] = [];
  for (const w of cluster.history.writes) {
    if (w.local || w.retry || !which(w)) continue;
    for (const n of cluster.allNodes()) {
      if (n.shardId !== w.shard || !n.up) continue;
      const [e] = n.db.wal.eventsFrom(w.seqNo, 1);
      if (!e || hlcKey(e.hlc) !== hlcKey(w.hlc))
        out.push(`${n.name} lacks write #${w.id} (${w.signal} ${w.entity} ${w.weight}, SeqNo ${w.seqNo})`);
    }
  }
  return out;
}

/** One row of a lost-writes table, as a scenario states it. */
export interface LostWriteRow {
  entity: string;
  signal: string;
  weight: string;
  'sequence number': string;
  'acknowledged by': string;
}

/** The acknowledged writes failovers lost, as table rows (in SeqNo order per shard). */
export function lostWriteRows(lost: readonly WriteRecord[]): LostWriteRow[] {
  return lost
    .slice()
    .sort((a, b) => a.shard - b.shard || a.seqNo - b.seqNo)
    .map((w) => ({
      entity: w.entity,
      signal: w.signal,
      weight: String(w.weight),
      'sequence number': String(w.seqNo),
      'acknowledged by': w.hlc.node,
    }));
}
