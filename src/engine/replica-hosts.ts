/**
 * The hosts a replica gives its replication parts: each part (follower, anti-entropy, shipper)
 * names the collaborators and callbacks it needs, and these adapters answer them from the replica
 * — reading its epoch and store each time, since failover and recovery replace them.
 */
import type { BatchCodec } from './batch/codec';
import type { Timers, Clock } from './clock';
import type { CommitTracker } from './commit-tracker';
import type { ControlPlane } from './control-plane';
import type { TidalError } from './errors';
import type { HybridClock } from './hlc';
import type { LogApplier } from './log-applier';
import type { FollowerHost } from './replication/follower';
import type { AckStatus, FrameCodec } from './replication/messages';
import type { ReconciliationHost } from './replication/reconciliation';
import type { ShipperHost } from './replication/shipper';
import type { SignalStore } from './store';
import type { Transport } from './transport';
import type { Wal } from './wal/wal';

/** The replica as the hosts read it (`TidalDb` is one); `epoch` and `store` as they are now. */
export interface HostedReplica {
  readonly region: string;
  readonly shard: number;
  readonly epoch: number;
  readonly store: SignalStore;
  readonly codec: BatchCodec;
  readonly frames: FrameCodec;
  readonly hlc: HybridClock;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly transport: Transport;
  readonly wal: Wal;
  readonly controlPlane: Pick<ControlPlane, 'leaderAt'> | undefined;
  appliedSeqNo(): number;
  adoptEpoch(epoch: number, leader: string): void;
  sendAck(to: string, status: AckStatus): void;
  reject(from: string, error: TidalError): void;
  flush(): void;
}

/** The follower's collaborators, and the replica's epoch and applied SeqNo as they are now. */
export function followerHost(db: HostedReplica, log: LogApplier): FollowerHost {
  return {
    shard: db.shard,
    codec: db.codec,
    hlc: db.hlc,
    clock: db.clock,
    timers: db.timers,
    get epoch() {
      return db.epoch;
    },
    appliedSeqNo: () => db.appliedSeqNo(),
    applyBatch: (batch, bytes) => log.applyBatch(batch, bytes),
    adoptEpoch: (epoch, leader) => db.adoptEpoch(epoch, leader),
    sendAck: (to, status) => db.sendAck(to, status),
    reject: (from, error) => db.reject(from, error),
  };
}

/**
 * Anti-entropy's collaborators; the store is read each time (recovery replaces it). Anti-entropy
 * carries every origin but an epoch's leader stream, which the log carries.
 */
export function reconciliationHost(db: HostedReplica, log: LogApplier): ReconciliationHost {
  const reconcilable = new Map<string, boolean>();
  return {
    shard: db.shard,
    frames: db.frames,
    transport: db.transport,
    timers: db.timers,
    hlc: db.hlc,
    get store() {
      return db.store;
    },
    reconcilable(origin) {
      let yes = reconcilable.get(origin);
      if (yes === undefined) {
        const at = origin.lastIndexOf('@');
        const leader = db.controlPlane?.leaderAt(db.shard, Number(origin.slice(at + 1)));
        yes = leader === undefined || leader !== origin.slice(0, at);
        if (leader !== undefined) reconcilable.set(origin, yes); // an epoch's leader never changes
      }
      return yes;
    },
    mergeStates: (items) => log.mergeStates(items),
    reject: (from, error) => db.reject(from, error),
  };
}

/** The shipper's collaborators, the leader's epoch as it is now, and where follower SeqNos go. */
export function shipperHost(db: HostedReplica, commits: CommitTracker): ShipperHost {
  return {
    region: db.region,
    shard: db.shard,
    wal: db.wal,
    codec: db.codec,
    transport: db.transport,
    timers: db.timers,
    get epoch() {
      return db.epoch;
    },
    flush: () => db.flush(),
    followerApplied: (region, seq) => commits.followerApplied(region, seq),
  };
}
