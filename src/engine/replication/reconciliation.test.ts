// Unit tests of one anti-entropy exchange between two replicas wired by a queue: a round ships
// only the states that differ (far fewer bytes than the whole state), both sides end equal,
// a repeated round ships nothing but digests, and shipped states respect the HLC skew bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SignalEvent } from '../batch/codec';
import { ManualClock } from '../clock';
import { encodeStates, type StateItem } from '../crdt/state-codec';
import { InvariantViolation } from '../assert';
import { ClockSkewError, CorruptBatchError, type TidalError } from '../errors';
import { compareHlc, HybridClock } from '../hlc';
import { Schema } from '../schema';
import { SignalStore } from '../store';
import type { Transport } from '../transport';
import { FrameCodec, FrameType, type Frame } from './messages';
import { ReconciliationEngine, type ReconciliationHost } from './reconciliation';

const REGIONS = ['us-east', 'eu-west'];
const schema = new Schema({ signals: { click: { halfLifeMs: 60_000 }, view: { halfLifeMs: 3_600_000 } } });

interface Replica {
  region: string;
  store: SignalStore;
  hlc: HybridClock;
  engine: ReconciliationEngine;
  rejected: TidalError[];
  /** Offset of this replica's physical clock from the test's clock. */
  physical: { offsetMs: number };
  host: ReconciliationHost;
}

/** The test's clock: every write moves it forward. */
let clockMs = 0;

/** Two replicas whose messages wait in one FIFO until `deliverAll`. */
function pair(opts: { maxDriftMs?: number; reconcilable?: (origin: string) => boolean } = {}) {
  const timers = new ManualClock();
  const queue: { from: string; to: string; bytes: Uint8Array }[] = [];
  const frames = new FrameCodec(
    (r) => REGIONS.indexOf(r),
    (i) => REGIONS[i]!,
  );
  const make = (region: string): Replica => {
    const store = new SignalStore(schema);
    const physical = { offsetMs: 0 };
    const hlc = new HybridClock(
      region,
      { nowMs: () => clockMs + physical.offsetMs },
      opts.maxDriftMs ?? 1_000,
    );
    const rejected: TidalError[] = [];
    const transport: Transport = {
      region,
      shard: 0,
      send: (to, bytes) => queue.push({ from: region, to, bytes }),
      onMessage: () => undefined,
      close: () => undefined,
    };
    const host: ReconciliationHost = {
      shard: 0,
      store,
      frames,
      transport,
      timers,
      hlc,
      mergeStates: (items: StateItem[]) => items.filter((it) => store.merge(it).length > 0).length,
      reject: (_from, err) => rejected.push(err),
      reconcilable: opts.reconcilable ?? (() => true), // by default every origin here was accepted locally
    };
    return { region, store, hlc, engine: new ReconciliationEngine(host), rejected, physical, host };
  };
  const a = make('us-east');
  const b = make('eu-west');
  const byRegion = new Map([
    [a.region, a],
    [b.region, b],
  ]);
  const deliverAll = (): number => {
    let n = 0;
    while (queue.length) {
      const m = queue.shift()!;
      byRegion.get(m.to)!.engine.onFrame(m.from, frames.decode(m.bytes));
      n++;
    }
    return n;
  };
  /** Delivers the first message waiting, if any; returns its frame. */
  const deliverOne = (): Frame | undefined => {
    const m = queue.shift();
    if (!m) return undefined;
    const f = frames.decode(m.bytes);
    byRegion.get(m.to)!.engine.onFrame(m.from, f);
    return f;
  };
  return { a, b, deliverAll, deliverOne, timers, queue, frames };
}

/** Applies the next write of `origin` to (entity, signal) on every replica given. */
function write(replicas: Replica[], origin: string, entity: string, weight = 1, signal = 0): SignalEvent {
  const store = replicas[0]!.store;
  const e: SignalEvent = {
    seqNo: 0,
    signal,
    tenant: '',
    entity,
    weight,
    timeMs: (clockMs += 7),
    hlc: { wallMs: clockMs, logical: 0, node: origin.split('@')[0]! },
    origin,
    originVersion: store.nextVersion('', entity, signal, origin),
    idempotencyKey: '',
  };
  for (const r of replicas) r.store.apply(e);
  return e;
}

function totals(...rs: Replica[]) {
  return rs.reduce(
    (t, r) => ({
      messages: t.messages + r.engine.stats.messagesSent,
      bytes: t.bytes + r.engine.stats.bytesSent,
      states: t.states + r.engine.stats.statesSent,
    }),
    { messages: 0, bytes: 0, states: 0 },
  );
}

function fullStateBytes(r: Replica): number {
  return encodeStates([...r.store.entries()]).length;
}

test('reconciliation: replicas with equal state exchange one digest and nothing else', () => {
  const { a, b, deliverAll } = pair();
  for (let i = 0; i < 50; i++) write([a, b], 'us-east@1', `e-${i}`);
  a.engine.startRound(b.region);
  assert.equal(deliverAll(), 1);
  assert.deepEqual(totals(a, b).states, 0);
  assert.equal(a.store.digest(), b.store.digest());
});

test('reconciliation: a round ships only the differing states, both ways, and far fewer bytes than the whole state', () => {
  const { a, b, deliverAll } = pair();
  for (let i = 0; i < 1_000; i++) write([a, b], 'us-east@1', `entity-${i}`, 1, i % 2);
  // A short partition: the leader side writes two entities, the cut-off side one (accept-local).
  write([a], 'us-east@1', 'entity-3', 1, 1);
  write([a], 'us-east@1', 'entity-3', 1, 1);
  write([a], 'us-east@1', 'hot');
  write([b], 'eu-west@1', 'entity-3', 5, 1);
  write([b], 'eu-west@1', 'entity-3', -1, 1);
  assert.notEqual(a.store.digest(), b.store.digest());

  a.engine.startRound(b.region);
  deliverAll();

  // Pushed: a's entity-3 (a newer us-east@1) and hot; pulled: b's entity-3 (eu-west@1).
  assert.equal(a.engine.stats.statesSent, 2);
  assert.equal(b.engine.stats.statesSent, 1);
  assert.equal(a.engine.stats.statesAdopted, 1);
  assert.equal(b.engine.stats.statesAdopted, 2);
  assert.equal(a.store.digest(), b.store.digest());
  for (const r of [a, b]) {
    const st = r.store.state('', 'entity-3', 1)!;
    assert.deepEqual(
      st.origins.map((o) => [o.origin, o.version]),
      [
        ['eu-west@1', 2],
        ['us-east@1', 3],
      ],
    );
    assert.equal(st.writeCount, 5);
  }
  assert.equal(a.store.score('', 'entity-3', 1, 100_000), b.store.score('', 'entity-3', 1, 100_000));
  const shipped = totals(a, b);
  const full = fullStateBytes(a);
  assert.equal(shipped.messages, 4, 'digest, summary, states, pulled states');
  assert.ok(shipped.bytes * 10 < full, `shipped ${shipped.bytes} bytes, the whole state is ${full} bytes`);
});

test('reconciliation: a repeated round after convergence ships only a digest', () => {
  const { a, b, deliverAll } = pair();
  for (let i = 0; i < 100; i++) write([a], 'us-east@1', `e-${i}`);
  a.engine.startRound(b.region);
  deliverAll();
  assert.equal(a.store.digest(), b.store.digest());
  const before = totals(a, b);
  b.engine.startRound(a.region);
  a.engine.startRound(b.region);
  assert.equal(deliverAll(), 2);
  assert.equal(totals(a, b).states, before.states);
});

test('reconciliation: a peer holding nothing pulls nothing and receives everything the initiator has', () => {
  const { a, b, deliverAll } = pair();
  for (let i = 0; i < 20; i++) write([b], 'eu-west@1', `e-${i}`);
  a.engine.startRound(b.region); // the empty side starts: everything is pulled from b
  deliverAll();
  assert.equal(a.store.size, 20);
  assert.equal(a.store.digest(), b.store.digest());
});

test('reconciliation: the receiver’s HLC moves past the newest write it merged', () => {
  const { a, b, deliverAll } = pair();
  const e = write([a], 'us-east@1', 'hot');
  b.physical.offsetMs = -500; // b's clock is behind, within the drift bound
  a.engine.startRound(b.region);
  deliverAll();
  assert.equal(b.store.state('', 'hot', 0)?.writeCount, 1);
  assert.ok(compareHlc(b.hlc.now(), e.hlc) > 0, 'b’s next stamp follows the write it learned of');
});

test('reconciliation: states stamped beyond maxDriftMs are refused with ClockSkewError, then merged once the clock catches up', () => {
  const { a, b, deliverAll } = pair({ maxDriftMs: 100 });
  write([a], 'us-east@1', 'hot');
  b.physical.offsetMs = -5_000;
  const before = b.hlc.peek();
  a.engine.startRound(b.region);
  deliverAll();
  assert.equal(b.store.state('', 'hot', 0), undefined, 'nothing merged');
  assert.equal(b.rejected.length, 1);
  assert.ok(b.rejected[0] instanceof ClockSkewError);
  assert.match(b.rejected[0].message, /maxDriftMs=100/);
  assert.deepEqual(b.hlc.peek(), before);
  assert.equal(b.engine.stats.refused, 1);
  b.physical.offsetMs = 0; // the clock is fixed: the next round merges
  a.engine.startRound(b.region);
  deliverAll();
  assert.equal(b.store.state('', 'hot', 0)?.writeCount, 1);
  assert.equal(a.store.digest(), b.store.digest());
});

test('reconciliation: undecodable states are refused with CorruptBatchError and change nothing', () => {
  const { b } = pair();
  const digest = b.store.digest();
  b.engine.onFrame('us-east', {
    type: FrameType.States,
    shard: 0,
    round: 1,
    states: new Uint8Array([1, 0, 0, 0, 9, 9, 9]),
    pull: [],
  });
  assert.ok(b.rejected[0] instanceof CorruptBatchError);
  assert.equal(b.engine.stats.refused, 1);
  assert.equal(b.store.digest(), digest);
});

test('reconciliation: periodic rounds run on the timers until stopped', () => {
  const { a, b, deliverAll, timers, queue } = pair();
  write([a], 'us-east@1', 'x');
  a.engine.every(250, () => [b.region]);
  timers.advance(249);
  assert.equal(queue.length, 0);
  timers.advance(1);
  assert.equal(queue.length, 1);
  deliverAll();
  assert.equal(b.store.state('', 'x', 0)?.writeCount, 1);
  timers.advance(250);
  assert.equal(a.engine.stats.rounds, 2);
  a.engine.stop();
  timers.advance(1_000);
  assert.equal(a.engine.stats.rounds, 2);
});

test('reconciliation: every round has a new number, which the answers of that round carry', () => {
  const { a, b, deliverOne } = pair();
  write([b], 'eu-west@1', 'x');
  const rounds: number[] = [];
  for (let i = 0; i < 2; i++) {
    a.engine.startRound(b.region);
    for (let f = deliverOne(); f; f = deliverOne()) if (f.type !== FrameType.Ack) rounds.push(f.round);
  }
  // Round 1: digest, summary, states (pulling x from b), x; round 2: the digest alone (equal now).
  assert.deepEqual(rounds, [1, 1, 1, 1, 2]);
  assert.equal(a.engine.stats.rounds, 2);
});

test('reconciliation: stats count messages, bytes and states exactly', () => {
  const { a, b, deliverAll, queue } = pair();
  for (let i = 0; i < 3; i++) write([a], 'us-east@1', `a-${i}`);
  write([b], 'eu-west@1', 'b-0');
  let bytes = 0;
  const push = queue.push.bind(queue);
  queue.push = (...ms) => {
    for (const m of ms) bytes += m.bytes.length;
    return push(...ms);
  };
  a.engine.startRound(b.region);
  deliverAll();
  const t = totals(a, b);
  assert.deepEqual([t.messages, t.states], [4, 4]);
  assert.equal(t.bytes, bytes);
  assert.deepEqual([b.engine.stats.statesReceived, b.engine.stats.statesAdopted], [3, 3]);
  assert.deepEqual([a.engine.stats.statesReceived, a.engine.stats.statesAdopted], [1, 1]);
});

test('reconciliation: a round whose difference was repaired meanwhile ends without shipping states', () => {
  const { a, b, deliverOne, queue } = pair();
  write([b], 'eu-west@1', 'x', 2);
  a.engine.startRound(b.region);
  deliverOne(); // b answers the digest with a summary
  a.store.merge({ tenant: '', entity: 'x', signal: 0, state: b.store.state('', 'x', 0)!.clone() }); // e.g. the log
  deliverOne();
  assert.equal(queue.length, 0, 'nothing to push or pull: no states frame');
  assert.equal(a.engine.stats.messagesSent, 1);
});

test('reconciliation: only origins the log does not carry are reconciled, with their write counts', () => {
  // us-east@1 is the log's stream (a leader's epoch); eu-west@1 wrote locally while cut off.
  const { a, b, deliverAll } = pair({ reconcilable: (o) => o !== 'us-east@1' });
  write([a, b], 'us-east@1', 'x');
  write([a], 'us-east@1', 'x'); // only a has it so far: the log will bring it to b
  write([a], 'eu-west@1', 'x', 3);
  write([a], 'us-east@1', 'y'); // a log-only state: nothing to reconcile
  a.engine.startRound(b.region);
  deliverAll();
  const st = b.store.state('', 'x', 0)!;
  assert.deepEqual(
    st.origins.map((o) => [o.origin, o.version]),
    [
      ['eu-west@1', 1],
      ['us-east@1', 1],
    ],
    'eu-west@1 reconciled; us-east@1 left to the log',
  );
  assert.deepEqual(
    st.counts.entries.map((e) => [e.node, e.p, e.n]),
    [
      ['eu-west@1', 1, 0],
      ['us-east@1', 1, 0],
    ],
  );
  assert.equal(b.store.state('', 'y', 0), undefined);
  assert.equal(a.engine.stats.statesSent, 1);
});

test('reconciliation: a peer pulling states this replica does not hold gets nothing, and other frames are ignored', () => {
  const { a, queue } = pair();
  write([a], 'eu-west@1', 'held');
  a.engine.onFrame('eu-west', {
    type: FrameType.States,
    shard: 0,
    round: 1,
    states: encodeStates([]),
    pull: [{ tenant: '', entity: 'unknown', signal: 0 }],
  });
  assert.equal(queue.length, 0);
  a.engine.onFrame('eu-west', {
    type: FrameType.Ack,
    shard: 0,
    epoch: 1,
    appliedSeqNo: 0,
    status: 0,
    hlc: { wallMs: 0, logical: 0, node: 'eu-west' },
  });
  assert.equal(queue.length, 0);
  assert.deepEqual(a.rejected, []);
});

test('reconciliation: the receiver’s HLC takes in the newest stamp among the states, wherever it is', () => {
  const { a, b, deliverAll } = pair();
  const writes = Array.from({ length: 10 }, (_, i) => write([a], 'eu-west@1', `e-${i}`));
  const newest = writes.at(-1)!.hlc;
  b.physical.offsetMs = -100; // b's clock is behind every stamp, within the drift bound
  a.engine.startRound(b.region);
  deliverAll();
  assert.equal(b.store.size, 10);
  assert.deepEqual(b.hlc.peek(), { wallMs: newest.wallMs, logical: newest.logical + 1, node: 'eu-west' });
});

test('reconciliation: our own bugs are not bad input: an error other than the expected one propagates', () => {
  const bug = new InvariantViolation('a bug of our own');
  let armed = false;
  const { a, b, deliverOne } = pair({
    reconcilable: () => {
      if (armed) throw bug;
      return true;
    },
  });
  write([a], 'ap-south@1', 'x');
  a.engine.startRound(b.region);
  deliverOne(); // digest → b
  deliverOne(); // summary → a, which sends x
  armed = true;
  assert.throws(() => deliverOne(), bug);
  assert.equal(b.engine.stats.refused, 0);

  const p = pair();
  write([p.a], 'us-east@1', 'x');
  p.b.hlc.receive = () => {
    throw bug;
  };
  p.a.engine.startRound(p.b.region);
  assert.throws(() => p.deliverAll(), bug);
  assert.equal(p.b.engine.stats.refused, 0);
});
