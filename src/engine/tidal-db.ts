/**
 * TidalDb: one replica of one shard in one region (DESIGN §3), a facade over its parts. The
 * replica holds its identity and data (role, epoch, CRDT store, idempotency store), checks and
 * routes each write, and changes role and epoch. A `WritePath` takes the writes it accepts (apply,
 * log, group commit), a `CommitTracker` counts the leader's commits under the ack policy, a
 * `WalShipper` ships the log, a `FollowerDb` validates incoming batches, a `LogApplier` applies
 * them (and rebuilds state from the WAL on open), a `ReconciliationEngine` runs anti-entropy and a
 * `FrameLink` speaks frames; each part is given only the collaborators and callbacks it names.
 */
import type { BatchCodec, SignalEvent } from './batch/codec';
import type { Clock, Timers } from './clock';
import { CommitTracker } from './commit-tracker';
import type { ControlPlane } from './control-plane';
import { NodeStateError, type TidalError } from './errors';
import { HybridClock } from './hlc';
import { checkKey, checkTimeMs, checkWeight } from './ids';
import { IdempotencyStore } from './idempotency';
import { FrameLink } from './frame-link';
import { LogApplier } from './log-applier';
import { followerHost, reconciliationHost, shipperHost } from './replica-hosts';
import type { EngineEvent, NodeRole, NodeStats, ReplicaParts, ResolvedOptions } from './replica-parts';
import { FollowerDb } from './replication/follower';
import { AckStatus, FrameCodec, FrameType, isBatch } from './replication/messages';
import { ReconciliationEngine } from './replication/reconciliation';
import { WalShipper, type ShipperHost } from './replication/shipper';
import type { Schema } from './schema';
import { SignalStore } from './store';
import type { Transport } from './transport';
import type { RecoveryReport, Wal } from './wal/wal';
import { TidalDbBuilder } from './builder';
import type { WriteAck, WriteOptions } from './write-ack';
import { WritePath } from './write-path';

/** The options of a write that gives none (one object, not one per call). */
const NO_OPTIONS: Readonly<WriteOptions> = Object.freeze({});

export type { EngineEvent, NodeRole, NodeStats } from './replica-parts';
export type { AckPolicy, WriteAck, WriteOptions } from './write-ack';
export { TidalDbBuilder, type NodeConfig, type TidalDbOptions } from './builder';

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
  /** The leader's commit counting (its `majority` rule is a test-only seam, see CommitTracker). */
  readonly commits: CommitTracker;
  readonly stats: NodeStats = { localWrites: 0, rejected: 0 };
  recovery: RecoveryReport = { segments: 0, batches: 0, events: 0, truncatedBytes: 0 };
  private closed = false;
  private readonly onEvent: ((e: EngineEvent) => void) | undefined;
  private readonly log: LogApplier;
  private readonly link: FrameLink;
  private readonly writes: WritePath;
  private readonly shipperHost: ShipperHost;

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
    this.commits = new CommitTracker({
      shard: p.shard,
      ackPolicy: p.options.ackPolicy,
      whyNotCommittable: (epoch) =>
        this.role !== 'leader' || this.epoch !== epoch
          ? 'its leader was deposed before a majority applied it'
          : this.closed
            ? 'its leader stopped before a majority applied it'
            : undefined,
      committed: (seqNo) => this.emit({ type: 'committed', epoch: this.epoch, seqNo }),
    });
    this.writes = new WritePath(this, this.log, this.commits);
    this.follower = new FollowerDb(followerHost(this, this.log));
    this.recon = new ReconciliationEngine(reconciliationHost(this, this.log));
    this.shipperHost = shipperHost(this, this.commits);
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
  signal(signal: string, entity: string, weight: number, opts: WriteOptions = NO_OPTIONS): WriteAck {
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
    return this.writes.write(signal, sig, tenant, entity, weight, key, opts.timeMs, local);
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
    return this.role === 'leader' ? this.commits.lastAssigned : this.wal.lastSeq;
  }

  /** Highest SeqNo known committed under the ack policy (leader only). */
  get committedSeqNo(): number {
    return this.commits.committedSeqNo;
  }

  /** Group commit: staged writes become WAL records (at most one batch's worth each). */
  flush(): void {
    this.writes.flush();
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
      this.commits.refuseWaiting(`it was deposed by ${leader} at epoch ${epoch}`);
    }
    this.emit({ type: 'epoch', epoch, leader, wasLeader, dropped });
  }

  /**
   * A follower tells its shard's leader where it is (epoch, applied SeqNo), as a restarted one
   * does: after a lost connection, so the leader resends from there without waiting.
   */
  announce(): void {
    if (this.closed || this.role === 'leader') return;
    const leader = this.controlPlane?.leaderOf(this.shard);
    if (leader && leader !== this.region) this.sendAck(leader, AckStatus.Hello);
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
    this.commits.refuseWaiting('the replica stopped');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // --- leader internals ---------------------------------------------------------------

  private becomeLeader(epoch: number): void {
    this.commits.lead(this.wal.lastSeq, this.peers());
    this.shipper?.stop();
    this.shipper = new WalShipper(this.shipperHost, this.commits.followers, this.options.shipper);
    this.shipper.start();
    this.emit({ type: 'leader', epoch, lastSeq: this.commits.lastAssigned });
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
