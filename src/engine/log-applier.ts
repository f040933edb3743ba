/**
 * LogApplier: how a replica's data follows its log. It applies a validated replicated batch,
 * merges reconciled CRDT states (logging them durably), remembers each keyed write's ack, and
 * rebuilds everything from the WAL after a restart or a truncation. The data itself (store,
 * idempotency store, epoch) stays on the replica, where its host may inspect or replace it, so
 * this part reads and writes it through `ReplicaData` every time rather than keeping a copy.
 */
import { EncodedBatch, type Batch, type BatchCodec, type SignalEvent } from './batch/codec';
import { FLAG_LOCAL, FLAG_MERGE, HEADER_V1_BYTES, HEADER_V2_BYTES } from './batch/header';
import type { Clock } from './clock';
import type { ControlPlane } from './control-plane';
import { decodeStates, encodeStates, type StateItem } from './crdt/state-codec';
import type { HybridClock } from './hlc';
import { IdempotencyStore, fingerprintOf } from './idempotency';
import type { EngineEvent } from './replica-parts';
import type { Schema } from './schema';
import { SignalStore } from './store';
import type { Wal } from './wal/wal';

/** The replica's data this part changes. */
export interface ReplicaData {
  epoch: number;
  store: SignalStore;
  idempotency: IdempotencyStore;
}

/** What the applier works with: the replica's identity, its log, its clocks and its data. */
export interface LogApplierContext {
  readonly region: string;
  readonly shard: number;
  readonly schema: Schema;
  readonly codec: BatchCodec;
  readonly wal: Wal;
  readonly clock: Clock;
  /** Replaying the WAL moves the HLC past every stamp it holds. */
  readonly hlc: Pick<HybridClock, 'restore'>;
  /** Lag reports, and where each epoch starts (the epoch a retry's answer carries). */
  readonly controlPlane: Pick<ControlPlane, 'lag' | 'epochStart'> | undefined;
  readonly idempotencyRetentionMs: number;
  readonly data: ReplicaData;
  /** The host's listener; undefined when nobody listens (events that allocate are then not made). */
  readonly onEvent: ((e: EngineEvent) => void) | undefined;
}

export class LogApplier {
  constructor(private readonly c: LogApplierContext) {}

  /** Applies a validated, in-order batch (the events after the applied SeqNo) and logs it. */
  applyBatch(batch: Batch, bytes: Uint8Array): void {
    const { wal, data, codec } = this.c;
    const applied = wal.lastSeq;
    this.c.onEvent?.(new AppliedEvent(batch.header.epoch, batch, applied));
    if (batch instanceof EncodedBatch) {
      // Straight from the bytes: no event object, and no string unless the entity is new.
      const r = codec.reader(batch);
      while (r.next()) {
        if (r.seqNo <= applied) continue;
        data.store.applyEncoded(r, codec.originName(r.originIndex, r.originEpoch));
        if (r.keyEnd > r.keyAt)
          this.rememberKey(
            r.event(codec.originName(r.originIndex, r.originEpoch)),
            this.c.schema.signalName(r.signal),
          );
      }
    } else {
      for (const e of batch.events) {
        if (e.seqNo <= applied) continue;
        data.store.apply(e);
        if (e.idempotencyKey) this.rememberKey(e, this.c.schema.signalName(e.signal));
      }
    }
    wal.append(bytes, batch.header);
    this.c.controlPlane?.lag.applied(this.c.region, this.c.shard, wal.lastSeq, this.c.clock.nowMs());
  }

  /** Joins reconciled states into the store and logs the ones that changed it; returns how many. */
  mergeStates(items: StateItem[]): number {
    const { codec, data } = this.c;
    const changed = items.filter((it) => data.store.merge(it).length > 0);
    if (changed.length) {
      const bytes = codec.encodeMerge(
        this.c.shard,
        data.epoch,
        this.c.region,
        changed.length,
        encodeStates(changed),
      );
      this.c.wal.append(bytes, codec.header(bytes));
      this.c.onEvent?.({ type: 'merged', states: changed.length });
    }
    return changed.length;
  }

  /**
   * Remembers a keyed event's ack, so a retry is answered with it. A locally accepted write
   * (SeqNo 0) was acknowledged in the epoch its log record carries (`localEpoch`): replaying the
   * WAL after a restart must answer its retries with that epoch, not whatever epoch the replay
   * has reached.
   */
  rememberKey(e: SignalEvent, signal: string, localEpoch?: number): void {
    const ack = {
      shard: this.c.shard,
      seqNo: e.seqNo,
      epoch: localEpoch ?? this.epochOfSeqNo(e.seqNo),
      hlc: e.hlc,
      timeMs: e.timeMs,
      origin: e.hlc.node,
      local: e.seqNo === 0,
    };
    this.c.data.idempotency.record(
      e.tenant,
      e.idempotencyKey,
      fingerprintOf(signal, e.entity, e.weight, undefined),
      ack,
      e.hlc.wallMs,
      this.c.clock.nowMs(),
    );
  }

  /** Rebuilds the store and the idempotency store from the WAL, raising the epoch as it goes. */
  rebuild(): void {
    const { schema, codec, data } = this.c;
    data.store = new SignalStore(schema);
    data.idempotency = new IdempotencyStore(this.c.idempotencyRetentionMs);
    let applied = 0;
    for (const rec of this.c.wal.records) {
      const h = rec.header;
      if (h.flags & FLAG_MERGE) {
        const start = h.version === 2 ? HEADER_V2_BYTES : HEADER_V1_BYTES;
        for (const item of decodeStates(rec.bytes, start, rec.bytes.length, schema.size))
          data.store.merge(item);
        continue;
      }
      if (h.epoch > data.epoch && !(h.flags & FLAG_LOCAL)) data.epoch = h.epoch;
      for (const e of codec.decodeEvents(rec.bytes, h)) {
        if (!(h.flags & FLAG_LOCAL)) {
          if (e.seqNo <= applied) continue;
          applied = e.seqNo;
        }
        data.store.apply(e);
        if (e.idempotencyKey)
          this.rememberKey(e, schema.signalName(e.signal), h.flags & FLAG_LOCAL ? h.epoch : undefined);
        this.c.hlc.restore(e.hlc);
      }
    }
    this.c.controlPlane?.lag.applied(this.c.region, this.c.shard, applied, this.c.clock.nowMs());
  }

  /**
   * The epoch whose leader assigned `seqNo`: the latest epoch that starts at or before it. A
   * replica may apply an older epoch's event after adopting a newer epoch (catching up from the
   * new leader), and a retry's answer must still carry the epoch of the original ack.
   */
  private epochOfSeqNo(seqNo: number): number {
    const cp = this.c.controlPlane;
    const current = this.c.data.epoch;
    if (!cp || seqNo === 0) return current;
    let epoch = 1;
    for (let e = 2; e <= current; e++) {
      const start = cp.epochStart(this.c.shard, e);
      if (start !== undefined && start <= seqNo) epoch = e;
    }
    return epoch;
  }
}

/**
 * The 'applied' engine event: its events (those after the SeqNo applied before the batch) are
 * picked from the batch only when a listener reads them — a prototype getter, so making the
 * event costs no more than a plain literal.
 */
class AppliedEvent {
  readonly type = 'applied';
  private picked: SignalEvent[] | undefined;

  constructor(
    readonly epoch: number,
    private readonly batch: Batch,
    private readonly after: number,
  ) {}

  get events(): readonly SignalEvent[] {
    return (this.picked ??= this.batch.events.filter((e) => e.seqNo > this.after));
  }
}
