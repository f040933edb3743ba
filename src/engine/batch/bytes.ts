/**
 * Little-endian byte writing and reading over `Uint8Array` with bounds checks that raise
 * `CorruptBatchError` (never a RangeError), plus UTF-8 with an ASCII fast path: entity ids are
 * short ASCII strings on the hot path of every shipped event.
 *
 * Performance notes (every shipped event goes through here several times): integers are packed
 * by hand instead of through a `DataView`, because making a DataView forces a small on-heap
 * typed array out to a separate backing store; doubles go through an 8-byte scratch. Short ASCII
 * strings decode through a small direct-mapped intern table, so a follower that sees the same
 * entity id again gets the very same flat string back (no allocation, its hash already cached
 * for the Map lookups that follow) instead of building a new one byte by byte.
 */
import { CorruptBatchError } from '../errors';

const TWO_32 = 0x1_0000_0000;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// One 8-byte scratch shared by every writer and reader: doubles are copied through it.
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A growable little-endian writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView | undefined;
  pos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 16);
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = undefined;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    this.pos = p + 2;
  }
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
  }
  /** Unsigned 64-bit from a safe integer. */
  u64(v: number): void {
    const lo = v % TWO_32;
    this.u32(lo);
    this.u32(Math.floor(v / TWO_32));
  }
  f64(v: number): void {
    this.ensure(8);
    const p = this.pos;
    this.pos = p + 8;
    // A buffer V8 keeps off the JS heap anyway gets a (cached) DataView; a small one the scratch.
    if (this.view !== undefined || this.buf.length > ON_HEAP_BYTES) {
      this.dataView().setFloat64(p, v, true);
      return;
    }
    F64[0] = v;
    const b = this.buf;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) b[p + i] = F64_BYTES[i]!;
    else for (let i = 0; i < 8; i++) b[p + i] = F64_BYTES[7 - i]!;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** A string as u16 byte length + UTF-8. */
  str16(s: string): void {
    this.ensure(2 + s.length * 3);
    this.pos = putStr16(this.buf, this.pos, s);
  }
  /** Makes room for `n` more bytes (for callers that then write through `raw()` by hand). */
  reserve(n: number): void {
    this.ensure(n);
  }
  /** Reserves `n` bytes to fill later (e.g. a header written after its payload). */
  skip(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  dataView(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }
  raw(): Uint8Array {
    return this.buf;
  }
  /** A copy of the written bytes (its own bytes: nothing else ever writes where it lives). */
  finish(): Uint8Array {
    const n = this.pos;
    if (n <= ON_HEAP_BYTES || n > SLAB_BYTES / 4) return this.buf.slice(0, n);
    const out = slabBytes(n);
    out.set(this.buf.subarray(0, n));
    return out;
  }
}

// Results of `finish()` longer than V8 keeps on the JS heap are carved out of shared 64 KiB
// slabs: a view on an existing ArrayBuffer costs a fraction of a fresh ArrayBuffer, and every
// shipped batch and most frames are made here. Views start 8-byte aligned (for word-wise CRCs);
// a slab is freed once nothing cut from it is referenced.
const ON_HEAP_BYTES = 64;
const SLAB_BYTES = 64 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function slabBytes(n: number): Uint8Array {
  if (slabUsed + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  slabUsed = (slabUsed + n + 7) & ~7;
  return out;
}

/**
 * Writes `s` as u16 byte length + UTF-8 at `b[p..]` (room for 2 + 3 × length bytes is the
 * caller's) and returns the position after it.
 */
export function putStr16(b: Uint8Array, p: number, s: string): number {
  const len = s.length;
  const start = p + 2;
  let i = 0;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    b[start + i] = c;
  }
  const n = i === len ? len : utf8Encoder.encodeInto(s, b.subarray(start)).written;
  b[p] = n;
  b[p + 1] = n >>> 8;
  return start + n;
}

/** A bounds-checked little-endian reader. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end)
      throw new CorruptBatchError(
        `truncated: ${what} needs ${n} bytes, ${this.end - this.pos} left`,
        this.pos,
      );
  }
  /** Whether `n` more bytes are there (for callers that check a fixed run of fields at once). */
  has(n: number): boolean {
    return this.pos + n <= this.end;
  }
  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return b[p]! | (b[p + 1]! << 8);
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }
  u64(what = 'u64'): number {
    this.need(8, what);
    const b = this.buf;
    const p = this.pos;
    const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
    if (hi >= 0x20_0000) throw new CorruptBatchError(`${what} exceeds 2^53`, this.pos);
    this.pos = p + 8;
    return hi * TWO_32 + lo;
  }
  f64(what = 'f64'): number {
    this.need(8, what);
    const b = this.buf;
    const p = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) F64_BYTES[i] = b[p + i]!;
    else for (let i = 0; i < 8; i++) F64_BYTES[7 - i] = b[p + i]!;
    this.pos = p + 8;
    return F64[0]!;
  }
  str16(what = 'string'): string {
    const p = this.pos;
    if (p + 2 > this.end) this.need(2, `${what} length`);
    const b = this.buf;
    const n = b[p]! | (b[p + 1]! << 8);
    const start = p + 2;
    if (start + n > this.end) {
      this.pos = start;
      this.need(n, what);
    }
    this.pos = start + n;
    return decodeUtf8(b, start, start + n, what);
  }
  remaining(): number {
    return this.end - this.pos;
  }
}

// --- string decoding --------------------------------------------------------------------------

/** Strings up to this many bytes go through the intern table. */
const INTERN_MAX_BYTES = 64;
const INTERN_SLOTS = 1 << 16;
const internTable: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);
// Node's own one-byte string maker (what `buf.toString('latin1')` calls); works on any Uint8Array.
type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
const latin1Slice: Latin1Slice =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice ??
  function (this: Uint8Array, start: number, end: number): string {
    return String.fromCharCode(...this.subarray(start, end));
  };

/**
 * UTF-8 bytes to a string. Short pure-ASCII strings come from the intern table when the same
 * bytes were decoded before (a hit is verified byte by byte, so a collision only costs a miss).
 */
export function decodeUtf8(buf: Uint8Array, start: number, end: number, what: string): string {
  const n = end - start;
  if (n === 0) return '';
  if (n > INTERN_MAX_BYTES) return decodeUtf8Slow(buf, start, end, what);
  let h = 0x811c9dc5 ^ n;
  let high = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    high |= c;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (high >= 0x80) return decodeUtf8Slow(buf, start, end, what);
  const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
  const hit = internTable[slot];
  if (hit !== undefined && hit.length === n) {
    let i = 0;
    while (i < n && hit.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return hit;
  }
  const s = latin1Slice.call(buf, start, end);
  internTable[slot] = s;
  return s;
}

function decodeUtf8Slow(buf: Uint8Array, start: number, end: number, what: string): string {
  try {
    return utf8Decoder.decode(buf.subarray(start, end));
  } catch {
    throw new CorruptBatchError(`${what} is not valid UTF-8`, start);
  }
}
