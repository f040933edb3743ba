/**
 * Test support (imported only by *.test.ts): fast-check arbitraries of CRDT signal states as a
 * replica could hold them — or could not: equal versions with different values are included, so
 * the merge laws are checked for every state, not just the well-formed ones.
 */
import fc from 'fast-check';
import type { Hlc } from '../hlc';
import { CrdtSignalState } from '../crdt/signal-state';

export interface StateShape {
  origins: readonly string[];
  /** Lowest origin version generated. */
  minVersion: number;
  /** Most origins (and counters) per state. */
  maxOrigins: number;
  /** Largest HLC wall time of the last-write stamp. */
  maxWallMs: number;
}

export function arbitraryStamp(maxWallMs: number): fc.Arbitrary<Hlc> {
  return fc.record(
    {
      wallMs: fc.integer({ min: 0, max: maxWallMs }),
      logical: fc.integer({ min: 0, max: 2 }),
      node: fc.constantFrom('us-east', 'eu-west'),
    },
    { noNullPrototype: true },
  );
}

export function arbitraryCrdtState(shape: StateShape): fc.Arbitrary<CrdtSignalState> {
  return fc
    .record({
      origins: fc.uniqueArray(
        fc.record({
          origin: fc.constantFrom(...shape.origins),
          version: fc.integer({ min: shape.minVersion, max: 4 }),
          value: fc.integer({ min: -40, max: 40 }).map((v) => v / 4),
          refTimeMs: fc.integer({ min: 0, max: 3 }),
        }),
        { selector: (o) => o.origin, maxLength: shape.maxOrigins },
      ),
      counts: fc.uniqueArray(
        fc.record({ node: fc.constantFrom(...shape.origins), p: fc.nat(5), n: fc.nat(5) }),
        {
          selector: (e) => e.node,
          maxLength: shape.maxOrigins,
        },
      ),
      last: fc.option(
        fc.tuple(
          arbitraryStamp(shape.maxWallMs),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: -2, max: 2 }),
        ),
        { nil: undefined },
      ),
    })
    .map(({ origins, counts, last }) => {
      const s = new CrdtSignalState();
      s.origins = origins.sort((a, b) => (a.origin < b.origin ? -1 : 1));
      for (const c of counts) {
        s.counts.increment(c.node, c.p);
        s.counts.decrement(c.node, c.n);
      }
      if (last) s.last.set({ timeMs: last[1], weight: last[2] }, last[0]);
      return s;
    });
}
