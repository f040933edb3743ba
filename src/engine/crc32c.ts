/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): every shipped batch is checksummed
 * twice (payload and header) and checked again by each follower, so this is on the hot path.
 * Long runs go slicing-by-16 over 32-bit words read through an `Int32Array` view (on
 * little-endian machines), about twice as fast as assembling words byte by byte; short runs
 * (headers, acks) go slicing-by-8 over bytes, where making a view would cost more than it saves.
 */

const POLY = 0x82f63b78;
const TABLES: Int32Array[] = (() => {
  const t: Int32Array[] = [];
  const t0 = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[i] = c;
  }
  t.push(t0);
  for (let s = 1; s < 16; s++) {
    const prev = t[s - 1]!;
    const cur = new Int32Array(256);
    for (let i = 0; i < 256; i++) cur[i] = (prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!;
    t.push(cur);
  }
  return t;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15] = TABLES as [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Below this many bytes a word view does not pay for itself. */
const WORDS_FROM_BYTES = 128;

/** CRC-32C of `bytes[start, end)`. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = -1;
  let i = start;
  if (LITTLE_ENDIAN && end - start >= WORDS_FROM_BYTES) {
    while (((bytes.byteOffset + i) & 3) !== 0) crc = (crc >>> 8) ^ T0[(crc ^ bytes[i++]!) & 0xff]!;
    const words = ((end - i) >>> 4) << 2;
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let j = 0; j < words; j += 4) {
      const a = crc ^ w[j]!;
      const b = w[j + 1]!;
      const c = w[j + 2]!;
      const d = w[j + 3]!;
      crc =
        T15[a & 0xff]! ^
        T14[(a >>> 8) & 0xff]! ^
        T13[(a >>> 16) & 0xff]! ^
        T12[a >>> 24]! ^
        T11[b & 0xff]! ^
        T10[(b >>> 8) & 0xff]! ^
        T9[(b >>> 16) & 0xff]! ^
        T8[b >>> 24]! ^
        T7[c & 0xff]! ^
        T6[(c >>> 8) & 0xff]! ^
        T5[(c >>> 16) & 0xff]! ^
        T4[c >>> 24]! ^
        T3[d & 0xff]! ^
        T2[(d >>> 8) & 0xff]! ^
        T1[(d >>> 16) & 0xff]! ^
        T0[d >>> 24]!;
    }
    i += words * 4;
  }
  for (; i + 8 <= end; i += 8) {
    const lo = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      T7[lo & 0xff]! ^
      T6[(lo >>> 8) & 0xff]! ^
      T5[(lo >>> 16) & 0xff]! ^
      T4[lo >>> 24]! ^
      T3[bytes[i + 4]!]! ^
      T2[bytes[i + 5]!]! ^
      T1[bytes[i + 6]!]! ^
      T0[bytes[i + 7]!]!;
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ T0[(crc ^ bytes[i]!) & 0xff]!;
  return (crc ^ -1) >>> 0;
}
