// The benchmark report's arithmetic: growth exponents from log-log fits and significant digits.
// (No timing here: benchmarks are never timed tests.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growthExponent, sig, spread } from './measure';

test('bench: the growth exponent of y = c·x^k is k', () => {
  const xs = [1e4, 2e4, 4e4, 8e4, 1.6e5];
  for (const k of [0, 0.5, 1, 2]) {
    const e = growthExponent(
      xs,
      xs.map((x) => 3 * x ** k),
    );
    assert.ok(Math.abs(e - k) < 1e-9, `k=${k} gave ${e}`);
  }
});

test('bench: a fit needs two distinct x values', () => {
  assert.throws(() => growthExponent([1], [1]), RangeError);
  assert.throws(() => growthExponent([2, 2], [1, 3]), RangeError);
});

test('bench: figures keep three significant digits', () => {
  assert.equal(sig(1234567), 1230000);
  assert.equal(sig(0.0012345), 0.00123);
  assert.equal(sig(0), 0);
});

test('bench: a spread is the median and the range of the runs', () => {
  assert.deepEqual(spread([5, 1, 3]), { median: 3, min: 1, max: 5 });
  assert.deepEqual(spread([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
  assert.throws(() => spread([]), RangeError);
});
