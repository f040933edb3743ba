// Jump consistent hash: the 2x32-bit hot path equals the paper's BigInt form for any key, and the
// paper's promises hold (range; growing n -> n+1 buckets moves a key only to the new bucket).
// Published outputs (Guava, go-jump) are checked in src/engine/conformance.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jumpHash, jumpHashHiLo, splitU64 } from './jump-hash';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

test('jump hash: the 2x32-bit form equals the BigInt form for any 64-bit key and bucket count', () => {
  fc.assert(
    fc.property(u64, fc.integer({ min: 1, max: 1 << 20 }), (key, n) => {
      const [hi, lo] = splitU64(key);
      assert.equal(jumpHashHiLo(hi, lo, n), jumpHash(key, n));
    }),
    { numRuns: 5000 },
  );
  // Keys whose low half wraps to 0 after + 1 exercise the carry into the high half.
  for (const key of [0n, 1n, 0xffffffffn, (1n << 64n) - 1n, 0x8000000000000000n])
    assert.equal(jumpHashHiLo(...splitU64(key), 1000), jumpHash(key, 1000));
});

test('jump hash: property: growing n -> n+1 buckets keeps a key or moves it to bucket n', () => {
  fc.assert(
    fc.property(u64, fc.integer({ min: 1, max: 100_000 }), (key, n) => {
      const a = jumpHash(key, n);
      const b = jumpHash(key, n + 1);
      assert.ok(a >= 0 && a < n);
      assert.ok(b === a || b === n, `${key}: ${a} -> ${b} when growing ${n} -> ${n + 1}`);
    }),
    { numRuns: 2000 },
  );
});

test('jump hash: a bucket count below 1 or a key outside 64 bits is refused', () => {
  assert.throws(() => jumpHashHiLo(0, 0, 0), /at least one bucket/);
  assert.throws(() => jumpHash(-1n, 4), /unsigned 64-bit key/);
  assert.throws(() => jumpHash(1n << 64n, 4), /unsigned 64-bit key/);
});
