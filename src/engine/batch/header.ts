/**
 * BatchHeader v2 (DESIGN §3): the fixed little-endian header in front of every shipped batch
 * and every WAL record.
 *
 *   off size field                 off size field (v1: no epoch, no origin)
 *    0   4  magic "TDWB"             0   4  magic
 *    4   2  version (=2)             4   2  version (=1)
 *    6   2  flags                    6   2  flags
 *    8   2  shard                    8   2  shard
 *   10   2  origin region index     10   8  firstSeqNo
 *   12   4  epoch                   18   4  eventCount
 *   16   8  firstSeqNo              22  12  hlcMin
 *   24   4  eventCount              34  12  hlcMax
 *   28  12  hlcMin (u64 ms, u32)    46   4  payloadLength
 *   40  12  hlcMax                  50   4  payload CRC-32C
 *   52   4  payloadLength           54   4  header CRC-32C (of bytes 0..54)
 *   56   4  payload CRC-32C
 *   60   4  header CRC-32C (of bytes 0..60)
 *
 * Decoding never throws anything but `CorruptBatchError`.
 */
import { crc32c } from '../crc32c';
import { CorruptBatchError } from '../errors';

export const MAGIC = 0x42574454; // "TDWB" read as little-endian u32
export const HEADER_V2_BYTES = 64;
export const HEADER_V1_BYTES = 58;

/** Header flags. */
export const FLAG_LOCAL = 1; // events accepted locally under accept-local: outside the shard's SeqNo space
export const FLAG_MERGE = 2; // payload holds reconciled CRDT states, not events
export const FLAG_KEYED = 4; // at least one event carries an idempotency key

export interface HlcStamp {
  wallMs: number;
  logical: number;
}

export interface BatchHeader {
  version: 1 | 2;
  flags: number;
  shard: number;
  /** Index of the sending region in the cluster's region table; -1 for v1 batches. */
  originIndex: number;
  /** Epoch of the sender; v1 batches decode as epoch 1. */
  epoch: number;
  firstSeqNo: number;
  eventCount: number;
  hlcMin: HlcStamp;
  hlcMax: HlcStamp;
  payloadLength: number;
  payloadCrc: number;
  /** Total length of header + payload. */
  byteLength: number;
}

/** Writes a v2 header for `payload` into `out[at..at+64)` (payload CRC computed here). */
export function writeHeaderV2(
  out: Uint8Array,
  at: number,
  h: Omit<BatchHeader, 'version' | 'payloadCrc' | 'byteLength' | 'payloadLength'>,
  payloadStart: number,
  payloadLength: number,
): void {
  // Byte by byte rather than through a DataView: one header per batch, and a view per header
  // was an allocation on every batch sent and received.
  putU32(out, at, MAGIC);
  putU16(out, at + 4, 2);
  putU16(out, at + 6, h.flags);
  putU16(out, at + 8, h.shard);
  putU16(out, at + 10, h.originIndex);
  putU32(out, at + 12, h.epoch);
  putU64(out, at + 16, h.firstSeqNo);
  putU32(out, at + 24, h.eventCount);
  putU64(out, at + 28, h.hlcMin.wallMs);
  putU32(out, at + 36, h.hlcMin.logical);
  putU64(out, at + 40, h.hlcMax.wallMs);
  putU32(out, at + 48, h.hlcMax.logical);
  putU32(out, at + 52, payloadLength);
  putU32(out, at + 56, crc32c(out, payloadStart, payloadStart + payloadLength));
  putU32(out, at + 60, crc32c(out, at, at + 60));
}

/** Copies a v2 batch with a new sender epoch and origin (a new leader resending old records). */
export function restampV2(batch: Uint8Array, epoch: number, originIndex: number): Uint8Array {
  const copy = batch.slice();
  const v = new DataView(copy.buffer);
  v.setUint16(10, originIndex, true);
  v.setUint32(12, epoch, true);
  v.setUint32(60, crc32c(copy, 0, 60), true);
  return copy;
}

/** Decodes and validates the header at `buf[at..]`, including the payload CRC. */
export function decodeHeader(buf: Uint8Array, at = 0): BatchHeader {
  const left = buf.length - at;
  if (left < 8)
    throw new CorruptBatchError(
      `short buffer: ${left} bytes, a header needs at least ${HEADER_V1_BYTES}`,
      at,
    );
  const magic = u32At(buf, at);
  if (magic !== MAGIC)
    throw new CorruptBatchError(`bad magic 0x${magic.toString(16).padStart(8, '0')} (expected "TDWB")`, at);
  const version = u16At(buf, at + 4);
  if (version === 2) return decodeV2(buf, at, left);
  if (version === 1) return decodeV1(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength), at, left);
  throw new CorruptBatchError(`unknown batch version ${version} (this build reads versions 1 and 2)`, at + 4);
}

function decodeV2(buf: Uint8Array, at: number, left: number): BatchHeader {
  if (left < HEADER_V2_BYTES)
    throw new CorruptBatchError(`short buffer: ${left} bytes, a v2 header needs ${HEADER_V2_BYTES}`, at);
  const headerCrc = u32At(buf, at + 60);
  if (crc32c(buf, at, at + 60) !== headerCrc) throw new CorruptBatchError('header CRC-32C mismatch', at + 60);
  const payloadLength = u32At(buf, at + 52);
  const h: BatchHeader = {
    version: 2,
    flags: u16At(buf, at + 6),
    shard: u16At(buf, at + 8),
    originIndex: u16At(buf, at + 10),
    epoch: u32At(buf, at + 12),
    firstSeqNo: u64At(buf, at + 16),
    eventCount: u32At(buf, at + 24),
    hlcMin: { wallMs: u64At(buf, at + 28), logical: u32At(buf, at + 36) },
    hlcMax: { wallMs: u64At(buf, at + 40), logical: u32At(buf, at + 48) },
    payloadLength,
    payloadCrc: u32At(buf, at + 56),
    byteLength: HEADER_V2_BYTES + payloadLength,
  };
  checkPayload(buf, at, HEADER_V2_BYTES, h);
  return h;
}

function decodeV1(buf: Uint8Array, v: DataView, at: number, left: number): BatchHeader {
  if (left < HEADER_V1_BYTES)
    throw new CorruptBatchError(`short buffer: ${left} bytes, a v1 header needs ${HEADER_V1_BYTES}`, at);
  const headerCrc = v.getUint32(at + 54, true);
  if (crc32c(buf, at, at + 54) !== headerCrc) throw new CorruptBatchError('header CRC-32C mismatch', at + 54);
  const payloadLength = v.getUint32(at + 46, true);
  const h: BatchHeader = {
    version: 1,
    flags: v.getUint16(at + 6, true),
    shard: v.getUint16(at + 8, true),
    originIndex: -1,
    epoch: 1,
    firstSeqNo: getU64(v, at + 10),
    eventCount: v.getUint32(at + 18, true),
    hlcMin: { wallMs: getU64(v, at + 22), logical: v.getUint32(at + 30, true) },
    hlcMax: { wallMs: getU64(v, at + 34), logical: v.getUint32(at + 42, true) },
    payloadLength,
    payloadCrc: v.getUint32(at + 50, true),
    byteLength: HEADER_V1_BYTES + payloadLength,
  };
  checkPayload(buf, at, HEADER_V1_BYTES, h);
  return h;
}

function checkPayload(buf: Uint8Array, at: number, headerBytes: number, h: BatchHeader): void {
  const start = at + headerBytes;
  if (start + h.payloadLength > buf.length) {
    throw new CorruptBatchError(
      `truncated: payload of ${h.payloadLength} bytes, ${buf.length - start} present`,
      start,
    );
  }
  if (crc32c(buf, start, start + h.payloadLength) !== h.payloadCrc)
    throw new CorruptBatchError('payload CRC-32C mismatch', start);
}

/** Writes a v1 header (for compatibility tests and old WAL files). */
export function writeHeaderV1(
  out: Uint8Array,
  h: Pick<BatchHeader, 'flags' | 'shard' | 'firstSeqNo' | 'eventCount' | 'hlcMin' | 'hlcMax'>,
  payloadLength: number,
): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  v.setUint32(0, MAGIC, true);
  v.setUint16(4, 1, true);
  v.setUint16(6, h.flags, true);
  v.setUint16(8, h.shard, true);
  setU64(v, 10, h.firstSeqNo);
  v.setUint32(18, h.eventCount, true);
  setU64(v, 22, h.hlcMin.wallMs);
  v.setUint32(30, h.hlcMin.logical, true);
  setU64(v, 34, h.hlcMax.wallMs);
  v.setUint32(42, h.hlcMax.logical, true);
  v.setUint32(46, payloadLength, true);
  v.setUint32(50, crc32c(out, HEADER_V1_BYTES, HEADER_V1_BYTES + payloadLength), true);
  v.setUint32(54, crc32c(out, 0, 54), true);
}

function setU64(v: DataView, at: number, n: number): void {
  v.setUint32(at, n % 0x1_0000_0000, true);
  v.setUint32(at + 4, Math.floor(n / 0x1_0000_0000), true);
}

function getU64(v: DataView, at: number): number {
  const hi = v.getUint32(at + 4, true);
  if (hi >= 0x20_0000) throw new CorruptBatchError('u64 field exceeds 2^53', at);
  return hi * 0x1_0000_0000 + v.getUint32(at, true);
}

function u16At(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8);
}

function u32At(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** A u64 field that must be a safe integer (as `getU64`). */
function u64At(b: Uint8Array, p: number): number {
  const hi = u32At(b, p + 4);
  if (hi >= 0x20_0000) throw new CorruptBatchError('u64 field exceeds 2^53', p);
  return hi * 0x1_0000_0000 + u32At(b, p);
}

function putU16(b: Uint8Array, p: number, v: number): void {
  b[p] = v;
  b[p + 1] = v >>> 8;
}

/** `v` as a little-endian u32 (ToUint32, as `DataView.setUint32` stores it). */
function putU32(b: Uint8Array, p: number, v: number): void {
  b[p] = v;
  b[p + 1] = v >>> 8;
  b[p + 2] = v >>> 16;
  b[p + 3] = v >>> 24;
}

function putU64(b: Uint8Array, p: number, n: number): void {
  putU32(b, p, n % 0x1_0000_0000);
  putU32(b, p + 4, Math.floor(n / 0x1_0000_0000));
}
