// Properties of hybrid logical clocks (DESIGN §3, HLC): stamps strictly increase per node
// whatever the physical clocks do (including going backwards) and in whatever order messages
// are received, a receive stamp follows the stamp received, and a remote stamp too far ahead is
// refused with ClockSkewError without touching the clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Clock } from './clock';
import { ClockSkewError } from './errors';
import { compareHlc, formatHlc, HybridClock, type Hlc } from './hlc';

const RUNS = { numRuns: 1000 };
const MAX_DRIFT_MS = 1_000;

/** A physical clock the test sets by hand (it may jump back, stall or leap ahead). */
class HandClock implements Clock {
  constructor(public ms = 0) {}
  nowMs(): number {
    return this.ms;
  }
}

type Op =
  | { kind: 'set'; node: number; ms: number }
  | { kind: 'local'; node: number }
  | { kind: 'send'; node: number }
  | { kind: 'receive'; node: number; message: number };

const NODES = 3;
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    node: fc.nat(NODES - 1),
    // Physical time anywhere in a window, fractional included: skew, steps back, drift.
    ms: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.double({ min: 0, max: 5_000, noNaN: true })),
  }),
  fc.record({ kind: fc.constant('local' as const), node: fc.nat(NODES - 1) }),
  fc.record({ kind: fc.constant('send' as const), node: fc.nat(NODES - 1) }),
  fc.record({ kind: fc.constant('receive' as const), node: fc.nat(NODES - 1), message: fc.nat() }),
);

function lessThan(a: Hlc, b: Hlc): boolean {
  return a.wallMs < b.wallMs || (a.wallMs === b.wallMs && a.logical < b.logical);
}

test('hlc: stamps strictly increase per node under arbitrary physical clocks and receive orders', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const phys = Array.from({ length: NODES }, () => new HandClock());
      const clocks = phys.map((p, i) => new HybridClock(`n${i}`, p, MAX_DRIFT_MS));
      const last: (Hlc | undefined)[] = Array(NODES).fill(undefined);
      const sent: Hlc[] = [];
      const issued = (node: number, s: Hlc): void => {
        const prev = last[node];
        if (prev) assert.ok(compareHlc(s, prev) > 0, `${formatHlc(s)} after ${formatHlc(prev)}`);
        assert.ok(s.wallMs >= Math.floor(phys[node]!.ms), 'a stamp never runs behind its physical clock');
        last[node] = s;
      };
      for (const o of ops) {
        const clock = clocks[o.node]!;
        if (o.kind === 'set') phys[o.node]!.ms = o.ms;
        else if (o.kind === 'local') issued(o.node, clock.now());
        else if (o.kind === 'send') {
          const s = clock.now();
          issued(o.node, s);
          sent.push(s);
        } else if (sent.length) {
          // Any message, any number of times, in any order: duplicates and reordering.
          const m = sent[o.message % sent.length]!;
          const before = clock.peek();
          let r: Hlc;
          try {
            r = clock.receive(m);
          } catch (err) {
            assert.ok(err instanceof ClockSkewError);
            assert.ok(m.wallMs - Math.floor(phys[o.node]!.ms) > MAX_DRIFT_MS);
            assert.deepEqual(clock.peek(), before, 'a refused stamp leaves the clock unchanged');
            continue;
          }
          issued(o.node, r);
          assert.ok(lessThan(m, r), `received ${formatHlc(m)}, stamped the receive ${formatHlc(r)}`);
        }
      }
    }),
    RUNS,
  );
});

test('hlc: a receive stamp follows the received stamp and the previous local stamp', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000 }),
      fc.nat(5),
      fc.integer({ min: -2_000, max: MAX_DRIFT_MS }),
      fc.nat(20),
      (localMs, localEvents, leadMs, remoteLogical) => {
        const phys = new HandClock(localMs);
        const clock = new HybridClock('local', phys, MAX_DRIFT_MS);
        let prev: Hlc | undefined;
        for (let i = 0; i < localEvents; i++) prev = clock.now();
        const remote = { wallMs: Math.max(0, localMs + leadMs), logical: remoteLogical, node: 'remote' };
        const r = clock.receive(remote);
        assert.ok(lessThan(remote, r));
        if (prev) assert.ok(compareHlc(r, prev) > 0);
        assert.equal(r.node, 'local');
      },
    ),
    RUNS,
  );
});

test('hlc: a remote stamp beyond maxDriftMs is refused with ClockSkewError and changes nothing', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000 }),
      fc.nat(4),
      fc.integer({ min: 1, max: 100_000 }),
      fc.nat(20),
      fc.integer({ min: 0, max: 5_000 }),
      (localMs, localEvents, excessMs, remoteLogical, maxDriftMs) => {
        const phys = new HandClock(localMs);
        const clock = new HybridClock('local', phys, maxDriftMs);
        for (let i = 0; i < localEvents; i++) clock.now();
        const before = clock.peek();
        const remote = { wallMs: localMs + maxDriftMs + excessMs, logical: remoteLogical, node: 'remote' };
        const err = (() => {
          try {
            clock.receive(remote);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        assert.ok(err instanceof ClockSkewError, 'refused');
        assert.equal(err.remoteWallMs, remote.wallMs);
        assert.equal(err.localPhysicalMs, localMs);
        assert.equal(err.maxDriftMs, maxDriftMs);
        assert.match(err.message, /ahead of the local clock.*maxDriftMs/);
        assert.deepEqual(clock.peek(), before);
        // Once the local clock catches up, the same stamp is accepted (the retry succeeds).
        phys.ms = remote.wallMs - maxDriftMs;
        assert.ok(lessThan(remote, clock.receive(remote)));
      },
    ),
    RUNS,
  );
});

test('hlc: a stamp exactly maxDriftMs ahead is accepted', () => {
  const clock = new HybridClock('local', new HandClock(100), 1_000);
  assert.deepEqual(clock.receive({ wallMs: 1_100, logical: 3, node: 'r' }), {
    wallMs: 1_100,
    logical: 4,
    node: 'local',
  });
});

test('hlc: now() follows the physical clock when it moves forward and counts logically when it does not', () => {
  const phys = new HandClock(10);
  const clock = new HybridClock('n', phys);
  assert.deepEqual(clock.now(), { wallMs: 10, logical: 0, node: 'n' });
  assert.deepEqual(clock.now(), { wallMs: 10, logical: 1, node: 'n' });
  phys.ms = 3; // the clock stepped back
  assert.deepEqual(clock.now(), { wallMs: 10, logical: 2, node: 'n' });
  phys.ms = 11.7;
  assert.deepEqual(clock.now(), { wallMs: 11, logical: 0, node: 'n' });
});

test('hlc: the observer sees every stamp issued, with the stamp received', () => {
  const clock = new HybridClock('n', new HandClock(5));
  const seen: [string, string | undefined][] = [];
  clock.observer = (s, r) => seen.push([formatHlc(s), r && formatHlc(r)]);
  clock.now();
  clock.receive({ wallMs: 7, logical: 2, node: 'm' });
  assert.deepEqual(seen, [
    ['5.0@n', undefined],
    ['7.3@n', '7.2@m'],
  ]);
});

/** (wallMs, logical) order, node ignored: what "after" means for one node's stamps. */
function after(a: { wallMs: number; logical: number }, b: { wallMs: number; logical: number }): boolean {
  return a.wallMs > b.wallMs || (a.wallMs === b.wallMs && a.logical > b.logical);
}

/**
 * What makes a hybrid clock hybrid rather than logical: a new stamp's wall time is the latest
 * time the node has seen (its physical clock, its previous stamp, the stamp received), never
 * more, and its logical count is the least that still orders it after the previous stamp and
 * the received one. So the logical count resets whenever the physical clock moves ahead, and
 * stamps stay as close to physical time as causality allows.
 */
function assertLeastStamp(
  got: Hlc,
  prev: { wallMs: number; logical: number },
  physicalMs: number,
  received?: Hlc,
): void {
  const wallMs = Math.max(Math.floor(physicalMs), prev.wallMs, received?.wallMs ?? 0);
  const ok = (s: { wallMs: number; logical: number }): boolean =>
    after(s, prev) && (received === undefined || after(s, received)) && s.wallMs >= Math.floor(physicalMs);
  const what = `${formatHlc(got)} after ${prev.wallMs}.${prev.logical} at physical ${physicalMs}${received ? `, received ${formatHlc(received)}` : ''}`;
  assert.equal(got.wallMs, wallMs, `wall time: ${what}`);
  assert.ok(ok(got), `ordered: ${what}`);
  assert.ok(got.logical === 0 || !ok({ wallMs, logical: got.logical - 1 }), `least logical count: ${what}`);
}

test('hlc: every stamp is the least one after the previous stamp, the stamp received and the physical clock', () => {
  type Step =
    | { kind: 'set'; ms: number }
    | { kind: 'now' }
    | { kind: 'receive'; wallMs: number; logical: number }
    | { kind: 'restore'; wallMs: number; logical: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), ms: fc.double({ min: 0, max: 40, noNaN: true }) }),
    fc.record({ kind: fc.constant('now' as const) }),
    // Small ranges, so that the remote stamp, the local one and physical time often tie.
    fc.record({
      kind: fc.constant('receive' as const),
      wallMs: fc.integer({ min: 0, max: 40 }),
      logical: fc.nat(4),
    }),
    fc.record({
      kind: fc.constant('restore' as const),
      wallMs: fc.integer({ min: 0, max: 40 }),
      logical: fc.nat(4),
    }),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      const phys = new HandClock(0);
      const clock = new HybridClock('n', phys, 1_000);
      for (const s of steps) {
        const prev = clock.peek();
        if (s.kind === 'set') phys.ms = s.ms;
        else if (s.kind === 'now') {
          const got = clock.now();
          assertLeastStamp(got, prev, phys.ms);
          assert.deepEqual(clock.peek(), got, 'peek() is the last stamp issued');
        } else if (s.kind === 'receive') {
          const remote = { wallMs: s.wallMs, logical: s.logical, node: 'm' };
          const got = clock.receive(remote);
          assertLeastStamp(got, prev, phys.ms, remote);
          assert.deepEqual(clock.peek(), got, 'peek() is the last stamp issued');
        } else {
          clock.restore(s);
          // Raised to the restored stamp if it is later, never lowered.
          const want = after(s, prev) ? s : prev;
          assert.deepEqual(clock.peek(), { wallMs: want.wallMs, logical: want.logical, node: 'n' });
        }
      }
    }),
    RUNS,
  );
});

test('hlc: the four cases of a receive, by which of local, remote and physical time is latest', () => {
  const cases: {
    name: string;
    local: [number, number];
    physicalMs: number;
    remote: [number, number];
    want: [number, number];
  }[] = [
    // The physical clock is ahead of both stamps: the logical count starts again.
    { name: 'physical ahead', local: [10, 4], physicalMs: 20, remote: [15, 7], want: [20, 0] },
    // The remote stamp is latest: count on from the remote.
    { name: 'remote ahead', local: [10, 4], physicalMs: 10, remote: [15, 7], want: [15, 8] },
    // The local stamp is latest: count on from the local one.
    { name: 'local ahead', local: [15, 4], physicalMs: 10, remote: [12, 7], want: [15, 5] },
    // Local and remote tie on wall time: count on from the larger of the two.
    { name: 'tie, remote counted further', local: [15, 4], physicalMs: 10, remote: [15, 7], want: [15, 8] },
    { name: 'tie, local counted further', local: [15, 9], physicalMs: 10, remote: [15, 7], want: [15, 10] },
  ];
  for (const c of cases) {
    const phys = new HandClock(c.local[0]);
    const clock = new HybridClock('n', phys);
    clock.restore({ wallMs: c.local[0], logical: c.local[1] });
    phys.ms = c.physicalMs;
    const got = clock.receive({ wallMs: c.remote[0], logical: c.remote[1], node: 'm' });
    assert.deepEqual([got.wallMs, got.logical], c.want, c.name);
  }
});

test('hlc: a clock restored from its WAL issues stamps after every stamp it logged, even with its physical clock behind', () => {
  const phys = new HandClock(100);
  const clock = new HybridClock('n', phys);
  clock.restore({ wallMs: 5_000, logical: 3 });
  assert.deepEqual(clock.now(), { wallMs: 5_000, logical: 4, node: 'n' });
  clock.restore({ wallMs: 4_000, logical: 9 }); // an older stamp: nothing to raise
  clock.restore({ wallMs: 5_000, logical: 2 });
  assert.deepEqual(clock.now(), { wallMs: 5_000, logical: 5, node: 'n' });
});
