/**
 * The write-ahead log of one shard replica: batches (the same bytes that travel) appended to
 * shard-aware segments `<shard:5>-<firstSeqNo:20>.wal`, rolled at `segmentBytes`. The WAL is
 * the replica's durable truth: on open, recovery scans segments in name order, validates every
 * batch, truncates a torn tail of the last segment, and hands back the records to rebuild from.
 * It is also the leader's source for shipping: batches are read back by SeqNo.
 */
import type { BatchCodec, SignalEvent } from '../batch/codec';
import { decodeHeader, FLAG_LOCAL, FLAG_MERGE, type BatchHeader } from '../batch/header';
import { invariant } from '../assert';
import { CorruptBatchError, WalRecoveryError } from '../errors';
import { EventReader } from '../batch/reader';
import type { Hlc } from '../hlc';
import type { WalStorage } from './storage';

export interface WalOptions {
  /** Roll to a new segment once a segment reaches this size. Default: 1 MiB. */
  segmentBytes?: number;
}

export interface RecoveryReport {
  segments: number;
  batches: number;
  events: number;
  truncatedBytes: number;
}

/** One record of the log, as held in memory. */
export interface WalRecord {
  header: BatchHeader;
  bytes: Uint8Array;
  /** First and last SeqNo for replicated records; 0 for local and merge records. */
  first: number;
  last: number;
}

const NAME_RE = /^(\d{5})-(\d{20})\.wal$/;

export function segmentName(shard: number, firstSeqNo: number): string {
  return `${String(shard).padStart(5, '0')}-${String(firstSeqNo).padStart(20, '0')}.wal`;
}

export function isReplicated(h: BatchHeader): boolean {
  return (h.flags & (FLAG_LOCAL | FLAG_MERGE)) === 0;
}

export class Wal {
  readonly segmentBytes: number;
  /** Reads stamps in place (`stampOf`); made on first use. */
  private stamps: EventReader | undefined;
  /** Every record in log order. */
  records: WalRecord[] = [];
  /** Replicated records only, in SeqNo order (they may overlap; never gap). */
  private replicated: WalRecord[] = [];
  private segment: { name: string; size: number } | undefined;
  private segmentCount = 0;
  lastSeq = 0;

  constructor(
    private readonly storage: WalStorage,
    readonly dir: string,
    readonly shard: number,
    private readonly codec: BatchCodec,
    opts: WalOptions = {},
  ) {
    this.segmentBytes = opts.segmentBytes ?? 1024 * 1024;
  }

  /** Reads every segment back; truncates a torn or corrupt tail of the last one. */
  recover(): RecoveryReport {
    this.records = [];
    this.replicated = [];
    this.lastSeq = 0;
    const names = this.storage.list(this.dir);
    const report: RecoveryReport = { segments: names.length, batches: 0, events: 0, truncatedBytes: 0 };
    names.forEach((name, i) => {
      const m = NAME_RE.exec(name);
      if (!m)
        throw new WalRecoveryError(
          `${this.dir}/${name}`,
          'not a WAL segment name (<shard:5>-<firstSeqNo:20>.wal)',
        );
      if (Number(m[1]) !== this.shard)
        throw new WalRecoveryError(
          `${this.dir}/${name}`,
          `segment of shard ${Number(m[1])} in the WAL of shard ${this.shard}`,
        );
      const bytes = this.storage.read(this.dir, name);
      let at = 0;
      while (at < bytes.length) {
        let rec: WalRecord;
        try {
          rec = this.parse(bytes, at);
        } catch (err) {
          if (!(err instanceof CorruptBatchError)) throw err;
          if (i !== names.length - 1)
            throw new WalRecoveryError(
              `${this.dir}/${name}`,
              `${err.message} in a segment that is not the last`,
            );
          report.truncatedBytes = bytes.length - at;
          this.storage.truncate(this.dir, name, at);
          break;
        }
        const replicated = isReplicated(rec.header) && rec.header.eventCount > 0;
        if (replicated && rec.first > this.lastSeq + 1) {
          throw new WalRecoveryError(
            `${this.dir}/${name}`,
            `gap in the log: SeqNo ${this.lastSeq} is followed by ${rec.first}`,
          );
        }
        if (replicated && rec.last <= this.lastSeq) {
          throw new WalRecoveryError(
            `${this.dir}/${name}`,
            `record of SeqNo ${rec.first}..${rec.last} at byte ${at} repeats the log (last ${this.lastSeq}); the WAL never holds a record that adds nothing`,
          );
        }
        // Count each event once: a record may overlap the one before it (a resent batch).
        if (replicated) report.events += rec.last - Math.max(rec.first - 1, this.lastSeq);
        else if (!(rec.header.flags & FLAG_MERGE)) report.events += rec.header.eventCount;
        this.index(rec);
        report.batches++;
        at += rec.header.byteLength;
      }
      this.segment = { name, size: Math.min(at, bytes.length) };
    });
    this.segmentCount = names.length;
    return report;
  }

  /** Appends a record (the bytes of a batch) durably. */
  append(bytes: Uint8Array, header: BatchHeader): WalRecord {
    const first = isReplicated(header) ? header.firstSeqNo : 0;
    const rec: WalRecord = { header, bytes, first, last: first ? first + header.eventCount - 1 : 0 };
    if (!this.segment || (this.segment.size > 0 && this.segment.size + bytes.length > this.segmentBytes)) {
      this.segment = { name: segmentName(this.shard, first || this.lastSeq + 1), size: 0 };
      this.segmentCount++;
    }
    this.storage.append(this.dir, this.segment.name, bytes);
    this.segment.size += bytes.length;
    this.index(rec);
    return rec;
  }

  /**
   * The replicated record holding `seq`, if any. Every appended replicated record extends the
   * log (its last SeqNo is new) and the log has no gaps, so records are sorted by last SeqNo and
   * the first one ending at or after `seq` holds it.
   */
  recordHolding(seq: number): WalRecord | undefined {
    const r = this.replicated;
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid]!.last < seq) lo = mid + 1;
      else hi = mid;
    }
    const rec = r[lo];
    return rec && rec.first <= seq ? rec : undefined;
  }

  /**
   * The HLC stamp of replicated event `seq`, read in place from its record (no event decoded);
   * undefined when the log does not hold it. A record may hold events the log had already (a
   * batch overlapping the applied SeqNo): the first one numbered `seq` is the one applied, as in
   * `eventsFrom`.
   */
  stampOf(seq: number): Hlc | undefined {
    const rec = this.recordHolding(seq);
    if (!rec) return undefined;
    const r = (this.stamps ??= new EventReader(this.codec.regions, this.codec.signalCount));
    r.reset(rec.bytes, rec.header);
    while (r.next()) if (r.seqNo === seq) return r.hlc();
    return undefined;
  }

  /** Up to `max` replicated events from `seq` on, decoded. */
  eventsFrom(seq: number, max: number): SignalEvent[] {
    const out: SignalEvent[] = [];
    let next = seq;
    while (out.length < max && next <= this.lastSeq) {
      const rec = this.recordHolding(next);
      if (!rec) break;
      for (const e of this.codec.decodeEvents(rec.bytes, rec.header)) {
        if (e.seqNo === next && out.length < max) {
          out.push(e);
          next++;
        }
      }
    }
    return out;
  }

  /**
   * Drops every replicated event after `seq` (a deposed leader's or a diverged follower's
   * unreplicated suffix) and rewrites the segments. Returns the dropped events.
   */
  truncateAfter(seq: number, senderRegion: string): SignalEvent[] {
    if (seq >= this.lastSeq) return [];
    const dropped: SignalEvent[] = [];
    const kept: WalRecord[] = [];
    let keptLast = 0; // records may overlap: a cut record keeps only what extends the kept log
    for (const rec of this.records) {
      if (!isReplicated(rec.header) || rec.last <= seq) {
        kept.push(rec);
        if (isReplicated(rec.header)) keptLast = Math.max(keptLast, rec.last);
        continue;
      }
      const events = this.codec.decodeEvents(rec.bytes, rec.header);
      const keep = events.filter((e) => e.seqNo <= seq && e.seqNo > keptLast);
      if (keep.length) keptLast = keep[keep.length - 1]!.seqNo;
      for (const e of events) if (e.seqNo > seq && !dropped.some((d) => d.seqNo === e.seqNo)) dropped.push(e);
      if (keep.length) {
        const bytes = this.codec.encode(
          this.shard,
          rec.header.epoch,
          senderRegion,
          rec.header.flags,
          keep[0]!.seqNo,
          keep,
        );
        kept.push(this.parse(bytes, 0));
      }
    }
    for (const name of this.storage.list(this.dir)) this.storage.remove(this.dir, name);
    this.records = [];
    this.replicated = [];
    this.segment = undefined;
    this.segmentCount = 0;
    this.lastSeq = 0;
    for (const rec of kept) this.append(rec.bytes, rec.header);
    dropped.sort((a, b) => a.seqNo - b.seqNo);
    return dropped;
  }

  /** Name of the segment being appended to. */
  currentSegment(): string | undefined {
    return this.segment?.name;
  }

  get segments(): number {
    return this.segmentCount;
  }

  private parse(bytes: Uint8Array, at: number): WalRecord {
    const header = decodeHeader(bytes, at);
    if (header.shard !== this.shard)
      throw new WalRecoveryError(
        this.dir,
        `a valid record of shard ${header.shard} at byte ${at} in the WAL of shard ${this.shard}`,
      );
    const own = bytes.subarray(at, at + header.byteLength);
    if (!(header.flags & FLAG_MERGE)) this.codec.decodeEvents(own, header); // validates the payload's structure
    const first = isReplicated(header) ? header.firstSeqNo : 0;
    return { header, bytes: own, first, last: first ? first + header.eventCount - 1 : 0 };
  }

  private index(rec: WalRecord): void {
    this.records.push(rec);
    if (isReplicated(rec.header) && rec.header.eventCount > 0) {
      invariant(
        rec.last > this.lastSeq,
        () => `WAL append of SeqNo ${rec.first}..${rec.last} does not extend the log (last ${this.lastSeq})`,
      );
      this.replicated.push(rec);
      if (rec.last > this.lastSeq) this.lastSeq = rec.last;
    }
  }
}
