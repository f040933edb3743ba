/**
 * The parts of a replica that every role shares: identity, clocks, codecs, WAL, CRDT store,
 * idempotency store, follower and reconciliation logic, and rebuilding state from the WAL.
 * `TidalDb` adds the leader's write path and role changes on top.
 */
import { BatchCodec, type SignalEvent } from './batch/codec';
import { FLAG_LOCAL, FLAG_MERGE, HEADER_V1_BYTES, HEADER_V2_BYTES } from './batch/header';
import type { Clock, Timers } from './clock';
import type { ControlPlane } from './control-plane';
import { decodeStates } from './crdt/state-codec';
import { CorruptBatchError, NodeStateError, TidalError, WrongShardError } from './errors';
import { ClockSkewError } from './errors';
import { HybridClock, type Hlc } from './hlc';
import { checkKey } from './ids';
import { IdempotencyStore } from './idempotency';
import { FollowerDb } from './replication/follower';
import { AckStatus, FrameCodec, FrameType, type Frame } from './replication/messages';
import { ReconciliationEngine } from './replication/reconciliation';
import type { ShipperOptions } from './replication/shipper';
import type { Schema } from './schema';
import { SignalStore } from './store';
import type { Transport } from './transport';
import type { RecoveryReport, Wal } from './wal/wal';

export type NodeRole = 'leader' | 'follower';

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

export interface ResolvedOptions {
  ackPolicy: 'leader' | 'quorum';
  maxDriftMs: number;
  idempotencyRetentionMs: number;
  reconcileEveryMs: number;
  shipper: ShipperOptions;
}

export interface CoreParts {
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

export interface NodeStats {
  localWrites: number;
  rejected: number;
}

export abstract class NodeCore {
  readonly region: string;
  readonly shard: number;
  role: NodeRole;
  epoch: number;
  readonly schema: Schema;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly transport: Transport;
  readonly controlPlane: ControlPlane | undefined;
  readonly wal: Wal;
  readonly codec: BatchCodec;
  readonly frames: FrameCodec;
  readonly hlc: HybridClock;
  readonly durable: boolean;
  readonly options: ResolvedOptions;
  store: SignalStore;
  idempotency: IdempotencyStore;
  readonly follower: FollowerDb;
  readonly recon: ReconciliationEngine;
  readonly stats: NodeStats = { localWrites: 0, rejected: 0 };
  recovery: RecoveryReport = { segments: 0, batches: 0, events: 0, truncatedBytes: 0 };
  protected closed = false;
  private readonly onEvent: ((e: EngineEvent) => void) | undefined;

  constructor(p: CoreParts) {
    this.region = p.region;
    this.shard = p.shard;
    this.role = p.role;
    this.epoch = p.epoch;
    this.schema = p.schema;
    this.clock = p.clock;
    this.timers = p.timers;
    this.transport = p.transport;
    this.controlPlane = p.controlPlane;
    this.wal = p.wal;
    this.codec = p.codec;
    this.durable = p.durable;
    this.options = p.options;
    this.onEvent = p.onEvent;
    this.frames = new FrameCodec(
      (r) => this.codec.indexOfRegion(r),
      (i) => this.codec.regionAt(i),
    );
    this.hlc = new HybridClock(p.region, p.clock, p.options.maxDriftMs);
    this.store = new SignalStore(p.schema);
    this.idempotency = new IdempotencyStore(p.options.idempotencyRetentionMs);
    this.follower = new FollowerDb(this as never);
    this.recon = new ReconciliationEngine(this as never);
  }

  abstract appliedSeqNo(): number;
  /** Remembers a keyed event's ack; `localEpoch`: the epoch a locally accepted write was acked in. */
  protected abstract rememberKeyFor(e: SignalEvent, localEpoch?: number): void;

  /** Reads the WAL back and rebuilds every piece of state from it. */
  recover(): RecoveryReport {
    this.recovery = this.wal.recover();
    this.rebuild();
    this.emit({ type: 'recovered', report: this.recovery });
    return this.recovery;
  }

  /** The decay score of `entity`'s `signal` at `atMs` (undefined if never written). */
  readDecayScore(entity: string, signal: string, atMs: number, tenant?: string): number | undefined {
    const sig = this.schema.signalIndex(signal);
    checkKey(entity, 'entity');
    const t = tenant === undefined ? '' : checkKey(tenant, 'tenant');
    if (t) this.controlPlane?.tenantRouter.checkOwns(t, this.shard, entity);
    return this.store.score(t, entity, sig, atMs);
  }

  /** Digest of the replica's CRDT state (equal digests = equal state). */
  digest(): string {
    return this.store.digest();
  }

  close(): void {
    this.closed = true;
    this.follower.stop();
    this.recon.stop();
    this.transport.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  protected rebuild(): void {
    this.store = new SignalStore(this.schema);
    this.idempotency = new IdempotencyStore(this.options.idempotencyRetentionMs);
    let applied = 0;
    for (const rec of this.wal.records) {
      const h = rec.header;
      if (h.flags & FLAG_MERGE) {
        const start = h.version === 2 ? HEADER_V2_BYTES : HEADER_V1_BYTES;
        for (const item of decodeStates(rec.bytes, start, rec.bytes.length, this.schema.size))
          this.store.merge(item);
        continue;
      }
      if (h.epoch > this.epoch && !(h.flags & FLAG_LOCAL)) this.epoch = h.epoch;
      for (const e of this.codec.decodeEvents(rec.bytes, h)) {
        if (!(h.flags & FLAG_LOCAL)) {
          if (e.seqNo <= applied) continue;
          applied = e.seqNo;
        }
        this.store.apply(e);
        if (e.idempotencyKey) this.rememberKeyFor(e, h.flags & FLAG_LOCAL ? h.epoch : undefined);
        this.hlc.restore(e.hlc);
      }
    }
    this.controlPlane?.lag.applied(this.region, this.shard, applied, this.clock.nowMs());
  }

  sendAck(to: string, status: AckStatus): void {
    const hlc = this.hlc.now();
    this.transport.send(
      to,
      this.frames.encode({
        type: FrameType.Ack,
        shard: this.shard,
        epoch: this.epoch,
        appliedSeqNo: this.appliedSeqNo(),
        status,
        hlc,
      }),
    );
  }

  reject(from: string, error: TidalError): void {
    this.stats.rejected++;
    this.emit({ type: 'rejected', from, error });
  }

  protected decodeFrame(from: string, bytes: Uint8Array): Frame | undefined {
    try {
      const f = this.frames.decode(bytes);
      if (f.shard !== this.shard) {
        this.reject(from, new WrongShardError(this.shard, f.shard));
        return undefined;
      }
      return f;
    } catch (err) {
      if (!(err instanceof CorruptBatchError)) throw err;
      this.reject(from, err);
      return undefined;
    }
  }

  /** Merges a remote stamp into the HLC; false (and reported) when it is too far ahead. */
  protected receiveStamp(from: string, stamp: Hlc): boolean {
    try {
      this.hlc.receive(stamp);
      return true;
    } catch (err) {
      if (!(err instanceof ClockSkewError)) throw err;
      this.reject(from, err);
      return false;
    }
  }

  protected peers(): string[] {
    const regions = this.controlPlane?.regions ?? [];
    return regions.filter((r) => r !== this.region);
  }

  protected emit(e: EngineEvent): void {
    this.onEvent?.(e);
  }

  /** Whether anyone listens to engine events (events that cost an allocation are made only then). */
  protected get observed(): boolean {
    return this.onEvent !== undefined;
  }

  protected checkOpen(): void {
    if (this.closed)
      throw new NodeStateError(
        `replica ${this.region}/${this.shard} is stopped (crashed or closed); restart it first`,
      );
  }
}
