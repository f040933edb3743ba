// The follower side of WAL shipping on its own, against a host that records what it is asked to
// do: what is applied, acknowledged and refused for each kind of batch (in order, duplicate,
// gapped, corrupt, for another shard or epoch, stamped too far ahead, carrying ids no client
// could have written), how acknowledgements are coalesced per instant, and that our own bugs
// are never mistaken for bad input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvariantViolation } from '../assert';
import { BatchCodec, type Batch, type SignalEvent } from '../batch/codec';
import { FLAG_LOCAL } from '../batch/header';
import { ManualClock } from '../clock';
import {
  ClockSkewError,
  CorruptBatchError,
  OutOfOrderBatchError,
  StaleEpochError,
  WrongShardError,
  type TidalError,
} from '../errors';
import { HybridClock, type Hlc } from '../hlc';
import { FollowerDb, type FollowerHost } from './follower';
import { AckStatus } from './messages';

const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const codec = new BatchCodec(REGIONS, 2);
const START_MS = 10_000;

function event(seqNo: number, overrides: Partial<SignalEvent> = {}): SignalEvent {
  return {
    seqNo,
    signal: 0,
    tenant: '',
    entity: `e-${seqNo}`,
    weight: 1,
    timeMs: START_MS,
    hlc: { wallMs: START_MS, logical: seqNo, node: 'us-east' },
    origin: 'us-east@1',
    originVersion: 1,
    idempotencyKey: '',
    ...overrides,
  };
}

/** Encodes events first..last as one batch of the leader us-east. */
function batch(
  first: number,
  last: number,
  opts: { epoch?: number; shard?: number; flags?: number; event?: Partial<SignalEvent> } = {},
): Uint8Array {
  const events: SignalEvent[] = [];
  for (let s = first; s <= last; s++) events.push(event(s, opts.event));
  return codec.encode(opts.shard ?? 0, opts.epoch ?? 1, 'us-east', opts.flags ?? 0, first, events);
}

/** A follower in eu-west (shard 0, epoch 1) whose host records every call. */
function follower(overrides: Partial<FollowerHost> = {}) {
  const clock = new ManualClock(START_MS);
  const hlc = new HybridClock('eu-west', clock, 1_000);
  const acks: [string, AckStatus][] = [];
  const rejected: [string, TidalError][] = [];
  const appliedBatches: Batch[] = [];
  const adopted: [number, string][] = [];
  let applied = 0;
  const host: FollowerHost & { epoch: number } = {
    shard: 0,
    epoch: 1,
    appliedSeqNo: () => applied,
    codec,
    hlc,
    timers: clock,
    clock,
    applyBatch: (b) => {
      appliedBatches.push(b);
      applied = b.header.firstSeqNo + b.header.eventCount - 1;
    },
    adoptEpoch: (epoch, leader) => {
      adopted.push([epoch, leader]);
      host.epoch = epoch;
    },
    sendAck: (to, status) => acks.push([to, status]),
    reject: (from, err) => rejected.push([from, err]),
    ...overrides,
  };
  const db = new FollowerDb(host);
  return { db, host, clock, hlc, acks, rejected, appliedBatches, adopted, applied: () => applied };
}

test('follower: in-order batches are applied and counted; a batch overlapping what is applied adds only its new events', () => {
  const f = follower();
  f.db.onBatch('us-east', batch(1, 2));
  f.clock.advance(1);
  f.db.onBatch('us-east', batch(2, 5)); // SeqNo 2 again: only 3..5 are new
  assert.equal(f.applied(), 5);
  assert.deepEqual(
    f.appliedBatches.map((b) => [b.header.firstSeqNo, b.events.length]),
    [
      [1, 2],
      [2, 4],
    ],
  );
  assert.deepEqual(
    { batches: f.db.stats.batchesApplied, events: f.db.stats.eventsApplied },
    { batches: 2, events: 5 },
  );
  assert.deepEqual(f.rejected, []);
});

test('follower: the acknowledgement of a batch goes out at once; later ones of the same instant share one trailing ack', () => {
  const f = follower();
  f.db.onBatch('us-east', batch(1, 1));
  assert.deepEqual(f.acks, [['us-east', AckStatus.Ok]], 'the first batch of an instant: at once');
  f.db.onBatch('us-east', batch(2, 2));
  f.db.onBatch('us-east', batch(3, 3));
  f.db.onBatch('us-east', batch(3, 3)); // a duplicate is acknowledged too
  assert.equal(f.acks.length, 1, 'the rest wait for the end of the instant');
  f.clock.advance(0);
  assert.deepEqual(f.acks, [
    ['us-east', AckStatus.Ok],
    ['us-east', AckStatus.Ok],
  ]);
  f.clock.advance(5);
  f.db.onBatch('us-east', batch(4, 4));
  assert.equal(f.acks.length, 3, 'a new instant: at once again');
  assert.equal(f.applied(), 4);
});

test('follower: stop cancels a pending trailing acknowledgement', () => {
  const f = follower();
  f.db.onBatch('us-east', batch(1, 1));
  f.db.onBatch('us-east', batch(2, 2));
  f.db.stop();
  f.clock.advance(10);
  assert.equal(f.acks.length, 1);
});

test('follower: a gap is refused with the applied SeqNo and a Gap ack; nothing is applied', () => {
  const f = follower();
  f.db.onBatch('us-east', batch(1, 2));
  f.db.onBatch('us-east', batch(4, 5));
  assert.equal(f.applied(), 2);
  const [from, err] = f.rejected[0]!;
  assert.equal(from, 'us-east');
  assert.ok(err instanceof OutOfOrderBatchError);
  assert.deepEqual([err.appliedSeqNo, err.firstSeqNo], [2, 4]);
  assert.deepEqual(f.acks.at(-1), ['us-east', AckStatus.Gap]);
  assert.equal(f.db.stats.gaps, 1);
});

test('follower: a batch for another shard is refused with WrongShard and changes nothing', () => {
  const f = follower();
  f.db.onBatch('us-east', batch(1, 1, { shard: 1 }));
  assert.equal(f.applied(), 0);
  assert.deepEqual(f.acks, [['us-east', AckStatus.WrongShard]]);
  const err = f.rejected[0]![1];
  assert.ok(err instanceof WrongShardError);
  assert.deepEqual([err.expected, err.actual], [0, 1]);
  assert.equal(f.db.stats.corrupt, 1);
});

test('follower: local and merge records are never shipped: such a batch is refused as corrupt', () => {
  const f = follower();
  f.db.onBatch('us-east', batch(1, 1, { flags: FLAG_LOCAL }));
  f.db.onBatch('us-east', codec.encodeMerge(0, 1, 'us-east', 0, new Uint8Array(0)));
  assert.equal(f.applied(), 0);
  assert.deepEqual(f.acks, [
    ['us-east', AckStatus.Corrupt],
    ['us-east', AckStatus.Corrupt],
  ]);
  for (const [, err] of f.rejected) {
    assert.ok(err instanceof CorruptBatchError);
    assert.equal(err.reason, 'local or merge records are not shipped');
  }
  assert.equal(f.db.stats.corrupt, 2);
});

test('follower: an event carrying an id no client could have written makes the whole batch corrupt', () => {
  const long = 'x'.repeat(257);
  const cases: [Partial<SignalEvent>, RegExp][] = [
    [{ entity: long }, /^event SeqNo 2 carries an invalid entity .*257 UTF-8 bytes/],
    [{ tenant: long }, /^event SeqNo 2 carries an invalid tenant .*257 UTF-8 bytes/],
    [{ idempotencyKey: long }, /^event SeqNo 2 carries an invalid idempotency key .*257 UTF-8 bytes/],
  ];
  for (const [bad, reason] of cases) {
    const f = follower();
    const events = [event(1), event(2, bad)];
    f.db.onBatch('us-east', codec.encode(0, 1, 'us-east', 0, 1, events));
    assert.equal(f.applied(), 0, JSON.stringify(bad).slice(0, 40));
    assert.deepEqual(f.acks, [['us-east', AckStatus.Corrupt]]);
    const err = f.rejected[0]![1];
    assert.ok(err instanceof CorruptBatchError);
    assert.match(err.reason, reason);
  }
  // Tenant and idempotency key may be absent ('').
  const f = follower();
  f.db.onBatch('us-east', batch(1, 1, { event: { tenant: '', idempotencyKey: '' } }));
  f.db.onBatch('us-east', batch(2, 2, { event: { tenant: 'acme', idempotencyKey: 'order-1' } }));
  assert.equal(f.applied(), 2);
});

test('follower: a batch of an older epoch is fenced; a newer epoch is adopted before applying', () => {
  const f = follower();
  f.host.epoch = 2;
  f.db.onBatch('us-east', batch(1, 1, { epoch: 1 }));
  assert.equal(f.applied(), 0);
  assert.deepEqual(f.acks, [['us-east', AckStatus.StaleEpoch]]);
  const err = f.rejected[0]![1];
  assert.ok(err instanceof StaleEpochError);
  assert.deepEqual([err.messageEpoch, err.currentEpoch], [1, 2]);
  assert.equal(f.db.stats.staleEpoch, 1);

  f.db.onBatch('us-east', batch(1, 1, { epoch: 2 }));
  assert.deepEqual(f.adopted, [], 'the same epoch: nothing to adopt');
  f.db.onBatch('ap-south', batch(2, 2, { epoch: 3 }));
  assert.deepEqual(f.adopted, [[3, 'ap-south']]);
  assert.equal(f.applied(), 2);
});

test('follower: the first heartbeat of a new epoch is adopted and acknowledged', () => {
  const f = follower();
  f.db.onBatch('ap-south', codec.encode(0, 2, 'ap-south', 0, 1, []));
  assert.deepEqual(f.adopted, [[2, 'ap-south']]);
  assert.deepEqual(f.acks, [['ap-south', AckStatus.Ok]]);
});

test('follower: its HLC takes in the newest stamp of every batch it applies, and no stamp from a heartbeat', () => {
  const f = follower();
  const before = f.hlc.peek();
  f.db.onBatch('us-east', codec.encode(0, 1, 'us-east', 0, 1, []));
  assert.deepEqual(f.hlc.peek(), before, 'a heartbeat carries no write');
  const ahead: Hlc = { wallMs: START_MS + 600, logical: 4, node: 'us-east' }; // within maxDriftMs
  f.db.onBatch('us-east', batch(1, 1, { event: { hlc: ahead } }));
  assert.equal(f.applied(), 1);
  assert.deepEqual(f.hlc.now(), { wallMs: START_MS + 600, logical: 6, node: 'eu-west' });
});

test('follower: a batch stamped beyond maxDriftMs is neither applied nor acknowledged; the resend applies once the clock agrees', () => {
  const f = follower();
  const ahead: Hlc = { wallMs: START_MS + 5_000, logical: 0, node: 'us-east' };
  const bytes = batch(1, 1, { event: { hlc: ahead } });
  f.db.onBatch('us-east', bytes);
  assert.equal(f.applied(), 0);
  assert.deepEqual(f.acks, []);
  const err = f.rejected[0]![1];
  assert.ok(err instanceof ClockSkewError);
  assert.equal(err.remoteWallMs, START_MS + 5_000);
  assert.equal(f.db.stats.skewRejected, 1);
  f.clock.advance(4_000);
  f.db.onBatch('us-east', bytes);
  assert.equal(f.applied(), 1);
});

test('follower: our own bugs are not bad input: an error other than the expected one propagates', () => {
  const bug = new InvariantViolation('a bug of our own');
  const decoding = follower({
    codec: Object.assign(Object.create(codec) as BatchCodec, {
      open: () => {
        throw bug;
      },
    }),
  });
  assert.throws(() => decoding.db.onBatch('us-east', batch(1, 1)), bug);
  assert.equal(decoding.db.stats.corrupt, 0);
  const stamping = follower();
  stamping.hlc.receive = () => {
    throw bug;
  };
  assert.throws(() => stamping.db.onBatch('us-east', batch(1, 1)), bug);
  assert.equal(stamping.db.stats.skewRejected, 0);
});
