/**
 * The published FNV-1a hashes (Fowler, Noll, Vo; IETF draft-eastlake-fnv) over the UTF-8 bytes of
 * a string, computed straight from its UTF-16 code units with no allocation. FNV-1a 64 is part of
 * the routing contract (docs/wire-format.md): another implementation of tidalDB must compute the
 * same value, so conformance/fnv1a.json pins it against FNV's own test vectors. FNV-1a 32 and
 * fmix32 are used only where nodes of this build must agree with each other (state digests, the
 * simulator's stream seeds), never on the wire.
 *
 * Strings are encoded as WHATWG UTF-8 (what `TextEncoder` does): a lone surrogate becomes U+FFFD
 * (EF BF BD). 64-bit values are handed out as two unsigned 32-bit halves (or a BigInt off the hot
 * path).
 */

export const FNV64_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV64_OFFSET_HI = 0xcbf29ce4;
const FNV64_OFFSET_LO = 0x84222325;
export const FNV32_OFFSET_BASIS = 0x811c9dc5;

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

// --- FNV-1a 64, as four 16-bit limbs -------------------------------------------------------
//
// Multiplying by the prime 2^40 + 0x1b3 is, limb by limb, `v * 0x1b3` plus `v << 8` two limbs
// up; with 16-bit limbs every intermediate stays a small integer (no doubles, no BigInt).

// The running FNV-1a 64 state, low limb first: module variables, so the hot path allocates nothing.
let v0 = FNV64_OFFSET_LO & 0xffff;
let v1 = FNV64_OFFSET_LO >>> 16;
let v2 = FNV64_OFFSET_HI & 0xffff;
let v3 = FNV64_OFFSET_HI >>> 16;

/** Starts a new FNV-1a 64 at the offset basis. */
export function fnv64Reset(): void {
  v0 = FNV64_OFFSET_LO & 0xffff;
  v1 = FNV64_OFFSET_LO >>> 16;
  v2 = FNV64_OFFSET_HI & 0xffff;
  v3 = FNV64_OFFSET_HI >>> 16;
}

/** Feeds one byte into the running FNV-1a 64. */
export function fnv64Byte(b: number): void {
  v0 ^= b;
  const t0 = v0 * 0x1b3;
  let t1 = v1 * 0x1b3;
  let t2 = v2 * 0x1b3 + (v0 << 8);
  const t3 = v3 * 0x1b3 + (v1 << 8);
  t1 += t0 >>> 16;
  t2 += t1 >>> 16;
  v0 = t0 & 0xffff;
  v1 = t1 & 0xffff;
  v2 = t2 & 0xffff;
  v3 = (t3 + (t2 >>> 16)) & 0xffff;
}

/** Feeds the UTF-8 bytes of `s` into the running FNV-1a 64 (ASCII inline, on local limbs). */
export function fnv64String(s: string): void {
  let a = v0;
  let b = v1;
  let c = v2;
  let d = v3;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 0x80) {
      v0 = a;
      v1 = b;
      v2 = c;
      v3 = d;
      const n = utf8At(s, i);
      for (let k = 0; k < n; k++) fnv64Byte(UTF8[k]!);
      i += utf8Units - 1;
      a = v0;
      b = v1;
      c = v2;
      d = v3;
      continue;
    }
    a ^= ch;
    const t0 = a * 0x1b3;
    let t1 = b * 0x1b3;
    let t2 = c * 0x1b3 + (a << 8);
    const t3 = d * 0x1b3 + (b << 8);
    t1 += t0 >>> 16;
    t2 += t1 >>> 16;
    a = t0 & 0xffff;
    b = t1 & 0xffff;
    c = t2 & 0xffff;
    d = (t3 + (t2 >>> 16)) & 0xffff;
  }
  v0 = a;
  v1 = b;
  v2 = c;
  v3 = d;
}

/** The high 32 bits of the running FNV-1a 64. */
export function fnv64Hi(): number {
  return ((v3 << 16) | v2) >>> 0;
}

/** The low 32 bits of the running FNV-1a 64. */
export function fnv64Lo(): number {
  return ((v1 << 16) | v0) >>> 0;
}

/** The running FNV-1a 64 as a BigInt. */
export function fnv64Value(): bigint {
  return (BigInt(fnv64Hi()) << 32n) | BigInt(fnv64Lo());
}

/** FNV-1a 64 of a string's UTF-8 bytes, or of raw bytes. */
export function fnv1a64(input: string | Uint8Array): bigint {
  fnv64Reset();
  if (typeof input === 'string') fnv64String(input);
  else for (let i = 0; i < input.length; i++) fnv64Byte(input[i]!);
  return fnv64Value();
}

/** A 64-bit value as 16 lower-case hex digits. */
export function hex64(v: bigint): string {
  return v.toString(16).padStart(16, '0');
}
