/**
 * Little-endian byte writing and reading over `Uint8Array` with bounds checks that raise
 * `CorruptBatchError` (never a RangeError), plus UTF-8 with an ASCII fast path: entity ids are
 * short ASCII strings on the hot path of every shipped event.
 */
import { CorruptBatchError } from '../errors';

const TWO_32 = 0x1_0000_0000;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** A growable little-endian writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }
  /** Unsigned 64-bit from a safe integer. */
  u64(v: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, v % TWO_32, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / TWO_32), true);
    this.pos += 8;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** A string as u16 byte length + UTF-8. */
  str16(s: string): void {
    this.ensure(2 + s.length * 3);
    const start = this.pos + 2;
    let n = 0;
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      this.buf[start + i] = c;
      n++;
    }
    if (!ascii) n = utf8Encoder.encodeInto(s, this.buf.subarray(start)).written;
    this.view.setUint16(this.pos, n, true);
    this.pos = start + n;
  }
  /** Reserves `n` bytes to fill later (e.g. a header written after its payload). */
  skip(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  dataView(): DataView {
    return this.view;
  }
  raw(): Uint8Array {
    return this.buf;
  }
  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** A bounds-checked little-endian reader. */
export class ByteReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end)
      throw new CorruptBatchError(
        `truncated: ${what} needs ${n} bytes, ${this.end - this.pos} left`,
        this.pos,
      );
  }
  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(what = 'u64'): number {
    this.need(8, what);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi >= 0x20_0000) throw new CorruptBatchError(`${what} exceeds 2^53`, this.pos);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }
  f64(what = 'f64'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  str16(what = 'string'): string {
    const n = this.u16(`${what} length`);
    this.need(n, what);
    const start = this.pos;
    this.pos += n;
    return decodeUtf8(this.buf, start, start + n, what);
  }
  remaining(): number {
    return this.end - this.pos;
  }
}

function decodeUtf8(buf: Uint8Array, start: number, end: number, what: string): string {
  if (end - start <= 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return decodeUtf8Slow(buf, start, end, what);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeUtf8Slow(buf, start, end, what);
}

function decodeUtf8Slow(buf: Uint8Array, start: number, end: number, what: string): string {
  try {
    return utf8Decoder.decode(buf.subarray(start, end));
  } catch {
    throw new CorruptBatchError(`${what} is not valid UTF-8`, start);
  }
}
