/**
 * What a replica is made of and what it reports: the parts the builder resolves (options with
 * their defaults applied, the WAL, the clocks, the transport) and the events a replica tells its
 * host. Types only, so the builder and the replica share them without importing each other.
 */
import type { BatchCodec, SignalEvent } from './batch/codec';
import type { Clock, Timers } from './clock';
import type { ControlPlane } from './control-plane';
import type { TidalError } from './errors';
import type { ShipperOptions } from './replication/shipper';
import type { Schema } from './schema';
import type { Transport } from './transport';
import type { RecoveryReport, Wal } from './wal/wal';

export type NodeRole = 'leader' | 'follower';

/** What a replica counts of its own: writes accepted locally, messages refused. */
export interface NodeStats {
  localWrites: number;
  rejected: number;
}

/** What a replica tells its host (the simulator logs these; nothing here fails a write). */
export type EngineEvent =
  | { type: 'rejected'; from: string; error: TidalError }
  | { type: 'recovered'; report: RecoveryReport }
  | { type: 'leader'; epoch: number; lastSeq: number }
  | { type: 'epoch'; epoch: number; leader: string; wasLeader: boolean; dropped: SignalEvent[] }
  | { type: 'merged'; states: number }
  /** A follower is about to apply `events` (the ones after its applied SeqNo) of a batch of `epoch`. */
  | { type: 'applied'; epoch: number; events: readonly SignalEvent[] }
  /** Under 'quorum': the leader of `epoch` counts every SeqNo up to `seqNo` as committed. */
  | { type: 'committed'; epoch: number; seqNo: number };

/** The builder's options with every default applied. */
export interface ResolvedOptions {
  ackPolicy: 'leader' | 'quorum';
  maxDriftMs: number;
  idempotencyRetentionMs: number;
  reconcileEveryMs: number;
  shipper: ShipperOptions;
}

/** Everything a replica is built from (the builder resolves each one). */
export interface ReplicaParts {
  region: string;
  shard: number;
  role: NodeRole;
  epoch: number;
  schema: Schema;
  clock: Clock;
  timers: Timers;
  transport: Transport;
  controlPlane: ControlPlane | undefined;
  wal: Wal;
  codec: BatchCodec;
  durable: boolean;
  options: ResolvedOptions;
  onEvent: ((e: EngineEvent) => void) | undefined;
}
