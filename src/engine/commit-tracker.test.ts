import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CommitTracker, majorityOf, type CommitTrackerContext } from './commit-tracker';
import { WriteNotCommittedError } from './errors';
import type { Hlc } from './hlc';
import type { AckPolicy, WriteAck } from './write-ack';

const HLC: Hlc = { wallMs: 1, logical: 0, node: 'us-east' };

/** A tracker for shard 3 that records what it reports; `refusal` is what `whyNotCommittable` says. */
function tracker(ackPolicy: AckPolicy, refusal: { reason?: string; epochs: number[] } = { epochs: [] }) {
  const committed: number[] = [];
  const ctx: CommitTrackerContext = {
    shard: 3,
    ackPolicy,
    whyNotCommittable: (epoch) => {
      refusal.epochs.push(epoch);
      return refusal.reason;
    },
    committed: (seqNo) => committed.push(seqNo),
  };
  return { t: new CommitTracker(ctx), committed, refusal };
}

/** Writes one event the way the write path does: assign, then count. */
function write(t: CommitTracker, epoch = 1): WriteAck {
  const seq = t.assign();
  t.appended();
  return t.ack(seq, epoch, HLC, 7, 'us-east', false, false);
}

/** 'settled', 'pending' or the rejection's message, after the microtasks queued so far run. */
async function state(p: Promise<void>): Promise<string> {
  let out = 'pending';
  p.then(
    () => (out = 'settled'),
    (e: Error) => (out = e.message),
  );
  await new Promise((r) => setImmediate(r));
  return out;
}

test('commit tracker: a majority of n replicas is ⌊n/2⌋ + 1', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(majorityOf), [1, 2, 2, 3, 3, 4]);
});

test("commit tracker: 'leader' commits each write as soon as it is logged", async () => {
  const { t, committed } = tracker('leader');
  t.lead(5, ['eu-west', 'ap-south']);
  assert.equal(t.committedSeqNo, 5, 'a new leader counts its whole log committed');
  assert.equal(t.lastAssigned, 5);
  const ack = write(t, 2);
  assert.equal(ack.seqNo, 6);
  assert.equal(t.committedSeqNo, 6);
  assert.deepEqual(
    { shard: ack.shard, epoch: ack.epoch, policy: ack.policy, origin: ack.origin, retry: ack.retry },
    { shard: 3, epoch: 2, policy: 'leader', origin: 'us-east', retry: false },
  );
  assert.equal(await state(ack.committed), 'settled');
  t.followerApplied('eu-west', 9);
  t.followerApplied('ap-south', 9);
  assert.equal(
    t.committedSeqNo,
    6,
    "under 'leader' the count is the leader's log, whatever followers report",
  );
  assert.deepEqual(committed, [], "'leader' reports no quorum commits");
  // A retry's answer for a SeqNo above the count (one from before a failover) still waits to commit.
  const retry = t.ack(9, 1, HLC, 7, 'us-east', false, true);
  assert.equal(await state(retry.committed), 'pending');
});

test("commit tracker: 'quorum' commits what a majority applied and says so once", async () => {
  const { t, committed } = tracker('quorum');
  t.lead(0, ['eu-west', 'ap-south']);
  assert.equal(t.committedSeqNo, 0);
  const first = write(t);
  const second = write(t);
  assert.equal(t.committedSeqNo, 0, 'the leader alone is no majority of three');
  assert.equal(await state(first.committed), 'pending');
  assert.equal(await state(second.committed), 'pending');
  assert.equal(t.waiting, 2);
  t.followerApplied('eu-west', 1);
  assert.equal(t.committedSeqNo, 1);
  assert.deepEqual(committed, [1]);
  assert.equal(await state(first.committed), 'settled');
  assert.equal(await state(second.committed), 'pending', 'only the waiters up to the count settle');
  assert.equal(t.waiting, 1, 'a settled waiter is let go');
  t.followerApplied('ap-south', 1);
  assert.deepEqual(committed, [1], 'no news is not reported again');
  t.followerApplied('ap-south', 2);
  assert.deepEqual(committed, [1, 2]);
  assert.equal(await state(second.committed), 'settled');
  assert.equal(t.waiting, 0);
  assert.equal(await state(t.ack(2, 1, HLC, 7, 'us-east', false, true).committed), 'settled');
});

test('commit tracker: before it first leads, a tracker counts no followers', () => {
  const { t } = tracker('quorum');
  assert.deepEqual([...t.followers], []);
  write(t);
  assert.equal(t.committedSeqNo, 1);
});

test("commit tracker: 'quorum' on a lone replica commits each write at once", () => {
  const { t, committed } = tracker('quorum');
  t.lead(4, []);
  write(t);
  assert.equal(t.committedSeqNo, 5);
  assert.deepEqual(committed, [5]);
});

test('commit tracker: the count takes the majority-th highest SeqNo, whatever order followers report in', () => {
  const { t } = tracker('quorum');
  t.lead(0, ['a', 'b', 'c']);
  for (let i = 0; i < 5; i++) write(t);
  t.followerApplied('a', 1);
  t.followerApplied('b', 4);
  // Four replicas at 5, 1, 4 and (c, not heard from) 0: three of them hold SeqNo 1.
  assert.equal(t.committedSeqNo, 1);
  t.followerApplied('c', 4);
  assert.equal(t.committedSeqNo, 4);
});

test('commit tracker: the majority rule is a seam; a wrong one miscounts (what the bug switch does)', () => {
  const { t } = tracker('quorum');
  t.majority = (replicas) => Math.ceil(replicas / 2);
  t.lead(0, ['a', 'b', 'c']);
  write(t);
  t.followerApplied('a', 1);
  assert.equal(t.committedSeqNo, 1, 'two of four counted as a majority');
});

test('commit tracker: a follower at SeqNo 0 counts as holding nothing', () => {
  const { t } = tracker('quorum');
  t.lead(0, ['a']);
  write(t);
  t.followerApplied('a', 0);
  assert.equal(t.committedSeqNo, 0);
  t.followerApplied('a', 1);
  assert.equal(t.committedSeqNo, 1);
});

test('commit tracker: leading again starts the count afresh', () => {
  const { t } = tracker('quorum');
  t.lead(0, ['a', 'b']);
  write(t);
  t.followerApplied('a', 1);
  assert.equal(t.committedSeqNo, 1);
  t.lead(7, ['b', 'c']);
  assert.deepEqual([t.committedSeqNo, t.lastAssigned, [...t.followers]], [0, 7, ['b', 'c']]);
  write(t);
  t.followerApplied('a', 8); // no longer a follower of this epoch
  assert.equal(t.committedSeqNo, 0);
  t.followerApplied('c', 8);
  assert.equal(t.committedSeqNo, 8);
});

test('commit tracker: a write that can no longer commit is refused with the reason, at once or later', async () => {
  const refusal: { reason?: string; epochs: number[] } = { epochs: [] };
  const { t } = tracker('quorum', refusal);
  t.lead(0, ['a', 'b']);
  const waiting = write(t, 4);
  assert.equal(await state(waiting.committed), 'pending');
  assert.deepEqual(refusal.epochs, [4], "asked about the write's own epoch");
  t.refuseWaiting('it was deposed by b at epoch 5');
  const message = await state(waiting.committed);
  assert.match(message, /shard 3 SeqNo 1 was not committed: it was deposed by b at epoch 5/);
  await waiting.committed.catch((e: unknown) => assert.ok(e instanceof WriteNotCommittedError));
  assert.equal(t.waiting, 0, 'a refused waiter is let go');
  t.followerApplied('a', 1);
  assert.equal(t.committedSeqNo, 1, 'counting goes on');
  const next = write(t, 4);
  assert.equal(await state(next.committed), 'pending');
  t.refuseWaiting('the replica stopped'); // closing a deposed replica refuses again: only what waits since
  assert.match(await state(next.committed), /SeqNo 2 was not committed: the replica stopped/);

  refusal.reason = 'its leader stopped before a majority applied it';
  const late = write(t, 4);
  assert.match(await state(late.committed), /SeqNo 3 was not committed: its leader stopped/);
  refusal.reason = undefined;
  assert.equal(await state(t.ack(1, 4, HLC, 7, 'us-east', false, true).committed), 'settled');
});

test('commit tracker: a local write is settled at once, under either policy', async () => {
  for (const policy of ['leader', 'quorum'] as const) {
    const { t, refusal } = tracker(policy, { reason: 'deposed', epochs: [] });
    t.lead(0, ['a', 'b']);
    const ack = t.ack(0, 1, HLC, 7, 'eu-west', true, false);
    assert.equal(ack.local, true);
    assert.equal(await state(ack.committed), 'settled');
    assert.deepEqual(refusal.epochs, []);
  }
});

/** Whether the ack carries `committed` as a plain property (settled at once) rather than an accessor. */
function settledAtOnce(ack: WriteAck): boolean {
  return 'value' in Object.getOwnPropertyDescriptor(ack, 'committed')!;
}

test('commit tracker: an ack already committed carries its promise as a plain property', () => {
  // write-ack.ts: an accessor costs about 1 µs per write, so an ack whose policy already holds has none.
  const leader = tracker('leader').t;
  leader.lead(0, ['a', 'b']);
  assert.ok(settledAtOnce(write(leader)));
  assert.ok(
    !settledAtOnce(leader.ack(5, 1, HLC, 7, 'us-east', false, true)),
    'a retry above the count waits',
  );
  const quorum = tracker('quorum').t;
  quorum.lead(0, ['a', 'b']);
  assert.ok(!settledAtOnce(write(quorum)));
  quorum.followerApplied('a', 1);
  assert.ok(!settledAtOnce(quorum.ack(1, 1, HLC, 7, 'us-east', false, true)), "'quorum' always asks");
  assert.ok(settledAtOnce(quorum.ack(0, 1, HLC, 7, 'eu-west', true, false)), 'a local write is settled');
});

test('commit tracker: the commit count is the majority-th highest applied SeqNo (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 20 }),
      fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 6 }),
      (head, applied) => {
        const { t, committed } = tracker('quorum');
        const followers = applied.map((_, i) => `f${i}`);
        t.lead(0, followers);
        for (let i = 0; i < head; i++) write(t);
        applied.forEach((seq, i) => t.followerApplied(followers[i]!, Math.min(seq, head)));
        const all = [head, ...applied.map((s) => Math.min(s, head))];
        const holding = (s: number) => all.filter((x) => x >= s).length;
        let expected = 0;
        for (let s = 1; s <= head; s++) if (holding(s) >= majorityOf(all.length)) expected = s;
        assert.equal(t.committedSeqNo, expected);
        assert.ok(
          committed.every((s, i) => i === 0 || s > committed[i - 1]!),
          'reports only rise',
        );
      },
    ),
  );
});
