/**
 * TidalDb: one replica of one shard in one region (DESIGN §3). The leader assigns SeqNos,
 * applies, logs (group commit into the WAL at the end of the instant) and ships; a follower
 * validates and applies batches in order; every replica keeps CRDT state, an idempotency store
 * and an HLC, and can reconcile with its peers. State is rebuilt from the WAL on open, so a
 * crashed replica comes back with everything it had made durable and catches up from there.
 */
import { originKey, type Batch, type SignalEvent } from './batch/codec';
import { FLAG_LOCAL } from './batch/header';
import { encodeStates, type StateItem } from './crdt/state-codec';
import { NodeStateError, WriteNotCommittedError } from './errors';
import type { Hlc } from './hlc';
import { checkKey, checkTimeMs, checkWeight } from './ids';
import { fingerprintOf } from './idempotency';
import { AckStatus, FrameType, isBatch } from './replication/messages';
import { WalShipper } from './replication/shipper';
import { NodeCore } from './node-core';

export type { EngineEvent, NodeRole } from './node-core';
import { TidalDbBuilder } from './builder';
export { TidalDbBuilder, type NodeConfig, type TidalDbOptions } from './builder';

export type AckPolicy = 'leader' | 'quorum';

export interface WriteOptions {
  /** Event time in ms; default: the accepting node's physical clock. */
  timeMs?: number;
  tenant?: string;
  idempotencyKey?: string;
  /** Accept on this (non-leader) replica under its own origin: the accept-local partition policy. */
  local?: boolean;
}

/** What a write returns as soon as the accepting replica logged it. */
export interface WriteAck {
  shard: number;
  /** SeqNo in the shard's log; 0 for a write accepted locally. */
  seqNo: number;
  epoch: number;
  hlc: Hlc;
  /** Event time of the write (the decay sum's tᵢ). */
  timeMs: number;
  /** Region whose replica accepted the write. */
  origin: string;
  /** True when accepted locally under accept-local (reconciled later). */
  local: boolean;
  policy: AckPolicy;
  /** True when this is the stored answer to a retry of an idempotent write. */
  retry: boolean;
  /** Resolves when the ack policy holds; rejects if it never can (leader deposed first). */
  readonly committed: Promise<void>;
}

const RESOLVED = Promise.resolve();

export class TidalDb extends NodeCore {
  private staged: SignalEvent[] = [];
  private lastAssigned = 0;
  private commitIndex = 0;
  private waiters: { seq: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private followerSeq = new Map<string, number>();
  private followers: string[] = [];
  shipper: WalShipper | undefined;
  private originEpoch = 0;
  private origin = '';

  /** Starts building a replica: `TidalDb.builder().ephemeral().withSchema(…)….open()`. */
  static builder(): TidalDbBuilder {
    return new TidalDbBuilder();
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
    if (key) this.rememberKey(event, signal);
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

  private readonly reconcilableCache = new Map<string, boolean>();

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

  override close(): void {
    this.shipper?.stop();
    super.close();
    this.rejectWaiters(0, 'the replica stopped');
  }

  // --- leader internals ---------------------------------------------------------------

  private becomeLeader(epoch: number): void {
    this.lastAssigned = this.wal.lastSeq;
    this.commitIndex = this.options.ackPolicy === 'leader' ? this.lastAssigned : 0;
    this.followerSeq = new Map();
    this.followers = this.peers();
    this.shipper?.stop();
    this.shipper = new WalShipper(this, this.followers, this.options.shipper);
    this.shipper.start();
    this.emit({ type: 'leader', epoch, lastSeq: this.lastAssigned });
  }

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
    // Already settled (a local write; a 'leader'-acked write is committed once logged): a plain
    // property, because a literal with an accessor costs about 1 µs per write.
    if (local || (this.options.ackPolicy === 'leader' && seqNo <= this.commitIndex)) {
      const policy = this.options.ackPolicy;
      return {
        shard: this.shard,
        seqNo,
        epoch,
        hlc,
        timeMs,
        origin,
        local,
        policy,
        retry,
        committed: RESOLVED,
      };
    }
    let committed: Promise<void> | undefined;
    const commitment = (): Promise<void> => (committed ??= this.commitment(seqNo, epoch, local));
    return {
      shard: this.shard,
      seqNo,
      epoch,
      hlc,
      timeMs,
      origin,
      local,
      policy: this.options.ackPolicy,
      retry,
      get committed(): Promise<void> {
        return commitment();
      },
    };
  }

  /** A promise for the ack policy holding for `seqNo` (made only when someone asks). */
  private commitment(seqNo: number, epoch: number, local: boolean): Promise<void> {
    if (local || seqNo <= this.commitIndex) return RESOLVED;
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

  protected rememberKeyFor(e: SignalEvent, localEpoch?: number): void {
    this.rememberKey(e, this.schema.signalName(e.signal), localEpoch);
  }

  /**
   * The epoch whose leader assigned `seqNo`: the latest epoch that starts at or before it. A
   * replica may apply an older epoch's event after adopting a newer epoch (catching up from the
   * new leader), and a retry's answer must still carry the epoch of the original ack.
   */
  private epochOfSeqNo(seqNo: number): number {
    const cp = this.controlPlane;
    if (!cp || seqNo === 0) return this.epoch;
    let epoch = 1;
    for (let e = 2; e <= this.epoch; e++) {
      const start = cp.epochStart(this.shard, e);
      if (start !== undefined && start <= seqNo) epoch = e;
    }
    return epoch;
  }

  /**
   * A locally accepted write (SeqNo 0) was acknowledged in the epoch its log record carries:
   * replaying the WAL after a restart must answer its retries with that epoch, not whatever epoch
   * the replay has reached.
   */
  private rememberKey(e: SignalEvent, signal: string, localEpoch?: number): void {
    const ack = {
      shard: this.shard,
      seqNo: e.seqNo,
      epoch: localEpoch ?? this.epochOfSeqNo(e.seqNo),
      hlc: e.hlc,
      timeMs: e.timeMs,
      origin: e.hlc.node,
      local: e.seqNo === 0,
    };
    this.idempotency.record(
      e.tenant,
      e.idempotencyKey,
      fingerprintOf(signal, e.entity, e.weight, undefined),
      ack,
      e.hlc.wallMs,
      this.clock.nowMs(),
    );
  }

  // --- follower internals -------------------------------------------------------------

  applyBatch(batch: Batch, bytes: Uint8Array): void {
    const applied = this.wal.lastSeq;
    if (this.observed)
      this.emit({
        type: 'applied',
        epoch: batch.header.epoch,
        events: batch.events.filter((e) => e.seqNo > applied),
      });
    for (const e of batch.events) {
      if (e.seqNo <= applied) continue;
      this.store.apply(e);
      if (e.idempotencyKey) this.rememberKey(e, this.schema.signalName(e.signal));
    }
    this.wal.append(bytes, batch.header);
    this.controlPlane?.lag.applied(this.region, this.shard, this.wal.lastSeq, this.clock.nowMs());
  }

  /**
   * After recovery, moves from the epoch the WAL knew to the control plane's. A replica that was
   * down through a failover drops the suffix the new leader never had, as a fenced leader does.
   */
  syncEpoch(epoch: number, leader: string): void {
    if (this.role === 'leader') this.epoch = Math.max(this.epoch, epoch);
    else this.adoptEpoch(epoch, leader);
  }

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
      this.rebuild();
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

  mergeStates(items: StateItem[]): number {
    const changed = items.filter((it) => this.store.merge(it).length > 0);
    if (changed.length) {
      const bytes = this.codec.encodeMerge(
        this.shard,
        this.epoch,
        this.region,
        changed.length,
        encodeStates(changed),
      );
      this.wal.append(bytes, this.codec.header(bytes));
      this.emit({ type: 'merged', states: changed.length });
    }
    return changed.length;
  }

  // --- messages -------------------------------------------------------------------------

  /** Handles bytes from `from` as if the transport delivered them; never throws for bad input. */
  receive(from: string, bytes: Uint8Array): void {
    this.onMessage(from, bytes);
  }

  private onMessage(from: string, bytes: Uint8Array): void {
    if (this.closed) return;
    this.followControlPlane();
    if (isBatch(bytes)) return this.follower.onBatch(from, bytes);
    const f = this.decodeFrame(from, bytes);
    if (!f) return;
    if (f.type !== FrameType.Ack) return this.recon.onFrame(from, f);
    if (!this.receiveStamp(from, f.hlc)) return;
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
}
