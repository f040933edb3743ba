// The benchmark report's goal table: figures looked up by path and judged against their goals.
// (No timing here: benchmarks are never timed tests.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goalRows, goalTable, meets } from './goals';

test('bench: a goal is a bound, with an optional comment after it', () => {
  assert.equal(meets(1000, '>= 1000'), true);
  assert.equal(meets(999, '>= 1000'), false);
  assert.equal(meets(3, '<= 3'), true);
  assert.equal(meets(0.9, '<= 1 (at most linear in replicas)'), true);
  assert.equal(meets(2e6, '>= 1e6'), true);
  assert.equal(meets(undefined, '>= 1'), undefined);
  assert.equal(meets(1, 'a delta'), undefined);
});

test('bench: goal rows find nested figures and their ranges', () => {
  const rows = goalRows({
    benchmark: 'b',
    a: { x: 5, x_range: [4, 6] },
    y: 2,
    targets: { 'a.x': '>= 5', y: '<= 1', z: '>= 0' },
  });
  assert.deepEqual(
    rows.map((r) => [r.figure, r.value, r.range, r.met]),
    [
      ['a.x', 5, [4, 6], true],
      ['y', 2, undefined, false],
      ['z', undefined, undefined, undefined],
    ],
  );
  const table = goalTable(rows);
  assert.match(table, /b: a\.x +5 +4 – 6 +>= 5 +met/);
  assert.match(table, /NOT MET/);
  assert.match(table, /missing/);
});

test('bench: a single `target` counts as a goal too', () => {
  const rows = goalRows({
    benchmark: 's',
    total_wall_ms: 20_000,
    target: { total_wall_ms: '<= 15000 on 2 cores' },
  });
  assert.deepEqual(
    rows.map((r) => [r.figure, r.value, r.met]),
    [['total_wall_ms', 20_000, false]],
  );
});
