/** Small, fixed, platform-independent hashes: routing and digests must agree on every node and run. */

/** 32-bit FNV-1a over the UTF-16 code units of a string (stable, fast, no allocation). */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h ^= c & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= c >>> 8;
    h = Math.imul(h, 0x01000193);
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

/** A 64-bit key hash for jump consistent hashing, as two 32-bit halves. */
export function keyHash64(s: string): [hi: number, lo: number] {
  return [fmix32(fnv1a32(s, 0x9747b28c)), fnv1a32(s)];
}
