/**
 * Shipper and follower on their own, over a link the test controls message by message:
 * gaps are answered and resent, duplicates ignored, corrupt batches survived, stale epochs fenced.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { ControlPlane } from '../control-plane';
import { InProcessTransportFactory } from '../transport';
import { TidalDb } from '../tidal-db';
import { isBatch } from './messages';
import { HoldLink } from '../testing/hold-link';

const schema = { signals: { click: { halfLifeMs: 3_600_000 } } };

function pair(shipper = { maxBatchEvents: 2, rtoMs: 100 }) {
  const clock = new ManualClock(1_000);
  const link = new HoldLink();
  const factory = new InProcessTransportFactory(link);
  const cp = new ControlPlane({ regions: ['us-east', 'eu-west'], shardCount: 1 }, () => 'us-east');
  const open = (region: string) =>
    TidalDb.builder()
      .ephemeral()
      .withSchema(schema)
      .withCluster({ regionId: region, shardId: 0, role: region === 'us-east' ? 'leader' : 'follower' })
      .withTransport(factory.connect(region, 0))
      .withControlPlane(cp)
      .withClock(clock)
      .withOptions({ shipper })
      .open();
  const leader = open('us-east');
  const follower = open('eu-west');
  /** Delivers everything held (and what it triggers) until quiet. */
  const settle = () => {
    for (let i = 0; i < 100 && link.held.length; i++) {
      for (const h of link.take(() => true)) h.deliver(h.bytes);
      clock.advance(0);
    }
  };
  return { clock, link, leader, follower, settle };
}

test('replication: a gap is answered with the applied SeqNo and the shipper resends from there', () => {
  const { clock, link, leader, follower, settle } = pair();
  settle();
  for (let i = 0; i < 6; i++) leader.signal('click', `a-${i}`, 1);
  clock.advance(0); // group commit + ship: three batches of two
  const batches = link.take((h) => isBatch(h.bytes) && h.to.region === 'eu-west');
  assert.equal(batches.length, 3);
  batches[1]!.deliver(batches[1]!.bytes); // SeqNo 3..4 first: a gap
  assert.equal(follower.appliedSeqNo(), 0);
  assert.equal(follower.follower.stats.gaps, 1);
  settle();
  assert.equal(follower.appliedSeqNo(), 6);
  assert.equal(follower.digest(), leader.digest());
});

test('replication: duplicate batches are ignored; nothing is applied twice', () => {
  const { clock, link, leader, follower, settle } = pair();
  settle();
  for (let i = 0; i < 4; i++) leader.signal('click', 'a', 1);
  clock.advance(0);
  const batches = link.take((h) => isBatch(h.bytes) && h.to.region === 'eu-west');
  for (const b of [...batches, ...batches, ...batches]) b.deliver(b.bytes);
  settle();
  assert.equal(follower.appliedSeqNo(), 4);
  assert.equal(follower.follower.stats.duplicates, 4);
  assert.equal(follower.store.state('', 'a', 0)!.writeCount, 4);
  assert.equal(
    follower.readDecayScore('a', 'click', clock.nowMs()),
    leader.readDecayScore('a', 'click', clock.nowMs()),
  );
});

test('replication: a lost batch is resent after the retransmission timeout', () => {
  const { clock, link, leader, follower, settle } = pair();
  settle();
  for (let i = 0; i < 2; i++) leader.signal('click', 'a', 1);
  clock.advance(0);
  assert.equal(link.take((h) => isBatch(h.bytes)).length, 1); // lost
  clock.advance(100);
  settle();
  assert.equal(follower.appliedSeqNo(), 2);
  assert.ok(leader.shipper!.stats.retransmits >= 1);
});

test('replication: a corrupt batch is refused, the follower keeps its state, and the resend applies', () => {
  const { clock, link, leader, follower, settle } = pair();
  settle();
  leader.signal('click', 'a', 1);
  clock.advance(0);
  const [b] = link.take((h) => isBatch(h.bytes));
  const bad = b!.bytes.slice();
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x10;
  b!.deliver(bad);
  assert.equal(follower.follower.stats.corrupt, 1);
  assert.equal(follower.appliedSeqNo(), 0);
  settle();
  assert.equal(follower.appliedSeqNo(), 1);
});

test('replication: a batch from an older epoch is fenced', () => {
  const { clock, link, leader, follower, settle } = pair();
  settle();
  leader.signal('click', 'a', 1);
  clock.advance(0);
  const [b] = link.take((h) => isBatch(h.bytes));
  follower.epoch = 2; // the follower has heard of a newer leader
  b!.deliver(b!.bytes);
  assert.equal(follower.follower.stats.staleEpoch, 1);
  assert.equal(follower.appliedSeqNo(), 0);
});
