// Properties of the CRDT signal state (DESIGN §3): merge is a join for arbitrary states and any
// delivery order with duplicates, and merging replicas that hold arbitrary prefixes of each
// origin's writes gives the score, counts and last write of applying every write exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvariantViolation } from '../assert';
import { decaySum } from '../decay';
import { compareHlc, type Hlc } from '../hlc';
import { CrdtSignalState } from './signal-state';
import { decodeStates, encodeStates } from './state-codec';
import { arbitraryCrdtState } from '../testing/arbitrary-state';

const RUNS = { numRuns: 1000 };
const ORIGINS = ['ap-south@1', 'eu-west@1', 'us-east@1', 'us-east@2'];

// --- arbitrary states -------------------------------------------------------------------------

/** States as a replica could hold them, or not: equal versions with different values included. */
const arbitraryState = arbitraryCrdtState({ origins: ORIGINS, minVersion: 1, maxOrigins: 4, maxWallMs: 5 });

function merged(...states: CrdtSignalState[]): CrdtSignalState {
  const out = new CrdtSignalState();
  for (const s of states) out.merge(s);
  return out;
}

function canonical(s: CrdtSignalState): unknown {
  return {
    origins: s.origins.map((o) => ({ ...o })),
    counts: s.counts.entries.map((e) => ({ ...e })),
    last: s.last.stamp ? { stamp: { ...s.last.stamp }, value: { ...s.last.value! } } : null,
  };
}

function same(a: CrdtSignalState, b: CrdtSignalState): void {
  assert.deepEqual(canonical(a), canonical(b));
}

test('crdt signal state: merge is commutative', () => {
  fc.assert(
    fc.property(arbitraryState, arbitraryState, (a, b) => same(merged(a, b), merged(b, a))),
    RUNS,
  );
});

test('crdt signal state: merge is associative', () => {
  fc.assert(
    fc.property(arbitraryState, arbitraryState, arbitraryState, (a, b, c) => {
      const left = merged(a, b);
      left.merge(c);
      const right = a.clone();
      right.merge(merged(b, c));
      same(left, right);
    }),
    RUNS,
  );
});

test('crdt signal state: merge is idempotent, and merging a state into itself changes nothing', () => {
  fc.assert(
    fc.property(arbitraryState, arbitraryState, (a, b) => {
      same(merged(a, b), merged(a, b, b, a, a));
      const self = a.clone();
      assert.deepEqual(self.merge(a), []);
      same(self, a);
    }),
    RUNS,
  );
});

test('crdt signal state: any delivery order with duplicates reaches the same state', () => {
  fc.assert(
    fc.property(
      fc.array(arbitraryState, { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (states, dupA, dupB) => {
        const a = merged(...dupA.map((i) => states[i % states.length]!), ...states);
        const b = merged(...states.slice().reverse(), ...dupB.map((i) => states[i % states.length]!));
        same(a, b);
      },
    ),
    RUNS,
  );
});

test('crdt signal state: a state survives its byte encoding unchanged', () => {
  fc.assert(
    fc.property(arbitraryState, (s) => {
      const [back] = decodeStates(encodeStates([{ tenant: 't', entity: 'e', signal: 0, state: s }]));
      same(back!.state, s);
    }),
    RUNS,
  );
});

// --- per-origin write sequences ---------------------------------------------------------------

const HALF_LIFE_MS = 60_000;

interface Write {
  origin: string;
  version: number;
  weight: number;
  timeMs: number;
  hlc: Hlc;
}

/**
 * Each origin's writes in order (one writer per origin, as in the cluster), weights including
 * retractions, event times in any order (an origin may write with an explicit earlier time).
 */
const histories: fc.Arbitrary<Write[][]> = fc
  .array(
    fc.array(
      fc.record({
        weight: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double({ min: -5, max: 20, noNaN: true })),
        timeMs: fc.integer({ min: 0, max: 600_000 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    { minLength: 1, maxLength: ORIGINS.length },
  )
  .map((perOrigin) =>
    perOrigin.map((ws, o) =>
      ws.map((w, i) => ({
        origin: ORIGINS[o]!,
        version: i + 1,
        weight: w.weight,
        timeMs: w.timeMs,
        hlc: { wallMs: w.timeMs, logical: i, node: ORIGINS[o]! },
      })),
    ),
  );

function applyAll(writes: readonly Write[]): CrdtSignalState {
  const s = new CrdtSignalState();
  for (const w of writes) s.apply(w.origin, w.version, w.weight, w.timeMs, w.hlc, HALF_LIFE_MS);
  return s;
}

/** Close to `want`, relative to the size of the terms (retractions may cancel to near zero). */
function assertScore(got: number, writes: readonly Write[], atMs: number): void {
  const want = decaySum(writes, atMs, HALF_LIFE_MS);
  const scale = decaySum(
    writes.map((w) => ({ weight: Math.abs(w.weight), timeMs: w.timeMs })),
    atMs,
    HALF_LIFE_MS,
  );
  assert.ok(
    Math.abs(got - want) <= 1e-9 * Math.max(scale, 1),
    `score ${got}, applying every write once gives ${want}`,
  );
}

test('crdt signal state: replicas holding arbitrary prefixes merge to the score of every write once', () => {
  fc.assert(
    fc.property(
      histories,
      fc.array(fc.array(fc.nat(), { minLength: ORIGINS.length, maxLength: ORIGINS.length }), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.array(fc.nat(), { maxLength: 16 }),
      fc.integer({ min: 600_000, max: 1_200_000 }),
      (history, prefixes, order, atMs) => {
        // Replica r holds the first prefixes[r][o] writes of origin o; the last replica holds all.
        const replicas = prefixes.map((p) =>
          applyAll(history.flatMap((ws, o) => ws.slice(0, p[o]! % (ws.length + 1)))),
        );
        replicas.push(applyAll(history.flat()));
        // Merge in a random order, with duplicates, every replica at least once.
        const m = merged(...order.map((i) => replicas[i % replicas.length]!), ...replicas.slice().reverse());
        const all = history.flat();
        assertScore(m.score(atMs, HALF_LIFE_MS), all, atMs);
        assert.equal(m.writeCount, all.length);
        assert.equal(m.counts.increments, all.filter((w) => w.weight >= 0).length);
        assert.equal(m.counts.decrements, all.filter((w) => w.weight < 0).length);
        const last = all.reduce((a, b) => (compareHlc(b.hlc, a.hlc) > 0 ? b : a));
        assert.deepEqual(m.last.value, { timeMs: last.timeMs, weight: last.weight });
        assert.deepEqual(m.last.stamp, last.hlc);
      },
    ),
    RUNS,
  );
});

test('crdt signal state: a write already included (duplicate or reconciled first) is not applied twice', () => {
  fc.assert(
    fc.property(histories, fc.array(fc.nat(), { maxLength: 20 }), (history, dups) => {
      const all = history.flat();
      const s = applyAll(all);
      for (const i of dups) {
        const w = all[i % all.length]!;
        assert.equal(s.apply(w.origin, w.version, w.weight, w.timeMs, w.hlc, HALF_LIFE_MS), false);
      }
      assert.equal(s.writeCount, all.length);
      assertScore(s.score(700_000, HALF_LIFE_MS), all, 700_000);
    }),
    RUNS,
  );
});

test('crdt signal state: a replica that merged a peer first then receives the same writes counts them once', () => {
  fc.assert(
    fc.property(histories, fc.nat(), (history, cut) => {
      const all = history.flat();
      const peer = applyAll(all);
      const r = applyAll(all.slice(0, cut % (all.length + 1)));
      r.merge(peer);
      for (const w of all) r.apply(w.origin, w.version, w.weight, w.timeMs, w.hlc, HALF_LIFE_MS);
      same(r, peer);
    }),
    RUNS,
  );
});

test('crdt signal state: a write that skips one of its origin’s versions is a broken invariant, not applied', () => {
  const s = new CrdtSignalState();
  const hlc = { wallMs: 1, logical: 0, node: 'us-east' };
  assert.equal(s.apply('us-east@1', 1, 1, 1, hlc, HALF_LIFE_MS), true);
  assert.throws(
    () => s.apply('us-east@1', 3, 1, 2, { ...hlc, wallMs: 2 }, HALF_LIFE_MS),
    (err: unknown) =>
      err instanceof InvariantViolation && /us-east@1 jumped from version 1 to 3/.test(err.message),
  );
  assert.equal(s.writeCount, 1);
  assert.equal(s.version('us-east@1'), 1);
});
