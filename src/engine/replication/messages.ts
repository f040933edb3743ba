/**
 * Control frames between replicas (everything that is not a batch): acknowledgements and the
 * anti-entropy exchange. Frames start with magic "TDWM", end with a CRC-32C of everything before
 * it, and decode only to `CorruptBatchError` on any defect. Batches start with "TDWB".
 */
import { ByteReader, ByteWriter } from '../batch/bytes';
import { MAGIC as BATCH_MAGIC } from '../batch/header';
import { crc32c } from '../crc32c';
import { CorruptBatchError } from '../errors';
import type { Hlc } from '../hlc';
import type { VersionEntry } from '../store';

export const FRAME_MAGIC = 0x4d574454; // "TDWM"

export enum FrameType {
  Ack = 1,
  Digest = 2,
  Summary = 3,
  States = 4,
}

export enum AckStatus {
  /** Applied through `appliedSeqNo`. */
  Ok = 0,
  /** The batch did not follow `appliedSeqNo`: resend from the next one. */
  Gap = 1,
  /** The batch failed validation; nothing applied. */
  Corrupt = 2,
  /** The sender's epoch is older than the receiver's (`epoch`): the sender was deposed. */
  StaleEpoch = 3,
  /** The batch was for another shard. */
  WrongShard = 4,
  /** A restarted replica announcing where it is. */
  Hello = 5,
}

export interface Ack {
  shard: number;
  epoch: number;
  appliedSeqNo: number;
  status: AckStatus;
  hlc: Hlc;
}

export interface KeyRef {
  tenant: string;
  entity: string;
  signal: number;
}

export type Frame =
  | ({ type: FrameType.Ack } & Ack)
  | { type: FrameType.Digest; shard: number; round: number; digests: Uint32Array }
  | { type: FrameType.Summary; shard: number; round: number; buckets: number[]; entries: VersionEntry[] }
  | { type: FrameType.States; shard: number; round: number; states: Uint8Array; pull: KeyRef[] };

/** True for bytes that claim to be a batch (as opposed to a control frame). */
export function isBatch(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0 === BATCH_MAGIC
  );
}

export class FrameCodec {
  // One writer for every frame (its result is a copy): a frame is encoded per ack sent.
  private readonly writer = new ByteWriter(64);

  constructor(
    private readonly regionIndex: (region: string) => number,
    private readonly regionAt: (i: number) => string,
  ) {}

  encode(f: Frame): Uint8Array {
    const w = this.writer;
    w.pos = 0;
    w.u32(FRAME_MAGIC);
    w.u8(f.type);
    w.u16(f.shard);
    switch (f.type) {
      case FrameType.Ack:
        w.u32(f.epoch);
        w.u64(f.appliedSeqNo);
        w.u8(f.status);
        w.f64(f.hlc.wallMs);
        w.u32(f.hlc.logical);
        w.u16(this.regionIndex(f.hlc.node));
        break;
      case FrameType.Digest:
        w.u32(f.round);
        w.u16(f.digests.length);
        for (const d of f.digests) w.u32(d);
        break;
      case FrameType.Summary:
        w.u32(f.round);
        w.u16(f.buckets.length);
        for (const b of f.buckets) w.u16(b);
        w.u32(f.entries.length);
        for (const e of f.entries) {
          w.str16(e.tenant);
          w.str16(e.entity);
          w.u8(e.signal);
          w.u8(e.origins.length);
          for (const o of e.origins) {
            w.str16(o.origin);
            w.u32(o.version);
          }
        }
        break;
      case FrameType.States:
        w.u32(f.round);
        w.u32(f.states.length);
        w.bytes(f.states);
        w.u32(f.pull.length);
        for (const k of f.pull) {
          w.str16(k.tenant);
          w.str16(k.entity);
          w.u8(k.signal);
        }
        break;
    }
    const crcAt = w.skip(4);
    const out = w.finish();
    const crc = crc32c(out, 0, crcAt); // little-endian, by hand: a DataView would copy a small frame off the JS heap
    out[crcAt] = crc;
    out[crcAt + 1] = crc >>> 8;
    out[crcAt + 2] = crc >>> 16;
    out[crcAt + 3] = crc >>> 24;
    return out;
  }

  decode(bytes: Uint8Array): Frame {
    if (bytes.length < 11) throw new CorruptBatchError(`short frame: ${bytes.length} bytes`);
    const end = bytes.length - 4;
    const crc =
      (bytes[end]! | (bytes[end + 1]! << 8) | (bytes[end + 2]! << 16) | (bytes[end + 3]! << 24)) >>> 0;
    if (crc32c(bytes, 0, end) !== crc) throw new CorruptBatchError('frame CRC-32C mismatch', end);
    const r = new ByteReader(bytes, 0, end);
    if (r.u32('magic') !== FRAME_MAGIC) throw new CorruptBatchError('bad frame magic', 0);
    const type = r.u8('frame type');
    const shard = r.u16('shard');
    let f: Frame;
    switch (type) {
      case FrameType.Ack: {
        const epoch = r.u32('epoch');
        const appliedSeqNo = r.u64('applied');
        const status = r.u8('status') as AckStatus;
        const hlc = {
          wallMs: r.f64('hlc wall'),
          logical: r.u32('hlc logical'),
          node: this.regionAt(r.u16('hlc node')),
        };
        f = { type, shard, epoch, appliedSeqNo, status, hlc };
        break;
      }
      case FrameType.Digest: {
        const round = r.u32('round');
        const n = r.u16('digest count');
        const digests = new Uint32Array(n);
        for (let i = 0; i < n; i++) digests[i] = r.u32('digest');
        f = { type, shard, round, digests };
        break;
      }
      case FrameType.Summary: {
        const round = r.u32('round');
        const nb = r.u16('bucket count');
        const buckets: number[] = [];
        for (let i = 0; i < nb; i++) buckets.push(r.u16('bucket'));
        const n = r.u32('entry count');
        const entries: VersionEntry[] = [];
        for (let i = 0; i < n; i++) {
          const tenant = r.str16('tenant');
          const entity = r.str16('entity');
          const signal = r.u8('signal');
          const k = r.u8('origin count');
          const origins = [];
          for (let j = 0; j < k; j++) origins.push({ origin: r.str16('origin'), version: r.u32('version') });
          entries.push({ tenant, entity, signal, origins });
        }
        f = { type, shard, round, buckets, entries };
        break;
      }
      case FrameType.States: {
        const round = r.u32('round');
        const len = r.u32('states length');
        if (len > r.remaining())
          throw new CorruptBatchError(`states of ${len} bytes, ${r.remaining()} left`, r.pos);
        const states = bytes.subarray(r.pos, r.pos + len);
        r.pos += len;
        const n = r.u32('pull count');
        const pull: KeyRef[] = [];
        for (let i = 0; i < n; i++)
          pull.push({ tenant: r.str16('tenant'), entity: r.str16('entity'), signal: r.u8('signal') });
        f = { type, shard, round, states, pull };
        break;
      }
      default:
        throw new CorruptBatchError(`unknown frame type ${type}`, 4);
    }
    if (r.remaining() !== 0) throw new CorruptBatchError(`${r.remaining()} trailing bytes in frame`, r.pos);
    return f;
  }
}
