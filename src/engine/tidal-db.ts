/**
 * TidalDb: one replica of one shard in one region (DESIGN §3), a facade over its parts. The
 * replica holds its identity and data (role, epoch, CRDT store, idempotency store) and the
 * leader's write path: it assigns SeqNos, applies, logs (group commit into the WAL at the end of
 * the instant), counts commits and hands the log to its `WalShipper`. A `FollowerDb` validates
 * incoming batches, a `LogApplier` applies them (and rebuilds state from the WAL on open), a
 * `ReconciliationEngine` runs anti-entropy and a `FrameLink` speaks frames; each part is given
 * only the collaborators and callbacks its interface names.
 */
import { BatchCodec, originKey, type SignalEvent } from './batch/codec';
import { FLAG_LOCAL } from './batch/header';
import type { Clock, Timers } from './clock';
import type { ControlPlane } from './control-plane';
import { NodeStateError, WriteNotCommittedError, type TidalError } from './errors';
import { HybridClock, type Hlc } from './hlc';
import { checkKey, checkTimeMs, checkWeight } from './ids';
import { IdempotencyStore, fingerprintOf } from './idempotency';
import { FrameLink } from './frame-link';
import { LogApplier } from './log-applier';
import type { EngineEvent, NodeRole, ReplicaParts, ResolvedOptions } from './replica-parts';
import { FollowerDb, type FollowerHost } from './replication/follower';
import { AckStatus, FrameCodec, FrameType, isBatch } from './replication/messages';
import { ReconciliationEngine, type ReconciliationHost } from './replication/reconciliation';
import { WalShipper, type ShipperHost } from './replication/shipper';
import type { Schema } from './schema';
import { SignalStore } from './store';
import type { Transport } from './transport';
import type { RecoveryReport, Wal } from './wal/wal';
import { TidalDbBuilder } from './builder';
import {
  pendingAck,
  resolved,
  settledAck,
  type AckFields,
  type WriteAck,
  type WriteOptions,
} from './write-ack';

export type { EngineEvent, NodeRole } from './replica-parts';
export type { AckPolicy, WriteAck, WriteOptions } from './write-ack';
export { TidalDbBuilder, type NodeConfig, type TidalDbOptions } from './builder';

export interface NodeStats {
  localWrites: number;
  rejected: number;
}

export class TidalDb {
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
  shipper: WalShipper | undefined;
  readonly stats: NodeStats = { localWrites: 0, rejected: 0 };
  recovery: RecoveryReport = { segments: 0, batches: 0, events: 0, truncatedBytes: 0 };
  private closed = false;
  private readonly onEvent: ((e: EngineEvent) => void) | undefined;
  private readonly log: LogApplier;
  private readonly link: FrameLink;
  private readonly shipperHost: ShipperHost;
  private staged: SignalEvent[] = [];
  private lastAssigned = 0;
  private commitIndex = 0;
  private waiters: { seq: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private followerSeq = new Map<string, number>();
  private followers: string[] = [];
  private originEpoch = 0;
  private origin = '';
  private readonly reconcilableCache = new Map<string, boolean>();

  /** Starts building a replica: `TidalDb.builder().ephemeral().withSchema(…)….open()`. */
  static builder(): TidalDbBuilder<TidalDb> {
    return new TidalDbBuilder((parts) => new TidalDb(parts));
  }

  constructor(p: ReplicaParts) {
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
    this.log = new LogApplier({
      region: p.region,
      shard: p.shard,
      schema: p.schema,
      codec: p.codec,
      wal: p.wal,
      clock: p.clock,
      hlc: this.hlc,
      controlPlane: p.controlPlane,
      idempotencyRetentionMs: p.options.idempotencyRetentionMs,
      data: this,
      onEvent: p.onEvent,
    });
    this.link = new FrameLink({
      shard: p.shard,
      transport: p.transport,
      frames: this.frames,
      hlc: this.hlc,
      reject: (from, error) => this.reject(from, error),
    });
    this.follower = new FollowerDb(followerHost(this, this.log));
    this.recon = new ReconciliationEngine(reconciliationHost(this, this.log));
    this.shipperHost = shipperHost(this);
  }

  /** Starts replication after recovery (called by the builder). */
  start(): void {
    this.transport.onMessage((from, bytes) => this.onMessage(from, bytes));
    if (this.role === 'leader') this.becomeLeader(this.epoch);
    else {
      const leader = this.controlPlane?.leaderOf(this.shard);
      if (leader && leader !== this.region) this.sendAck(leader, AckStatus.Hello);
    }
    if (this.options.reconcileEveryMs > 0)
      this.recon.every(this.options.reconcileEveryMs, () => this.peers());
  }

  /** Reads the WAL back and rebuilds every piece of state from it. */
  recover(): RecoveryReport {
    this.recovery = this.wal.recover();
    this.log.rebuild();
    this.emit({ type: 'recovered', report: this.recovery });
    return this.recovery;
  }

  /** Writes `weight` of `signal` to `entity`. */
  signal(signal: string, entity: string, weight: number, opts: WriteOptions = {}): WriteAck {
    this.checkOpen();
    const sig = this.schema.signalIndex(signal);
    checkKey(entity, 'entity');
    checkWeight(weight);
    const tenant = opts.tenant === undefined ? '' : checkKey(opts.tenant, 'tenant');
    if (opts.timeMs !== undefined) checkTimeMs(opts.timeMs);
    const key = opts.idempotencyKey === undefined ? '' : checkKey(opts.idempotencyKey, 'idempotency key');
    this.followControlPlane(); // a leader deposed while cut off must not accept writes at its old epoch
    const local = opts.local === true && this.role !== 'leader';
    if (!local && this.role !== 'leader') {
      throw new NodeStateError(
        `${this.region} is not the leader of shard ${this.shard}; route the write to ${this.controlPlane?.leaderOf(this.shard) ?? 'the leader'}`,
      );
    }
    if (tenant) this.controlPlane?.tenantRouter.checkOwns(tenant, this.shard, entity);
    const now = this.clock.nowMs();
    if (key) {
      const fingerprint = fingerprintOf(signal, entity, weight, undefined);
      const prior = this.idempotency.check(tenant, key, fingerprint, now);
      if (prior)
        return this.ack(prior.seqNo, prior.epoch, prior.hlc, prior.timeMs, prior.origin, prior.local, true);
    }
    const hlc = this.hlc.now();
    if (this.originEpoch !== this.epoch) {
      this.originEpoch = this.epoch; // one origin string per epoch, not one per write
      this.origin = originKey(this.region, this.epoch);
    }
    const origin = this.origin;
    const event: SignalEvent = {
      seqNo: local ? 0 : ++this.lastAssigned,
      signal: sig,
      tenant,
      entity,
      weight,
      timeMs: opts.timeMs ?? now,
      hlc,
      origin,
      originVersion: this.store.nextVersion(tenant, entity, sig, origin),
      idempotencyKey: key,
    };
    this.store.apply(event);
    if (key) this.log.rememberKey(event, signal);
    if (local) {
      const bytes = this.codec.encode(this.shard, this.epoch, this.region, FLAG_LOCAL, 0, [event]);
      this.wal.append(bytes, this.codec.header(bytes));
      this.stats.localWrites++;
    } else {
      this.staged.push(event);
      if (this.durable) this.flush();
      if (this.options.ackPolicy === 'leader') this.commitIndex = this.lastAssigned;
      else this.advanceCommit(); // a replica with no followers is its own majority
      this.controlPlane?.lag.leaderAppended(this.shard, event.seqNo, now, this.followers);
      this.shipper?.notify();
    }
    return this.ack(event.seqNo, this.epoch, hlc, event.timeMs, this.region, local, false);
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

  /** SeqNo of the last replicated event this replica applied (leader: the last it assigned). */
  appliedSeqNo(): number {
    return this.role === 'leader' ? this.lastAssigned : this.wal.lastSeq;
  }

  /** Highest SeqNo known committed under the ack policy (leader only). */
  get committedSeqNo(): number {
    return this.commitIndex;
  }

  /** Group commit: staged writes become WAL records (at most one batch's worth each). */
  flush(): void {
    if (this.staged.length === 0) return;
    const max = this.shipper?.maxBatchEvents ?? 512;
    for (let i = 0; i < this.staged.length; i += max) {
      const part = this.staged.slice(i, i + max);
      const bytes = this.codec.encode(this.shard, this.epoch, this.region, 0, part[0]!.seqNo, part);
      this.wal.append(bytes, this.codec.header(bytes));
    }
    this.staged = [];
  }

  /** Makes this replica the leader of its shard at `epoch` (failover). */
  promote(epoch: number): void {
    this.checkOpen();
    this.epoch = epoch;
    this.role = 'leader';
    this.becomeLeader(epoch);
  }

  /**
   * After recovery, moves from the epoch the WAL knew to the control plane's. A replica that was
   * down through a failover drops the suffix the new leader never had, as a fenced leader does.
   */
  syncEpoch(epoch: number, leader: string): void {
    if (this.role === 'leader') this.epoch = Math.max(this.epoch, epoch);
    else this.adoptEpoch(epoch, leader);
  }

  /** Moves to a newer epoch led by `leader`, truncating a suffix the new leader never had. */
  adoptEpoch(epoch: number, leader: string): void {
    if (epoch <= this.epoch) return;
    const wasLeader = this.role === 'leader';
    if (wasLeader) this.flush();
    let fork = Infinity;
    for (let e = this.epoch + 1; e <= epoch; e++) {
      const start = this.controlPlane?.epochStart(this.shard, e);
      if (start !== undefined) fork = Math.min(fork, start - 1);
    }
    let dropped: SignalEvent[] = [];
    if (fork < this.wal.lastSeq) {
      dropped = this.wal.truncateAfter(fork, this.region);
      this.log.rebuild();
    }
    this.epoch = epoch;
    if (wasLeader) {
      this.role = 'follower';
      this.shipper?.stop();
      this.shipper = undefined;
      this.rejectWaiters(0, `it was deposed by ${leader} at epoch ${epoch}`);
    }
    this.emit({ type: 'epoch', epoch, leader, wasLeader, dropped });
  }

  /** Whether anti-entropy carries `origin`: not an epoch's leader stream, which the log carries. */
  reconcilable(origin: string): boolean {
    let yes = this.reconcilableCache.get(origin);
    if (yes === undefined) {
      const at = origin.lastIndexOf('@');
      const leader = this.controlPlane?.leaderAt(this.shard, Number(origin.slice(at + 1)));
      yes = leader === undefined || leader !== origin.slice(0, at);
      if (leader !== undefined) this.reconcilableCache.set(origin, yes); // an epoch's leader never changes
    }
    return yes;
  }

  /** Starts an anti-entropy round with every other replica of the shard. */
  reconcileNow(): void {
    for (const p of this.peers()) this.recon.startRound(p);
  }

  /** Tells `to` this replica's epoch and applied SeqNo. */
  sendAck(to: string, status: AckStatus): void {
    this.link.sendAck(to, status, this.epoch, this.appliedSeqNo());
  }

  /** Reports a refused message (typed error) without failing. */
  reject(from: string, error: TidalError): void {
    this.stats.rejected++;
    this.emit({ type: 'rejected', from, error });
  }

  /** Handles bytes from `from` as if the transport delivered them; never throws for bad input. */
  receive(from: string, bytes: Uint8Array): void {
    this.onMessage(from, bytes);
  }

  close(): void {
    this.shipper?.stop();
    this.closed = true;
    this.follower.stop();
    this.recon.stop();
    this.transport.close();
    this.rejectWaiters(0, 'the replica stopped');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // --- leader internals ---------------------------------------------------------------

  private becomeLeader(epoch: number): void {
    this.lastAssigned = this.wal.lastSeq;
    this.commitIndex = this.options.ackPolicy === 'leader' ? this.lastAssigned : 0;
    this.followerSeq = new Map();
    this.followers = this.peers();
    this.shipper?.stop();
    this.shipper = new WalShipper(this.shipperHost, this.followers, this.options.shipper);
    this.shipper.start();
    this.emit({ type: 'leader', epoch, lastSeq: this.lastAssigned });
  }

  /** A follower confirmed `seq` in the current epoch (the shipper reports it). */
  followerApplied(region: string, seq: number): void {
    this.followerSeq.set(region, seq);
    if (this.options.ackPolicy === 'quorum') this.advanceCommit();
  }

  /** Under 'quorum': the highest SeqNo a majority of the shard's replicas applied is committed. */
  private advanceCommit(): void {
    const seqs = [this.lastAssigned, ...this.followers.map((r) => this.followerSeq.get(r) ?? 0)].sort(
      (a, b) => b - a,
    );
    const majority = Math.floor(seqs.length / 2) + 1;
    const idx = seqs[majority - 1]!;
    if (idx <= this.commitIndex) return;
    this.commitIndex = idx;
    this.emit({ type: 'committed', epoch: this.epoch, seqNo: idx });
    // Waiters are made lazily (when someone asks for `committed`), so they need not be in order.
    const due = this.waiters.filter((w) => w.seq <= idx);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.seq > idx);
    for (const w of due) w.resolve();
  }

  private ack(
    seqNo: number,
    epoch: number,
    hlc: Hlc,
    timeMs: number,
    origin: string,
    local: boolean,
    retry: boolean,
  ): WriteAck {
    const policy = this.options.ackPolicy;
    const fields: AckFields = { shard: this.shard, seqNo, epoch, hlc, timeMs, origin, local, policy, retry };
    if (local || (policy === 'leader' && seqNo <= this.commitIndex)) return settledAck(fields);
    return pendingAck(fields, () => this.commitment(seqNo, epoch, local));
  }

  /** A promise for the ack policy holding for `seqNo` (made only when someone asks). */
  private commitment(seqNo: number, epoch: number, local: boolean): Promise<void> {
    if (local || seqNo <= this.commitIndex) return resolved();
    const reason =
      this.role !== 'leader' || this.epoch !== epoch
        ? 'its leader was deposed before a majority applied it'
        : this.closed
          ? 'its leader stopped before a majority applied it'
          : undefined;
    const p = reason
      ? Promise.reject(new WriteNotCommittedError(this.shard, seqNo, reason))
      : new Promise<void>((resolve, reject) => this.waiters.push({ seq: seqNo, resolve, reject }));
    p.catch(() => undefined);
    return p;
  }

  private rejectWaiters(_upTo: number, reason: string): void {
    for (const w of this.waiters) w.reject(new WriteNotCommittedError(this.shard, w.seq, reason));
    this.waiters = [];
  }

  // --- messages -------------------------------------------------------------------------

  private onMessage(from: string, bytes: Uint8Array): void {
    if (this.closed) return;
    this.followControlPlane();
    if (isBatch(bytes)) return this.follower.onBatch(from, bytes);
    const f = this.link.decode(from, bytes);
    if (!f) return;
    if (f.type !== FrameType.Ack) return this.recon.onFrame(from, f);
    if (!this.link.receiveStamp(from, f.hlc)) return;
    if (f.epoch > this.epoch)
      return this.adoptEpoch(f.epoch, this.controlPlane?.leaderOf(this.shard) ?? from);
    if (this.role === 'leader') this.shipper?.onAck(from, f);
  }

  /**
   * The control plane is the shard's consensus service: once it has moved the shard to a newer
   * epoch, this replica acts in no older one. Without this, a follower that has not yet heard
   * from the new leader could still apply (and acknowledge) a deposed leader's batch, letting
   * that leader count a write as committed which the new epoch's log does not hold.
   */
  private followControlPlane(): void {
    const cp = this.controlPlane;
    if (!cp) return;
    const epoch = cp.epochOf(this.shard);
    if (epoch > this.epoch) this.adoptEpoch(epoch, cp.leaderOf(this.shard));
  }

  private peers(): string[] {
    const regions = this.controlPlane?.regions ?? [];
    return regions.filter((r) => r !== this.region);
  }

  private emit(e: EngineEvent): void {
    this.onEvent?.(e);
  }

  private checkOpen(): void {
    if (this.closed)
      throw new NodeStateError(
        `replica ${this.region}/${this.shard} is stopped (crashed or closed); restart it first`,
      );
  }
}

/** The follower's collaborators, and the replica's epoch and applied SeqNo as they are now. */
function followerHost(db: TidalDb, log: LogApplier): FollowerHost {
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

/** Anti-entropy's collaborators; the store is read each time (recovery replaces it). */
function reconciliationHost(db: TidalDb, log: LogApplier): ReconciliationHost {
  return {
    shard: db.shard,
    frames: db.frames,
    transport: db.transport,
    timers: db.timers,
    hlc: db.hlc,
    get store() {
      return db.store;
    },
    reconcilable: (origin) => db.reconcilable(origin),
    mergeStates: (items) => log.mergeStates(items),
    reject: (from, error) => db.reject(from, error),
  };
}

/** The shipper's collaborators, and the leader's epoch as it is now. */
function shipperHost(db: TidalDb): ShipperHost {
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
    followerApplied: (region, seq) => db.followerApplied(region, seq),
  };
}
