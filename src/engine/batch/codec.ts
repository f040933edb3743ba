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
import { ByteReader, ByteWriter } from './bytes';
import {
  decodeHeader,
  FLAG_KEYED,
  FLAG_LOCAL,
  FLAG_MERGE,
  HEADER_V2_BYTES,
  type BatchHeader,
  writeHeaderV2,
} from './header';

const KIND_SIGNAL = 1;

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
  events: SignalEvent[];
}

/** The origin key of writes accepted by `region` during `epoch`. */
export function originKey(region: string, epoch: number): string {
  return `${region}@${epoch}`;
}

/** Encodes and decodes batches against one cluster's region table and schema size. */
export class BatchCodec {
  private readonly regionIndex = new Map<string, number>();
  private readonly originParts = new Map<string, { index: number; epoch: number }>();
  private readonly originNames = new Map<number, string>();
  private readonly writer = new ByteWriter(64 * 1024);

  constructor(
    readonly regions: readonly string[],
    readonly signalCount: number,
  ) {
    regions.forEach((r, i) => this.regionIndex.set(r, i));
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

  /** Encodes an opaque payload (reconciled states) as a MERGE record. */
  encodeMerge(
    shard: number,
    epoch: number,
    senderRegion: string,
    itemCount: number,
    payload: Uint8Array,
  ): Uint8Array {
    const w = this.writer;
    w.pos = 0;
    w.skip(HEADER_V2_BYTES);
    w.bytes(payload);
    const zero = { wallMs: 0, logical: 0 };
    return this.seal(w, {
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

  private seal(w: ByteWriter, h: Parameters<typeof writeHeaderV2>[2]): Uint8Array {
    const out = w.finish();
    writeHeaderV2(out, 0, h, HEADER_V2_BYTES, out.length - HEADER_V2_BYTES);
    return out;
  }

  /** Decodes and validates a whole batch. Throws `CorruptBatchError` on any defect. */
  decode(bytes: Uint8Array, at = 0): Batch {
    const header = decodeHeader(bytes, at);
    if (header.flags & FLAG_MERGE) return { header, events: [] };
    return { header, events: this.decodeEvents(bytes, header, at) };
  }

  decodeEvents(bytes: Uint8Array, header: BatchHeader, at = 0): SignalEvent[] {
    const start = at + header.byteLength - header.payloadLength;
    const r = new ByteReader(bytes, start, start + header.payloadLength);
    const events: SignalEvent[] = new Array(header.eventCount);
    const local = (header.flags & FLAG_LOCAL) !== 0;
    for (let i = 0; i < header.eventCount; i++) {
      events[i] = this.readEvent(r, local ? 0 : header.firstSeqNo + i);
    }
    if (r.remaining() !== 0)
      throw new CorruptBatchError(
        `${r.remaining()} bytes after the last of ${header.eventCount} events`,
        r.pos,
      );
    return events;
  }

  private writeEvent(w: ByteWriter, e: SignalEvent): void {
    const origin = this.parseOrigin(e.origin);
    w.u8(KIND_SIGNAL);
    w.u8(e.signal);
    w.str16(e.tenant);
    w.str16(e.entity);
    w.f64(e.weight);
    w.f64(e.timeMs);
    w.f64(e.hlc.wallMs);
    w.u32(e.hlc.logical);
    w.u16(this.indexOfRegion(e.hlc.node));
    w.u16(origin.index);
    w.u32(origin.epoch);
    w.u32(e.originVersion);
    w.str16(e.idempotencyKey);
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

  private originName(index: number, epoch: number): string {
    const id = index * 0x1_0000_0000 + epoch;
    let name = this.originNames.get(id);
    if (name === undefined) {
      name = originKey(this.regionAt(index), epoch);
      this.originNames.set(id, name);
    }
    return name;
  }
}

function maxHlc(events: readonly SignalEvent[]): { wallMs: number; logical: number } {
  let best = events[0]!.hlc;
  for (const e of events) {
    if (e.hlc.wallMs > best.wallMs || (e.hlc.wallMs === best.wallMs && e.hlc.logical > best.logical))
      best = e.hlc;
  }
  return best;
}
