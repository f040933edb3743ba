// Properties of the PN-counter of write counts: merge is a join (commutative, associative,
// idempotent) whatever the states and whatever order, with duplicates, states are delivered in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PNCounter } from './pn-counter';

const RUNS = { numRuns: 1000 };

const counter = fc
  .uniqueArray(
    fc.record({
      node: fc.constantFrom('us-east@1', 'eu-west@1', 'ap-south@1', 'us-east@2'),
      p: fc.nat(50),
      n: fc.nat(50),
    }),
    { selector: (e) => e.node, maxLength: 4 },
  )
  .map((entries) => {
    const c = new PNCounter();
    for (const e of entries) {
      c.increment(e.node, e.p);
      c.decrement(e.node, e.n);
    }
    return c;
  });

function merged(...cs: PNCounter[]): PNCounter {
  const out = new PNCounter();
  for (const c of cs) out.merge(c);
  return out;
}

function same(a: PNCounter, b: PNCounter): void {
  assert.ok(a.equals(b), `${JSON.stringify(a.entries)} ≠ ${JSON.stringify(b.entries)}`);
}

test('pn-counter: merge is commutative', () => {
  fc.assert(
    fc.property(counter, counter, (a, b) => same(merged(a, b), merged(b, a))),
    RUNS,
  );
});

test('pn-counter: merge is associative', () => {
  fc.assert(
    fc.property(counter, counter, counter, (a, b, c) => {
      const left = merged(a, b);
      left.merge(c);
      const right = merged(b, c);
      const outer = a.clone();
      outer.merge(right);
      same(left, outer);
    }),
    RUNS,
  );
});

test('pn-counter: merge is idempotent', () => {
  fc.assert(
    fc.property(counter, counter, (a, b) => {
      const once = merged(a, b);
      const twice = merged(a, b, b, a);
      same(once, twice);
      const self = a.clone();
      self.merge(a);
      same(self, a);
    }),
    RUNS,
  );
});

test('pn-counter: any delivery order with duplicates reaches the same counter', () => {
  fc.assert(
    fc.property(
      fc.array(counter, { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (states, extraA, extraB) => {
        const order = (extra: number[]): PNCounter[] => [
          ...extra.map((i) => states[i % states.length]!),
          ...states,
          ...extra.map((i) => states[(i * 7) % states.length]!),
        ];
        const a = merged(...order(extraA));
        const b = merged(...order(extraB).reverse());
        same(a, b);
        same(a, merged(...states));
      },
    ),
    RUNS,
  );
});

test('pn-counter: value is increments minus decrements, and merge never loses a count', () => {
  fc.assert(
    fc.property(counter, counter, (a, b) => {
      const m = merged(a, b);
      assert.equal(m.value, m.increments - m.decrements);
      assert.ok(m.increments >= Math.max(a.increments, b.increments));
      assert.ok(m.decrements >= Math.max(a.decrements, b.decrements));
    }),
    RUNS,
  );
});

test('pn-counter: equals holds exactly for equal counts per node (so the laws above can fail)', () => {
  fc.assert(
    fc.property(counter, counter, (a, b) => {
      const want = JSON.stringify(a.entries) === JSON.stringify(b.entries);
      assert.equal(a.equals(b), want);
      assert.equal(b.equals(a), want);
      assert.ok(a.equals(a.clone()));
    }),
    RUNS,
  );
  const of = (...entries: [string, number, number][]): PNCounter => {
    const c = new PNCounter();
    for (const [node, p, n] of entries) {
      c.increment(node, p);
      c.decrement(node, n);
    }
    return c;
  };
  const base = of(['eu-west@1', 2, 1], ['us-east@1', 3, 0]);
  assert.ok(base.equals(of(['us-east@1', 3, 0], ['eu-west@1', 2, 1])));
  assert.ok(!base.equals(of(['eu-west@1', 2, 1])), 'a node missing');
  assert.ok(!of(['eu-west@1', 2, 1]).equals(base), 'a node more');
  assert.ok(!base.equals(of(['eu-west@1', 2, 1], ['us-east@2', 3, 0])), 'another node');
  assert.ok(!base.equals(of(['eu-west@1', 2, 1], ['us-east@1', 4, 0])), 'another increment count');
  assert.ok(!base.equals(of(['eu-west@1', 2, 1], ['us-east@1', 3, 1])), 'another decrement count');
});
