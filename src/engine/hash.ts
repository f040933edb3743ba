/**
 * The published FNV-1a hashes (Fowler, Noll, Vo; IETF draft-eastlake-fnv) over the UTF-8 bytes of
 * a string, computed straight from its UTF-16 code units with no allocation. FNV-1a 64 is part of
 * the routing contract (docs/wire-format.md): another implementation of tidalDB must compute the
 * same value, so conformance/fnv1a.json pins it against FNV's own test vectors. FNV-1a 32 and
 * fmix32 are used only where nodes of this build must agree with each other (state digests, the
 * simulator's stream seeds), never on the wire.
 *
 * Strings are encoded as WHATWG UTF-8 (what `TextEncoder` does): a lone surrogate becomes U+FFFD
 * (EF BF BD). 64-bit values are kept as two unsigned 32-bit halves; the multiply by the FNV prime
 * 2^40 + 0x1b3 is `lo * 0x1b3` (exact in a double) plus `lo << 8` into the high half.
 */

const TWO_32 = 0x1_0000_0000;
export const FNV64_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV64_OFFSET_HI = 0xcbf29ce4;
const FNV64_OFFSET_LO = 0x84222325;
const FNV32_OFFSET_BASIS = 0x811c9dc5;

// The UTF-8 bytes of one non-ASCII code point, and how many code units it took (1, or 2 for a pair).
const UTF8 = new Uint8Array(4);
let utf8Units = 1;

/** Encodes the code point at `s[i]` (>= 0x80) into UTF8 and returns its byte count. */
function utf8At(s: string, i: number): number {
  let c = s.charCodeAt(i);
  utf8Units = 1;
  if (c < 0x800) {
    UTF8[0] = 0xc0 | (c >>> 6);
    UTF8[1] = 0x80 | (c & 0x3f);
    return 2;
  }
  if (c >= 0xd800 && c <= 0xdfff) {
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      utf8Units = 2;
      UTF8[0] = 0xf0 | (c >>> 18);
      UTF8[1] = 0x80 | ((c >>> 12) & 0x3f);
      UTF8[2] = 0x80 | ((c >>> 6) & 0x3f);
      UTF8[3] = 0x80 | (c & 0x3f);
      return 4;
    }
    c = 0xfffd; // a lone surrogate
  }
  UTF8[0] = 0xe0 | (c >>> 12);
  UTF8[1] = 0x80 | ((c >>> 6) & 0x3f);
  UTF8[2] = 0x80 | (c & 0x3f);
  return 3;
}

/**
 * FNV-1a 32 of the UTF-8 bytes of `s`. `basis` continues from an earlier value instead of the
 * offset basis (hashing a then b that way equals hashing their concatenation).
 */
export function fnv1a32(s: string, basis = FNV32_OFFSET_BASIS): number {
  let h = basis >>> 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    const n = utf8At(s, i);
    for (let k = 0; k < n; k++) h = Math.imul(h ^ UTF8[k]!, 0x01000193);
    i += utf8Units - 1;
  }
  return h >>> 0;
}

/** Murmur3's 32-bit finaliser: spreads the bits of an integer hash. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// --- FNV-1a 64, as two 32-bit halves ----------------------------------------------------------

/** The running FNV-1a 64 state of `Fnv64`: read `hi` and `lo` after feeding. */
export const Fnv64 = {
  hi: FNV64_OFFSET_HI,
  lo: FNV64_OFFSET_LO,
  /** Starts a new hash at the offset basis. */
  reset(): void {
    this.hi = FNV64_OFFSET_HI;
    this.lo = FNV64_OFFSET_LO;
  },
  /** Feeds one byte. */
  byte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    const t = lo * 0x1b3;
    const nlo = t >>> 0;
    this.hi = (Math.imul(this.hi, 0x1b3) + (t - nlo) / TWO_32 + (lo << 8)) >>> 0;
    this.lo = nlo;
  },
  /** Feeds the UTF-8 bytes of `s`. */
  string(s: string): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        lo = (lo ^ c) >>> 0;
        const t = lo * 0x1b3;
        const nlo = t >>> 0;
        hi = (Math.imul(hi, 0x1b3) + (t - nlo) / TWO_32 + (lo << 8)) >>> 0;
        lo = nlo;
        continue;
      }
      const n = utf8At(s, i);
      for (let k = 0; k < n; k++) {
        lo = (lo ^ UTF8[k]!) >>> 0;
        const t = lo * 0x1b3;
        const nlo = t >>> 0;
        hi = (Math.imul(hi, 0x1b3) + (t - nlo) / TWO_32 + (lo << 8)) >>> 0;
        lo = nlo;
      }
      i += utf8Units - 1;
    }
    this.hi = hi;
    this.lo = lo;
  },
  /** The current value as a BigInt. */
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  },
};

/** FNV-1a 64 of a string's UTF-8 bytes, or of raw bytes. */
export function fnv1a64(input: string | Uint8Array): bigint {
  Fnv64.reset();
  if (typeof input === 'string') Fnv64.string(input);
  else for (const b of input) Fnv64.byte(b);
  return Fnv64.value();
}

/** A 64-bit value as 16 lower-case hex digits. */
export function hex64(v: bigint): string {
  return v.toString(16).padStart(16, '0');
}
