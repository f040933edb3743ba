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

/** Two counters agree when they hold the same counts per node (entries are kept sorted by node). */
function same(a: PNCounter, b: PNCounter): void {
  assert.deepEqual(a.entries, b.entries);
}

function copy(c: PNCounter): PNCounter {
  return merged(c);
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
      const outer = copy(a);
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
      const self = copy(a);
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

test('pn-counter: merge never loses a count', () => {
  fc.assert(
    fc.property(counter, counter, (a, b) => {
      const m = merged(a, b);
      assert.ok(m.increments >= Math.max(a.increments, b.increments));
      assert.ok(m.decrements >= Math.max(a.decrements, b.decrements));
    }),
    RUNS,
  );
});
