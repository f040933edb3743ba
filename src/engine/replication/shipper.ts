/**
 * WalShipper: the leader side of WAL shipping (DESIGN §3, Replication). For each follower it
 * keeps a cursor (what the follower acknowledged, what was sent) and streams WAL batches from
 * the cursor, a bounded window at a time. A gap or corrupt answer rewinds the cursor to the
 * follower's applied SeqNo; silence rewinds it after a retransmission timeout that backs off
 * (bounded) and resets on progress. An unconfirmed follower (new epoch, restarted replica) gets
 * heartbeats — empty batches that announce the epoch — until it answers.
 */
import { restampV2 } from '../batch/header';
import type { BatchCodec, SignalEvent } from '../batch/codec';
import type { TimerHandle, Timers } from '../clock';
import type { Transport } from '../transport';
import type { Wal } from '../wal/wal';
import { AckStatus, type Ack } from './messages';

export interface ShipperOptions {
  /** Events per batch. Default: 512. */
  maxBatchEvents?: number;
  /** Batches in flight per follower. Default: 8. */
  windowBatches?: number;
  /** First retransmission timeout, ms. Default: 100 ms. */
  rtoMs?: number;
  /** Ceiling of the backed-off timeout, ms. Default: 400 ms. */
  maxRtoMs?: number;
}

/** What the shipper reads and calls: its collaborators and its leader's epoch and group commit. */
export interface ShipperHost {
  readonly region: string;
  readonly shard: number;
  /** The leader's current epoch (stamped on every batch sent). */
  readonly epoch: number;
  readonly wal: Wal;
  readonly codec: Pick<BatchCodec, 'encode' | 'indexOfRegion'>;
  readonly transport: Pick<Transport, 'send'>;
  readonly timers: Timers;
  /** Makes staged writes part of the WAL (group commit). */
  flush(): void;
  /** A follower confirmed `appliedSeqNo` in the current epoch. */
  followerApplied(region: string, appliedSeqNo: number): void;
}

interface Cursor {
  region: string;
  acked: number;
  sent: number;
  confirmed: boolean;
  rtoMs: number;
  timer: TimerHandle | undefined;
  ackedAtArm: number;
  /**
   * After a gap or corrupt answer or a retransmission timeout, one batch at a time (holding all
   * that is missing, up to a batch's worth) until the follower acknowledges progress — as a
   * Raft leader probes a follower that rejected an append.
   */
  probing: boolean;
}

export interface ShipperStats {
  batchesSent: number;
  eventsSent: number;
  bytesSent: number;
  retransmits: number;
  heartbeats: number;
  reencoded: number;
}

export class WalShipper {
  readonly maxBatchEvents: number;
  readonly windowEvents: number;
  private readonly rtoMs: number;
  private readonly maxRtoMs: number;
  private readonly cursors = new Map<string, Cursor>();
  private pumpScheduled: TimerHandle | undefined;
  private stopped = false;
  private readonly cache = new Map<number, Uint8Array>();
  private lastProbe:
    { seq: number; last: number; epoch: number; events: SignalEvent[]; bytes: Uint8Array } | undefined;
  readonly stats: ShipperStats = {
    batchesSent: 0,
    eventsSent: 0,
    bytesSent: 0,
    retransmits: 0,
    heartbeats: 0,
    reencoded: 0,
  };

  constructor(
    private readonly host: ShipperHost,
    followers: readonly string[],
    opts: ShipperOptions = {},
  ) {
    this.maxBatchEvents = opts.maxBatchEvents ?? 512;
    this.windowEvents = this.maxBatchEvents * (opts.windowBatches ?? 8);
    this.rtoMs = opts.rtoMs ?? 100;
    this.maxRtoMs = opts.maxRtoMs ?? 400;
    const last = host.wal.lastSeq;
    for (const region of followers) {
      this.cursors.set(region, {
        region,
        acked: 0,
        sent: last,
        confirmed: false,
        rtoMs: this.rtoMs,
        timer: undefined,
        ackedAtArm: -1,
        probing: false,
      });
    }
  }

  /** Announces the epoch to every follower and starts shipping. */
  start(): void {
    for (const c of this.cursors.values()) {
      this.heartbeat(c);
      this.arm(c);
    }
  }

  stop(): void {
    this.stopped = true;
    this.pumpScheduled?.cancel();
    for (const c of this.cursors.values()) c.timer?.cancel();
  }

  /** New writes are staged: ship them at the end of this instant (one batch for many writes). */
  notify(): void {
    if (this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = this.host.timers.after(0, () => {
      this.pumpScheduled = undefined;
      this.pump();
    });
  }

  pump(): void {
    if (this.stopped) return;
    this.host.flush();
    for (const c of this.cursors.values()) this.ship(c);
  }

  /** Acknowledgement from a follower (already validated and fenced by the node). */
  onAck(from: string, ack: Ack): void {
    const c = this.cursors.get(from);
    if (!c || this.stopped) return;
    if (ack.epoch < this.host.epoch || ack.status === AckStatus.Hello) {
      // The follower has not seen this epoch yet (or restarted): make it listen first.
      c.confirmed = false;
      c.acked = Math.min(ack.appliedSeqNo, this.host.wal.lastSeq);
      c.sent = this.host.wal.lastSeq;
      this.heartbeat(c);
      this.arm(c);
      return;
    }
    const progressed = !c.confirmed || ack.appliedSeqNo > c.acked;
    if (!c.confirmed || ack.status !== AckStatus.Ok) {
      // First word in this epoch, or a gap/corrupt/wrong-shard answer: the follower's applied
      // SeqNo is authoritative, resend from it. After a gap or corrupt answer, probe with one
      // batch until the follower acknowledges progress: every batch already in flight behind the
      // loss draws the same answer, and resending the window for each of them grows a storm
      // under reordering or corruption. The retransmission timer covers a lost probe.
      const applied = Math.min(ack.appliedSeqNo, this.host.wal.lastSeq);
      // A stale answer (reordered or duplicated behind a newer one) says less than the follower
      // already acknowledged in this epoch, where its applied SeqNo never goes back (a restarted
      // follower says Hello). Moving the cursor back for it, then forward again at the next
      // answer, resent a window per stale answer in flight: a storm that grew without bound.
      if (c.confirmed && applied < c.acked) return;
      if (c.confirmed && c.probing && applied === c.acked && c.sent > c.acked) return;
      c.acked = applied;
      c.sent = c.acked;
      c.probing = c.confirmed;
    } else {
      if (ack.appliedSeqNo > c.acked) {
        c.acked = ack.appliedSeqNo;
        c.probing = false;
      }
      if (c.sent < c.acked) c.sent = c.acked;
    }
    c.confirmed = true;
    if (progressed) c.rtoMs = this.rtoMs;
    this.host.followerApplied(from, c.acked);
    this.ship(c);
  }

  /** The leader's view of each follower: acknowledged SeqNo and whether it confirmed the epoch. */
  view(): { region: string; acked: number; sent: number; confirmed: boolean }[] {
    return [...this.cursors.values()].map(({ region, acked, sent, confirmed }) => ({
      region,
      acked,
      sent,
      confirmed,
    }));
  }

  private ship(c: Cursor): void {
    const last = this.host.wal.lastSeq;
    while (c.sent < last && c.sent - c.acked < this.windowEvents && !(c.probing && c.sent > c.acked)) {
      const bytes = c.probing ? this.probeFrom(c.sent + 1) : this.batchFrom(c.sent + 1);
      if (!bytes) break;
      const count = (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16) | (bytes[27]! << 24)) >>> 0; // eventCount
      this.host.transport.send(c.region, bytes);
      this.stats.batchesSent++;
      this.stats.eventsSent += count;
      this.stats.bytesSent += bytes.length;
      c.sent += count;
    }
    this.arm(c);
  }

  /** Arms the retransmission timer while something is unacknowledged or unconfirmed. */
  private arm(c: Cursor): void {
    if (c.timer || this.stopped) return;
    if (c.confirmed && c.acked >= this.host.wal.lastSeq) return;
    c.ackedAtArm = c.acked;
    c.timer = this.host.timers.after(c.rtoMs, () => {
      c.timer = undefined;
      if (this.stopped) return;
      if (!c.confirmed) {
        this.heartbeat(c);
        c.rtoMs = Math.min(c.rtoMs * 2, this.maxRtoMs);
      } else if (c.acked === c.ackedAtArm && c.acked < this.host.wal.lastSeq) {
        // Something is outstanding and nothing moved: resend. (A timer armed while the follower
        // was unconfirmed may fire after it confirmed an idle log: that is no loss.)
        this.stats.retransmits++;
        c.sent = c.acked;
        c.probing = true;
        c.rtoMs = Math.min(c.rtoMs * 2, this.maxRtoMs);
      }
      this.ship(c);
      this.arm(c);
    });
  }

  private heartbeat(c: Cursor): void {
    const h = this.host;
    h.transport.send(c.region, h.codec.encode(h.shard, h.epoch, h.region, 0, h.wal.lastSeq + 1, []));
    this.stats.heartbeats++;
  }

  /**
   * A probe: every event from `seq` on (up to a batch's worth) in one batch, so a follower that
   * lost or refused what was in flight catches up in one round trip.
   */
  private probeFrom(seq: number): Uint8Array | undefined {
    const h = this.host;
    // A follower cut off for a while is probed at every retransmission timeout from the same
    // SeqNo: keep the events decoded for the last probe and read only the ones logged since.
    const last = Math.min(h.wal.lastSeq, seq + this.maxBatchEvents - 1);
    const p = this.lastProbe;
    const again = p !== undefined && p.seq === seq && p.epoch === h.epoch && p.last <= last;
    if (again && p.last === last) return p.bytes;
    const events = again
      ? p.events.concat(h.wal.eventsFrom(p.last + 1, this.maxBatchEvents - p.events.length))
      : h.wal.eventsFrom(seq, this.maxBatchEvents);
    if (events.length === 0) return undefined;
    this.stats.reencoded++;
    const bytes = h.codec.encode(h.shard, h.epoch, h.region, 0, seq, events);
    this.lastProbe = { seq, last: seq + events.length - 1, epoch: h.epoch, events, bytes };
    return bytes;
  }

  /** The batch starting at `seq`: the WAL record itself when it fits, else a re-encoded one. */
  private batchFrom(seq: number): Uint8Array | undefined {
    const h = this.host;
    const cached = this.cache.get(seq);
    if (cached) return cached;
    const rec = h.wal.recordHolding(seq);
    if (!rec) return undefined;
    const count = rec.last - rec.first + 1;
    let bytes: Uint8Array;
    if (rec.first === seq && count <= this.maxBatchEvents && rec.header.version === 2) {
      const mine = rec.header.epoch === h.epoch && rec.header.originIndex === h.codec.indexOfRegion(h.region);
      if (mine) return rec.bytes;
      bytes = restampV2(rec.bytes, h.epoch, h.codec.indexOfRegion(h.region));
    } else {
      const events = h.wal.eventsFrom(seq, this.maxBatchEvents);
      if (events.length === 0) return undefined;
      bytes = h.codec.encode(h.shard, h.epoch, h.region, 0, seq, events);
    }
    this.stats.reencoded++;
    if (this.cache.size >= 32) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(seq, bytes);
    return bytes;
  }
}
