import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDecayed, decaySum, readDecayed, scoresMatch, type DecayAccumulator } from './decay';

const HOUR = 3_600_000;

test('decay: a score halves after one half-life', () => {
  const acc: DecayAccumulator = { value: 0, refTimeMs: 0 };
  addDecayed(acc, 8, 1_000, HOUR);
  assert.equal(readDecayed(acc, 1_000, HOUR), 8);
  assert.ok(Math.abs(readDecayed(acc, 1_000 + HOUR, HOUR) - 4) < 1e-12);
  assert.ok(Math.abs(readDecayed(acc, 1_000 + 2 * HOUR, HOUR) - 2) < 1e-12);
});

test('decay: the accumulator equals the defining sum for writes in any time order', () => {
  const write = fc.record({
    weight: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    timeMs: fc.integer({ min: 0, max: 10 * HOUR }),
  });
  fc.assert(
    fc.property(
      fc.array(write, { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 0, max: 20 * HOUR }),
      (writes, at) => {
        const acc: DecayAccumulator = { value: 0, refTimeMs: 0 };
        for (const w of writes) addDecayed(acc, w.weight, w.timeMs, HOUR);
        const got = readDecayed(acc, at, HOUR);
        const want = decaySum(writes, at, HOUR);
        const scale = writes.reduce(
          (s, w) => s + Math.abs(w.weight) * Math.pow(2, -(at - w.timeMs) / HOUR),
          0,
        );
        assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(scale, 1), `accumulator ${got} vs sum ${want}`);
      },
    ),
    { numRuns: 1000 },
  );
});

test('decay: the reference time moves forward, so long-lived accumulators never overflow', () => {
  const acc: DecayAccumulator = { value: 0, refTimeMs: 0 };
  for (let day = 0; day < 10_000; day++) addDecayed(acc, 1, day * 86_400_000, HOUR);
  assert.ok(Number.isFinite(acc.value));
  assert.equal(acc.refTimeMs, 9_999 * 86_400_000);
  // a geometric series: each day keeps 2^-24 of the day before
  assert.ok(Math.abs(readDecayed(acc, acc.refTimeMs, HOUR) - 1 / (1 - 2 ** -24)) < 1e-12);
});

test('decay: scoresMatch is relative to 1e-9', () => {
  assert.ok(scoresMatch(1e9, 1e9 + 0.5));
  assert.ok(!scoresMatch(1, 1 + 1e-8));
  assert.ok(scoresMatch(0, 0));
});
