/**
 * FollowerDb: the follower side of WAL shipping (DESIGN §3, Replication). Every batch is
 * validated (CRC, version, shard, epoch, HLC drift) before anything is applied; events are
 * applied strictly in SeqNo order; duplicates are ignored; a gap is answered with the applied
 * SeqNo so the shipper resends from there. A bad batch is reported and survived: the replica
 * keeps its state and the shipper resends. Fencing: a batch of an older epoch is refused with
 * the current epoch, which tells a deposed leader to step down.
 */
import { EncodedBatch, type Batch, type BatchCodec, type SignalEvent } from '../batch/codec';
import { FLAG_LOCAL, FLAG_MERGE } from '../batch/header';
import type { Clock, TimerHandle, Timers } from '../clock';
import {
  ClockSkewError,
  CorruptBatchError,
  InvalidInputError,
  OutOfOrderBatchError,
  StaleEpochError,
  TidalError,
  WrongShardError,
} from '../errors';
import type { HybridClock } from '../hlc';
import { checkKey } from '../ids';
import { AckStatus } from './messages';

/** What the follower logic reads and calls: its collaborators and its replica's epoch and log. */
export interface FollowerHost {
  readonly shard: number;
  /** The replica's current epoch (read on every batch: it moves on failover). */
  readonly epoch: number;
  appliedSeqNo(): number;
  readonly codec: Pick<BatchCodec, 'open'>;
  /** Takes in each batch's newest stamp (refusing one too far ahead). */
  readonly hlc: Pick<HybridClock, 'receive'>;
  readonly timers: Timers;
  readonly clock: Clock;
  /** Applies a validated, in-order batch (events after the applied SeqNo) and logs it. */
  applyBatch(batch: Batch, bytes: Uint8Array): void;
  /** Moves to a newer epoch led by `leader` (truncating a diverged suffix if needed). */
  adoptEpoch(epoch: number, leader: string): void;
  sendAck(to: string, status: AckStatus): void;
  /** Reports a refused message (typed error) without failing. */
  reject(from: string, error: TidalError): void;
}

export interface FollowerStats {
  batchesApplied: number;
  eventsApplied: number;
  duplicates: number;
  gaps: number;
  corrupt: number;
  staleEpoch: number;
  skewRejected: number;
}

export class FollowerDb {
  readonly stats: FollowerStats = {
    batchesApplied: 0,
    eventsApplied: 0,
    duplicates: 0,
    gaps: 0,
    corrupt: 0,
    staleEpoch: 0,
    skewRejected: 0,
  };
  private readonly pendingAcks = new Map<string, TimerHandle>();
  private readonly ackedAt = new Map<string, number>();

  constructor(private readonly host: FollowerHost) {}

  /** Handles the bytes of a batch from `from`. Never throws for bad input. */
  onBatch(from: string, bytes: Uint8Array): void {
    const h = this.host;
    let batch: Batch;
    try {
      batch = h.codec.open(bytes);
      if (batch.header.flags & (FLAG_LOCAL | FLAG_MERGE))
        throw new CorruptBatchError('local or merge records are not shipped');
      // An encoded batch had its ids checked in the bytes; any other is checked decoded.
      if (!(batch instanceof EncodedBatch)) for (const e of batch.events) checkEventKeys(e);
    } catch (err) {
      if (!(err instanceof CorruptBatchError)) throw err;
      this.stats.corrupt++;
      h.reject(from, err);
      h.sendAck(from, AckStatus.Corrupt);
      return;
    }
    const hd = batch.header;
    if (hd.shard !== h.shard) {
      this.stats.corrupt++;
      h.reject(from, new WrongShardError(h.shard, hd.shard));
      h.sendAck(from, AckStatus.WrongShard);
      return;
    }
    if (hd.epoch < h.epoch) {
      this.stats.staleEpoch++;
      h.reject(from, new StaleEpochError(h.shard, hd.epoch, h.epoch));
      h.sendAck(from, AckStatus.StaleEpoch);
      return;
    }
    if (hd.eventCount > 0) {
      try {
        // A literal, not a spread of hlcMax: a spread costs several times more per batch.
        h.hlc.receive({ wallMs: hd.hlcMax.wallMs, logical: hd.hlcMax.logical, node: from });
      } catch (err) {
        if (!(err instanceof ClockSkewError)) throw err;
        this.stats.skewRejected++;
        h.reject(from, err); // not applied, not acknowledged: the shipper retries later
        return;
      }
    }
    if (hd.epoch > h.epoch) h.adoptEpoch(hd.epoch, from);
    const applied = h.appliedSeqNo();
    const last = hd.firstSeqNo + hd.eventCount - 1;
    if (hd.eventCount === 0) {
      this.ackSoon(from);
    } else if (hd.firstSeqNo > applied + 1) {
      this.stats.gaps++;
      h.reject(from, new OutOfOrderBatchError(applied, hd.firstSeqNo));
      h.sendAck(from, AckStatus.Gap);
    } else if (last <= applied) {
      this.stats.duplicates++;
      this.ackSoon(from);
    } else {
      h.applyBatch(batch, bytes);
      this.stats.batchesApplied++;
      this.stats.eventsApplied += last - applied;
      this.ackSoon(from);
    }
  }

  /** Coalesces acknowledgements to one per sender per instant. */
  private ackSoon(to: string): void {
    const now = this.host.clock.nowMs();
    if (this.ackedAt.get(to) !== now) {
      // The first batch of an instant is acknowledged at once; later ones share one trailing ack.
      this.ackedAt.set(to, now);
      this.host.sendAck(to, AckStatus.Ok);
      return;
    }
    if (this.pendingAcks.has(to)) return;
    this.pendingAcks.set(
      to,
      this.host.timers.after(0, () => {
        this.pendingAcks.delete(to);
        this.host.sendAck(to, AckStatus.Ok);
      }),
    );
  }

  stop(): void {
    for (const t of this.pendingAcks.values()) t.cancel();
    this.pendingAcks.clear();
  }
}

/** An id no client could have written (DESIGN §2: at most 256 UTF-8 bytes) makes the batch corrupt. */
function checkEventKeys(e: SignalEvent): void {
  try {
    checkKey(e.entity, 'entity');
    if (e.tenant) checkKey(e.tenant, 'tenant');
    if (e.idempotencyKey) checkKey(e.idempotencyKey, 'idempotency key');
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    throw new CorruptBatchError(`event SeqNo ${e.seqNo} carries an ${err.message}`);
  }
}
