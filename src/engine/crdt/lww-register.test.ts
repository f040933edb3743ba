// Properties of the last-writer-wins register: the greatest HLC stamp wins (ties between nodes
// broken by node id), and merge is a join for any states and any delivery order with duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareHlc, type Hlc } from '../hlc';
import { compareValues, LWWRegister } from './lww-register';

const RUNS = { numRuns: 1000 };

/** A small stamp space, so equal wall times, equal logicals and equal stamps all occur. */
const stamp: fc.Arbitrary<Hlc> = fc.record(
  {
    wallMs: fc.integer({ min: 0, max: 6 }),
    logical: fc.integer({ min: 0, max: 2 }),
    node: fc.constantFrom('us-east', 'eu-west', 'ap-south'),
  },
  { noNullPrototype: true },
);

const register = fc
  .option(fc.tuple(fc.integer({ min: -9, max: 9 }), stamp), { nil: undefined })
  .map((v) => (v === undefined ? new LWWRegister<number>() : new LWWRegister<number>(v[0], v[1])));

function merged(...rs: LWWRegister<number>[]): LWWRegister<number> {
  const out = new LWWRegister<number>();
  for (const r of rs) out.merge(r);
  return out;
}

function same(a: LWWRegister<number>, b: LWWRegister<number>): void {
  assert.deepEqual({ value: a.value, stamp: a.stamp }, { value: b.value, stamp: b.stamp });
}

test('lww-register: merge is commutative, even for equal stamps carrying different values', () => {
  fc.assert(
    fc.property(register, register, (a, b) => same(merged(a, b), merged(b, a))),
    RUNS,
  );
});

test('lww-register: merge is associative', () => {
  fc.assert(
    fc.property(register, register, register, (a, b, c) => {
      const left = merged(a, b);
      left.merge(c);
      const outer = a.clone();
      outer.merge(merged(b, c));
      same(left, outer);
    }),
    RUNS,
  );
});

test('lww-register: merge is idempotent', () => {
  fc.assert(
    fc.property(register, register, (a, b) => {
      same(merged(a, b), merged(a, b, a, b, b));
      const self = a.clone();
      self.merge(a);
      same(self, a);
    }),
    RUNS,
  );
});

test('lww-register: any delivery order with duplicates keeps the greatest stamp', () => {
  fc.assert(
    fc.property(
      fc.array(register, { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (rs, extra) => {
        const shuffled = [...extra.map((i) => rs[i % rs.length]!), ...rs.slice().reverse()];
        const m = merged(...shuffled);
        same(m, merged(...rs));
        for (const r of rs) if (r.stamp) assert.ok(compareHlc(m.stamp!, r.stamp) >= 0);
      },
    ),
    RUNS,
  );
});

test('lww-register: equal wall time and logical count are broken by node id', () => {
  const r = new LWWRegister<string>();
  assert.equal(r.set('from eu-west', { wallMs: 5, logical: 1, node: 'eu-west' }), true);
  assert.equal(r.set('from ap-south', { wallMs: 5, logical: 1, node: 'ap-south' }), false);
  assert.equal(r.set('from us-east', { wallMs: 5, logical: 1, node: 'us-east' }), true);
  assert.equal(r.value, 'from us-east');
  assert.equal(r.set('older', { wallMs: 4, logical: 9, node: 'zz' }), false);
});

test('lww-register: set reports a win only when the register changed', () => {
  const s = { wallMs: 5, logical: 0, node: 'us-east' };
  const r = new LWWRegister<number>();
  assert.equal(r.set(3, s), true, 'the first value');
  assert.equal(r.set(3, { ...s }), false, 'the same write again (a duplicate delivery)');
  assert.deepEqual({ value: r.value, stamp: r.stamp }, { value: 3, stamp: s });
});

test('lww-register: at an equal stamp the greater value wins, whichever arrives first', () => {
  // Numbers compare by value (10 > 9, although "10" < "9" as text), strings as strings, other
  // values by their JSON; a value beats no value.
  const s = { wallMs: 5, logical: 0, node: 'us-east' };
  const pairs: [unknown, unknown][] = [
    [9, 10],
    [-2, -1],
    [1.5, 2],
    ['a"', 'a#'], // '"' < '#', although JSON escapes the quote as \"
    ['x', 'y'],
    [
      { timeMs: 1, weight: 9 },
      { timeMs: 2, weight: 1 },
    ],
    [undefined, 5],
    [undefined, 'A'],
    [undefined, { timeMs: 0, weight: 0 }],
  ];
  for (const [lo, hi] of pairs) {
    for (const order of [
      [lo, hi],
      [hi, lo],
    ]) {
      const r = new LWWRegister<unknown>(order[0], s);
      r.merge(new LWWRegister<unknown>(order[1], s));
      assert.deepEqual(r.value, hi, `${JSON.stringify(order)}`);
    }
  }
});

test('lww-register: values are ordered totally: numbers by value, strings by code unit, ties only for equal values', () => {
  const sign = (n: number): number => Math.sign(n);
  fc.assert(
    fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (a, b) => {
      assert.equal(sign(compareValues(a, b)), a < b ? -1 : a > b ? 1 : 0);
      assert.equal(compareValues(a, a), 0);
    }),
    RUNS,
  );
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      assert.equal(sign(compareValues(a, b)), a < b ? -1 : a > b ? 1 : 0);
      assert.equal(compareValues(a, a), 0);
      assert.equal(sign(compareValues(b, a)), 0 - sign(compareValues(a, b)));
    }),
    RUNS,
  );
  // Antisymmetric across kinds too (a register's value or its absence), or merge would not commute.
  const value = fc.oneof(
    fc.constant(undefined),
    fc.double({ noNaN: true }),
    fc.string(),
    fc.record({ timeMs: fc.nat(), weight: fc.integer() }),
  );
  fc.assert(
    fc.property(value, value, (a, b) => {
      assert.equal(sign(compareValues(b, a)), 0 - sign(compareValues(a, b)));
    }),
    RUNS,
  );
});
