/**
 * Encoding of signal events into batches (header v2 + payload) and back. The payload is the
 * same for v1 and v2 headers: a run of events, each
 *   u8 kind(=1) · u8 signal index · str16 tenant · str16 entity · f64 weight · f64 event time ms ·
 *   f64 hlc wall ms · u32 hlc logical · u16 hlc node region index · u16 origin region index ·
 *   u32 origin epoch · u32 origin version · str16 idempotency key ('' = none)
 * SeqNos are implicit: firstSeqNo + position (local batches carry SeqNo 0).
 */
import { CorruptBatchError } from '../errors';
import type { Hlc } from '../hlc';
import { ByteReader, ByteWriter, decodeUtf8, putStr16 } from './bytes';
import {
  decodeHeader,
  FLAG_KEYED,
  FLAG_LOCAL,
  FLAG_MERGE,
  HEADER_V2_BYTES,
  type BatchHeader,
  writeHeaderV2,
} from './header';
import { EventReader } from './reader';

const KIND_SIGNAL = 1;
/** Bytes of an event between its entity id and its idempotency key's length. */
const EVENT_FIXED_BYTES = 40;

/** One write as it travels and as the WAL keeps it. */
export interface SignalEvent {
  /** Position in the shard's log; 0 for a write accepted locally under accept-local. */
  seqNo: number;
  /** Index of the signal in the schema. */
  signal: number;
  /** '' when the write has no tenant. */
  tenant: string;
  entity: string;
  weight: number;
  /** Event time: the physical clock of the accepting node, or the caller's explicit time. */
  timeMs: number;
  hlc: Hlc;
  /** CRDT origin key: `<region>@<epoch>` of the node that accepted the write. */
  origin: string;
  /** 1-based count of this origin's writes to this (entity, signal). */
  originVersion: number;
  /** '' when the write carries no idempotency key. */
  idempotencyKey: string;
}

export interface Batch {
  header: BatchHeader;
  readonly events: SignalEvent[];
}

/**
 * A checked batch whose events stay in its bytes (`BatchCodec.open`): a follower applies them
 * from there (`EventReader`); `events` decodes them, once, only if someone asks.
 */
export class EncodedBatch implements Batch {
  private decoded: SignalEvent[] | undefined;

  constructor(
    private readonly codec: BatchCodec,
    readonly bytes: Uint8Array,
    readonly header: BatchHeader,
  ) {}

  get events(): SignalEvent[] {
    return (this.decoded ??= this.codec.decodeEvents(this.bytes, this.header));
  }
}

/** What a batch header says of a run of events written by `BatchCodec.writeEventOf`. */
export interface WrittenRun {
  eventCount: number;
  /** Whether any of them carries an idempotency key. */
  keyed: boolean;
  /** The first event's stamp, and the greatest (by wall time, then logical count). */
  hlcMin: Hlc;
  hlcMax: Hlc;
}

/** The origin key of writes accepted by `region` during `epoch`. */
export function originKey(region: string, epoch: number): string {
  return `${region}@${epoch}`;
}

/** Encodes and decodes batches against one cluster's region table and schema size. */
export class BatchCodec {
  private readonly regionIndex = new Map<string, number>();
  private readonly originParts = new Map<string, { index: number; epoch: number }>();
  private readonly originNames = new Map<number, Map<number, string>>();
  private readonly writer = new ByteWriter(4 * 1024); // grows (doubling) to the largest batch
  private lastOriginIndex = -1;
  private lastOriginEpoch = -1;
  private lastOrigin = '';
  // The origin key and HLC node the last event written carried (nearly every event repeats them).
  private writtenOrigin = '';
  private writtenOriginParts = { index: 0, epoch: 0 };
  private writtenNode = '';
  private writtenNodeIndex = 0;
  private sealed: Uint8Array | undefined;
  private sealedHeader: BatchHeader | undefined;
  private readonly checker: EventReader;
  private readonly applying: EventReader;

  constructor(
    readonly regions: readonly string[],
    readonly signalCount: number,
  ) {
    regions.forEach((r, i) => this.regionIndex.set(r, i));
    this.checker = new EventReader(regions, signalCount);
    this.applying = new EventReader(regions, signalCount);
  }

  indexOfRegion(region: string): number {
    const i = this.regionIndex.get(region);
    if (i === undefined)
      throw new CorruptBatchError(`region ${JSON.stringify(region)} is not in the cluster's region table`);
    return i;
  }

  regionAt(index: number): string {
    const r = this.regions[index];
    if (r === undefined)
      throw new CorruptBatchError(
        `region index ${index} is outside the region table (${this.regions.length} regions)`,
      );
    return r;
  }

  /** Encodes events as one v2 batch sent by `senderRegion` at `epoch`. */
  encode(
    shard: number,
    epoch: number,
    senderRegion: string,
    flags: number,
    firstSeqNo: number,
    events: readonly SignalEvent[],
  ): Uint8Array {
    const w = this.writer;
    w.pos = 0;
    w.skip(HEADER_V2_BYTES);
    let keyed = false;
    for (const e of events) {
      keyed ||= e.idempotencyKey !== '';
      this.writeEvent(w, e);
    }
    return this.seal(w, {
      flags: flags | (keyed ? FLAG_KEYED : 0),
      shard,
      originIndex: this.indexOfRegion(senderRegion),
      epoch,
      firstSeqNo,
      eventCount: events.length,
      hlcMin: events.length ? events[0]!.hlc : { wallMs: 0, logical: 0 },
      hlcMax: events.length ? maxHlc(events) : { wallMs: 0, logical: 0 },
    });
  }

  /**
   * A v2 batch of events already written by `writeEventOf` (`payload`, `eventCount` of them, the
   * first at `firstSeqNo`): the same bytes `encode` makes of those events.
   */
  encodeWritten(
    shard: number,
    epoch: number,
    senderRegion: string,
    flags: number,
    firstSeqNo: number,
    payload: Uint8Array,
    written: WrittenRun,
  ): Uint8Array {
    return this.sealPayload(payload, {
      flags: flags | (written.keyed ? FLAG_KEYED : 0),
      shard,
      originIndex: this.indexOfRegion(senderRegion),
      epoch,
      firstSeqNo,
      eventCount: written.eventCount,
      hlcMin: written.hlcMin,
      hlcMax: written.hlcMax,
    });
  }

  /** Encodes an opaque payload (reconciled states) as a MERGE record. */
  encodeMerge(
    shard: number,
    epoch: number,
    senderRegion: string,
    itemCount: number,
    payload: Uint8Array,
  ): Uint8Array {
    const zero = { wallMs: 0, logical: 0 };
    return this.sealPayload(payload, {
      flags: FLAG_MERGE,
      shard,
      originIndex: this.indexOfRegion(senderRegion),
      epoch,
      firstSeqNo: 0,
      eventCount: itemCount,
      hlcMin: zero,
      hlcMax: zero,
    });
  }

  /** A v2 header `h` and `payload` after it, sealed. */
  private sealPayload(payload: Uint8Array, h: Parameters<typeof writeHeaderV2>[2]): Uint8Array {
    const w = this.writer;
    w.pos = 0;
    w.skip(HEADER_V2_BYTES);
    w.bytes(payload);
    return this.seal(w, h);
  }

  private seal(w: ByteWriter, h: Parameters<typeof writeHeaderV2>[2]): Uint8Array {
    const out = w.finish();
    const payloadLength = out.length - HEADER_V2_BYTES;
    writeHeaderV2(out, 0, h, HEADER_V2_BYTES, payloadLength);
    this.sealed = out;
    this.sealedHeader = {
      version: 2,
      flags: h.flags,
      shard: h.shard,
      originIndex: h.originIndex,
      epoch: h.epoch,
      firstSeqNo: h.firstSeqNo,
      eventCount: h.eventCount,
      hlcMin: { wallMs: h.hlcMin.wallMs, logical: h.hlcMin.logical },
      hlcMax: { wallMs: h.hlcMax.wallMs, logical: h.hlcMax.logical },
      payloadLength,
      payloadCrc: (out[56]! | (out[57]! << 8) | (out[58]! << 16) | (out[59]! << 24)) >>> 0,
      byteLength: out.length,
    };
    return out;
  }

  /**
   * The validated header of a batch, as `decode(bytes).header` gives it. For the batch this codec
   * sealed last (a leader logging what it just encoded) it is the header it wrote, without
   * decoding every event back or checksumming the bytes again.
   */
  header(bytes: Uint8Array): BatchHeader {
    const h = this.sealedHeader;
    if (bytes === this.sealed && h !== undefined) {
      this.sealed = undefined;
      this.sealedHeader = undefined;
      return h;
    }
    const header = decodeHeader(bytes);
    if (!(header.flags & FLAG_MERGE)) this.decodeEvents(bytes, header);
    return header;
  }

  /** Decodes and validates a whole batch. Throws `CorruptBatchError` on any defect. */
  decode(bytes: Uint8Array, at = 0): Batch {
    const header = decodeHeader(bytes, at);
    if (header.flags & FLAG_MERGE) return { header, events: [] };
    return { header, events: this.decodeEvents(bytes, header, at) };
  }

  /**
   * Validates a whole batch as `decode` does, and more: when every event is well formed with
   * ASCII ids within DESIGN §2's limits (all a client can write here) the events stay in the
   * bytes (an `EncodedBatch`, its ids checked); otherwise it is `decode`'s batch (or error),
   * whose ids the caller still checks.
   */
  open(bytes: Uint8Array): Batch {
    const header = decodeHeader(bytes);
    if (header.flags & FLAG_MERGE) return { header, events: [] };
    if (this.checker.reset(bytes, header).check()) return new EncodedBatch(this, bytes, header);
    return { header, events: this.decodeEvents(bytes, header) };
  }

  /** A reader at the first event of `batch` (one per codec: the walk must end before the next). */
  reader(batch: EncodedBatch): EventReader {
    return this.applying.reset(batch.bytes, batch.header);
  }

  decodeEvents(bytes: Uint8Array, header: BatchHeader, at = 0): SignalEvent[] {
    const start = at + header.byteLength - header.payloadLength;
    const r = new ByteReader(bytes, start, start + header.payloadLength);
    // A DataView pays for itself over a few events; a one-event batch reads its doubles by hand.
    const view =
      header.eventCount >= 8 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
    const events: SignalEvent[] = new Array(header.eventCount);
    const local = (header.flags & FLAG_LOCAL) !== 0;
    for (let i = 0; i < header.eventCount; i++) {
      const seqNo = local ? 0 : header.firstSeqNo + i;
      events[i] = this.readEventFast(r, seqNo, view) ?? this.readEvent(r, seqNo);
    }
    if (r.remaining() !== 0)
      throw new CorruptBatchError(
        `${r.remaining()} bytes after the last of ${header.eventCount} events`,
        r.pos,
      );
    return events;
  }

  /** One event, written by hand after one bounds check (the layout is in the header comment). */
  private writeEvent(w: ByteWriter, e: SignalEvent): void {
    this.writeEventOf(
      w,
      e.signal,
      e.tenant,
      e.entity,
      e.weight,
      e.timeMs,
      e.hlc,
      e.origin,
      e.originVersion,
      e.idempotencyKey,
    );
  }

  /**
   * The event with these fields (a `SignalEvent` without its SeqNo, which a batch implies),
   * written at `w`'s position: how a leader stages a write without making an event object.
   */
  writeEventOf(
    w: ByteWriter,
    signal: number,
    tenant: string,
    entity: string,
    weight: number,
    timeMs: number,
    hlc: Hlc,
    originKey: string,
    originVersion: number,
    idempotencyKey: string,
  ): void {
    if (originKey !== this.writtenOrigin) {
      this.writtenOriginParts = this.parseOrigin(originKey);
      this.writtenOrigin = originKey;
    }
    const origin = this.writtenOriginParts;
    if (hlc.node !== this.writtenNode) {
      this.writtenNodeIndex = this.indexOfRegion(hlc.node);
      this.writtenNode = hlc.node;
    }
    const node = this.writtenNodeIndex;
    w.reserve(2 + 6 + 3 * (tenant.length + entity.length + idempotencyKey.length) + EVENT_FIXED_BYTES);
    const b = w.raw();
    let p = w.pos;
    b[p] = KIND_SIGNAL;
    b[p + 1] = signal;
    p = putStr16(b, p + 2, tenant);
    p = putStr16(b, p, entity);
    const v = w.dataView();
    v.setFloat64(p, weight, true);
    v.setFloat64(p + 8, timeMs, true);
    v.setFloat64(p + 16, hlc.wallMs, true);
    putU32(b, p + 24, hlc.logical);
    b[p + 28] = node;
    b[p + 29] = node >>> 8;
    b[p + 30] = origin.index;
    b[p + 31] = origin.index >>> 8;
    putU32(b, p + 32, origin.epoch);
    putU32(b, p + 36, originVersion);
    w.pos = putStr16(b, p + EVENT_FIXED_BYTES, idempotencyKey);
  }

  /**
   * One well-formed event read with one bounds check per field group instead of one per field;
   * undefined (and the reader untouched) for anything unusual, which `readEvent` then reads
   * field by field and reports precisely.
   */
  private readEventFast(r: ByteReader, seqNo: number, view: DataView | undefined): SignalEvent | undefined {
    const b = r.buf;
    const end = r.end;
    const p = r.pos;
    if (p + 4 > end || b[p] !== KIND_SIGNAL) return undefined;
    const signal = b[p + 1]!;
    if (signal >= this.signalCount) return undefined;
    const tenantBytes = b[p + 2]! | (b[p + 3]! << 8);
    let q = p + 4;
    if (q + tenantBytes + 2 > end) return undefined;
    const tenant = decodeUtf8(b, q, q + tenantBytes, 'tenant');
    q += tenantBytes;
    const entityBytes = b[q]! | (b[q + 1]! << 8);
    q += 2;
    if (entityBytes === 0 || q + entityBytes + EVENT_FIXED_BYTES + 2 > end) return undefined;
    const entity = decodeUtf8(b, q, q + entityBytes, 'entity');
    q += entityBytes;
    const weight = view ? view.getFloat64(q, true) : f64At(b, q);
    const timeMs = view ? view.getFloat64(q + 8, true) : f64At(b, q + 8);
    const nodeIndex = b[q + 28]! | (b[q + 29]! << 8);
    const originIndex = b[q + 30]! | (b[q + 31]! << 8);
    const keyBytes = b[q + 40]! | (b[q + 41]! << 8);
    if (
      !Number.isFinite(weight) ||
      !Number.isFinite(timeMs) ||
      nodeIndex >= this.regions.length ||
      originIndex >= this.regions.length ||
      q + EVENT_FIXED_BYTES + 2 + keyBytes > end
    )
      return undefined;
    const wallMs = view ? view.getFloat64(q + 16, true) : f64At(b, q + 16);
    const logical = u32At(b, q + 24);
    const originEpoch = u32At(b, q + 32);
    const originVersion = u32At(b, q + 36);
    q += EVENT_FIXED_BYTES + 2;
    const idempotencyKey = decodeUtf8(b, q, q + keyBytes, 'idempotency key');
    r.pos = q + keyBytes;
    return {
      seqNo,
      signal,
      tenant,
      entity,
      weight,
      timeMs,
      hlc: { wallMs, logical, node: this.regions[nodeIndex]! },
      origin: this.originName(originIndex, originEpoch),
      originVersion,
      idempotencyKey,
    };
  }

  private readEvent(r: ByteReader, seqNo: number): SignalEvent {
    const at = r.pos;
    const kind = r.u8('event kind');
    if (kind !== KIND_SIGNAL) throw new CorruptBatchError(`unknown event kind ${kind}`, at);
    const signal = r.u8('signal index');
    if (signal >= this.signalCount)
      throw new CorruptBatchError(
        `signal index ${signal} is not in the schema (${this.signalCount} signals)`,
        at + 1,
      );
    const tenant = r.str16('tenant');
    const entity = r.str16('entity');
    if (entity.length === 0) throw new CorruptBatchError('empty entity id', at);
    const weight = r.f64('weight');
    const timeMs = r.f64('event time');
    if (!Number.isFinite(weight) || !Number.isFinite(timeMs))
      throw new CorruptBatchError('non-finite weight or event time', at);
    const wallMs = r.f64('hlc wall');
    const logical = r.u32('hlc logical');
    const node = this.regionAt(r.u16('hlc node'));
    const originIndex = r.u16('origin region');
    const originEpoch = r.u32('origin epoch');
    const originVersion = r.u32('origin version');
    const idempotencyKey = r.str16('idempotency key');
    return {
      seqNo,
      signal,
      tenant,
      entity,
      weight,
      timeMs,
      hlc: { wallMs, logical, node },
      origin: this.originName(originIndex, originEpoch),
      originVersion,
      idempotencyKey,
    };
  }

  private parseOrigin(key: string): { index: number; epoch: number } {
    let p = this.originParts.get(key);
    if (!p) {
      const at = key.lastIndexOf('@');
      p = { index: this.indexOfRegion(key.slice(0, at)), epoch: Number(key.slice(at + 1)) };
      this.originParts.set(key, p);
    }
    return p;
  }

  /** The origin key of region `index` at `epoch` (made once per pair). */
  originName(index: number, epoch: number): string {
    // Nearly every event of a run carries the same origin: check the last one first.
    if (index === this.lastOriginIndex && epoch === this.lastOriginEpoch) return this.lastOrigin;
    let names = this.originNames.get(index);
    if (names === undefined) this.originNames.set(index, (names = new Map()));
    let name = names.get(epoch);
    if (name === undefined) {
      name = originKey(this.regionAt(index), epoch);
      names.set(epoch, name);
    }
    this.lastOriginIndex = index;
    this.lastOriginEpoch = epoch;
    this.lastOrigin = name;
    return name;
  }
}

/** `v` as a little-endian u32 (ToUint32, as `DataView.setUint32` stores it). */
function putU32(b: Uint8Array, p: number, v: number): void {
  b[p] = v;
  b[p + 1] = v >>> 8;
  b[p + 2] = v >>> 16;
  b[p + 3] = v >>> 24;
}

function u32At(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian double at `b[p..p+8)`, through an 8-byte scratch. */
function f64At(b: Uint8Array, p: number): number {
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) F64_BYTES[i] = b[p + i]!;
  else for (let i = 0; i < 8; i++) F64_BYTES[7 - i] = b[p + i]!;
  return F64[0]!;
}

function maxHlc(events: readonly SignalEvent[]): { wallMs: number; logical: number } {
  let best = events[0]!.hlc;
  for (const e of events) {
    if (e.hlc.wallMs > best.wallMs || (e.hlc.wallMs === best.wallMs && e.hlc.logical > best.logical))
      best = e.hlc;
  }
  return best;
}
