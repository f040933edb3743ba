import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { InvalidInputError } from './errors';
import { Session } from './session';

test('session: defaults are the wait policy and a 1 s timeout', () => {
  const s = new Session();
  assert.equal(s.policy, 'wait');
  assert.equal(s.timeoutMs, 1_000);
  assert.equal(s.hwmFor(0), 0);
  assert.ok(s.canReadAt(0, 0, 1));
});

test('session: bad options are refused with what is allowed', () => {
  assert.throws(() => new Session({ policy: 'eventually' as never }), /'wait' or 'redirect'/);
  assert.throws(() => new Session({ timeoutMs: -1 }), InvalidInputError);
  assert.throws(() => new Session({ timeoutMs: Number.NaN }), /non-negative number of ms/);
  assert.throws(() => new Session().observeWrite(-1, 3, 1), InvalidInputError);
  assert.throws(() => new Session().observeRead(0, 1.5, 1), /SeqNo/);
});

test('session: marks are per shard and only rise', () => {
  const s = new Session();
  s.observeWrite(1, 5, 1);
  s.observeRead(1, 3, 1);
  s.observeRead(2, 7, 1);
  assert.deepEqual([s.hwmFor(1), s.hwmFor(2)], [5, 7]);
  assert.ok(!s.canReadAt(1, 4, 1));
  assert.ok(s.canReadAt(1, 5, 1));
  assert.ok(s.canReadAt(0, 0, 1));
  s.observeWrite(1, 0, 1); // a local write (SeqNo 0) does not move the mark
  assert.equal(s.hwmFor(1), 5);
});

/**
 * A model of one shard's replicas: the leader assigns SeqNos, each follower applies a prefix
 * of the log and catches up in an arbitrary order. A session reads through `Session` with its
 * policy; the property is that every read it is served sees its own writes and never goes back.
 */
type Op =
  | { kind: 'write'; shard: number }
  | { kind: 'catchUp'; replica: number; shard: number; events: number }
  | { kind: 'read'; replica: number; shard: number; waitSteps: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), shard: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    kind: fc.constant('catchUp' as const),
    replica: fc.integer({ min: 1, max: 3 }),
    shard: fc.integer({ min: 0, max: 2 }),
    events: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({
    kind: fc.constant('read' as const),
    replica: fc.integer({ min: 0, max: 3 }),
    shard: fc.integer({ min: 0, max: 2 }),
    waitSteps: fc.integer({ min: 0, max: 5 }),
  }),
);

test('session: property: read-your-writes and monotonic reads under arbitrary replica lag orders', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('wait' as const, 'redirect' as const),
      fc.array(op, { maxLength: 60 }),
      (policy, ops) => {
        const session = new Session({ policy });
        const leaderSeq = [0, 0, 0];
        // applied[replica][shard]; replica 0 is the leader.
        const applied = [0, 1, 2, 3].map(() => [0, 0, 0]);
        const ownWrite = [0, 0, 0];
        const lastSeen = [0, 0, 0];
        for (const o of ops) {
          if (o.kind === 'write') {
            applied[0]![o.shard] = ++leaderSeq[o.shard]!;
            ownWrite[o.shard] = leaderSeq[o.shard]!;
            session.observeWrite(o.shard, leaderSeq[o.shard]!, 1);
          } else if (o.kind === 'catchUp') {
            const a = applied[o.replica]!;
            a[o.shard] = Math.min(leaderSeq[o.shard]!, a[o.shard]! + o.events);
          } else {
            let replica = o.replica;
            if (!session.canReadAt(o.shard, applied[replica]![o.shard]!, 1)) {
              if (policy === 'redirect') replica = 0;
              else {
                // Waiting: the replica catches up one event per step until the timeout.
                for (
                  let i = 0;
                  i < o.waitSteps && !session.canReadAt(o.shard, applied[replica]![o.shard]!, 1);
                  i++
                )
                  applied[replica]![o.shard] = Math.min(leaderSeq[o.shard]!, applied[replica]![o.shard]! + 1);
                if (!session.canReadAt(o.shard, applied[replica]![o.shard]!, 1)) continue; // stale read
              }
            }
            const seen = applied[replica]![o.shard]!;
            assert.ok(
              seen >= ownWrite[o.shard]!,
              `read-your-writes: saw ${seen} < own write ${ownWrite[o.shard]}`,
            );
            assert.ok(seen >= lastSeen[o.shard]!, `monotonic: saw ${seen} after ${lastSeen[o.shard]}`);
            lastSeen[o.shard] = seen;
            session.observeRead(o.shard, seen, 1);
          }
        }
        // The mark is exactly the highest SeqNo the session wrote or saw on each shard.
        for (let s = 0; s < 3; s++) assert.equal(session.hwmFor(s), Math.max(ownWrite[s]!, lastSeen[s]!));
      },
    ),
    { numRuns: 1000 },
  );
});

test('session: a timeout of 0 ms is allowed (a read that never waits fails at once)', () => {
  assert.equal(new Session({ timeoutMs: 0 }).timeoutMs, 0);
  assert.equal(new Session({ policy: 'redirect' }).policy, 'redirect');
});

test('session: refusals name the option or the SeqNo at fault', () => {
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      assert.ok(err instanceof InvalidInputError);
      return err.message;
    }
    assert.fail('expected an InvalidInputError');
  };
  assert.match(
    message(() => new Session({ policy: 'eventually' as never })),
    /^invalid session policy /,
  );
  assert.match(
    message(() => new Session({ timeoutMs: -5 })),
    /^invalid session timeoutMs -5/,
  );
  assert.match(
    message(() => new Session().observeWrite(0, -1, 1)),
    /^invalid SeqNo -1: a SeqNo is a non-negative integer/,
  );
  assert.match(
    message(() => new Session().observeRead(0, Number.NaN, 1)),
    /^invalid SeqNo/,
  );
});

test('session: a shard the session never saw anything of has no mark', () => {
  const s = new Session();
  s.observeWrite(0, 0, 1); // a local write
  s.observeRead(1, 0, 1); // a read of a replica that had applied nothing
  assert.deepEqual([s.hwmFor(0), s.hwmFor(1)], [0, 0]);
  s.observeRead(1, 2, 1);
  assert.deepEqual([s.hwmFor(0), s.hwmFor(1)], [0, 2]);
});

test('session: after a failover a mark names its epoch: a deposed leader that applied more of a lost branch cannot serve', () => {
  const s = new Session();
  s.observeRead(0, 194, 4); // read a deposed leader's branch at epoch 4
  s.observeWrite(0, 189, 5); // then wrote through the new leader of epoch 5
  assert.deepEqual(s.markFor(0), { epoch: 5, seqNo: 194 });
  assert.ok(!s.canReadAt(0, 194, 4), 'the old epoch, though its SeqNo is as high');
  assert.ok(!s.canReadAt(0, 190, 5), "the new epoch, not yet past the session's SeqNo");
  assert.ok(s.canReadAt(0, 194, 5));
  assert.ok(s.canReadAt(0, 200, 6));
  assert.throws(
    () => s.observeRead(0, 1, 0),
    /^InvalidInputError: invalid epoch 0: an epoch is a positive integer \(the first is 1\)$/,
  );
  // A replica that had applied nothing shows the session nothing: its epoch sets no mark.
  const fresh = new Session();
  fresh.observeRead(1, 0, 3);
  assert.ok(fresh.canReadAt(1, 0, 1));
});
