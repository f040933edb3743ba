/**
 * Jump consistent hash, as published by Lamping & Veach ("A Fast, Minimal Memory, Consistent Hash
 * Algorithm", 2014): a 64-bit key picks a bucket in [0, n) with the paper's 64-bit LCG
 * (key = key × 2862933555777941757 + 1) and its double-precision jump
 * j = floor((b + 1) × (2^31 / ((key >>> 33) + 1))). Any implementation that follows the paper
 * gives the same bucket; conformance/jump-hash.json holds published outputs that pin it.
 *
 * The hot path (`jumpHashHiLo`, every routed write) keeps the key as two unsigned 32-bit halves:
 * the 64-bit multiply is `Math.imul` for the low word and a 16-bit split of the low word's high
 * product (each part exact in a double) plus two `Math.imul`s for the high word.
 * `jumpHash` takes a BigInt key for callers off the hot path and gives the same bucket; routing
 * through BigInts is 3-4x slower (`npm run bench -- --only routing`).
 */
import { invariant } from '../assert';

const LCG = 2862933555777941757n;
const LCG_HI = 0x27bb2ee6;
const LCG_LO = 0x87b0b0fd;
const LCG_LO0 = 0xb0fd;
const LCG_LO1 = 0x87b0;
const MASK_64 = (1n << 64n) - 1n;

function checkBuckets(buckets: number): void {
  if (!(Number.isInteger(buckets) && buckets >= 1 && buckets <= 0x7fffffff))
    invariant(false, `jumpHash needs at least one bucket (and at most 2^31 - 1), got ${buckets}`);
}

/** Jump consistent hash of the 64-bit key `hi`·2^32 + `lo` (unsigned halves) into [0, buckets). */
export function jumpHashHiLo(hi: number, lo: number, buckets: number): number {
  checkBuckets(buckets);
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    // key = key * LCG + 1 (mod 2^64): the low word by Math.imul; the high word is the high half
    // of lo * LCG_LO (lo split in 16-bit halves, every part exact) plus the two cross products.
    const a0 = lo & 0xffff;
    const a1 = lo >>> 16;
    const mid = a1 * LCG_LO0 + a0 * LCG_LO1 + ((a0 * LCG_LO0) >>> 16);
    const carry = a1 * LCG_LO1 + Math.floor(mid / 0x1_0000);
    hi = (carry + Math.imul(hi, LCG_LO) + Math.imul(lo, LCG_HI)) >>> 0;
    lo = (Math.imul(lo, LCG_LO) + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    j = Math.floor((b + 1) * (2147483648 / ((hi >>> 1) + 1)));
  }
  return b;
}

/** Jump consistent hash of a 64-bit key (0 ≤ key < 2^64) into [0, buckets): the paper's code. */
export function jumpHash(key: bigint, buckets: number): number {
  checkBuckets(buckets);
  invariant(key >= 0n && key <= MASK_64, () => `jumpHash needs an unsigned 64-bit key, got ${key}`);
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    key = (key * LCG + 1n) & MASK_64;
    j = Math.floor((b + 1) * (2147483648 / (Number(key >> 33n) + 1)));
  }
  return b;
}

/** Splits a 64-bit BigInt into unsigned 32-bit halves. */
export function splitU64(key: bigint): [hi: number, lo: number] {
  return [Number((key >> 32n) & 0xffffffffn), Number(key & 0xffffffffn)];
}
