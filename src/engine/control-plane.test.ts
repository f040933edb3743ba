/**
 * The control plane as a node mirrors it from an outside consensus service (tidal-node's etcd):
 * a shard record adopted moves leader, epoch and epoch starts forward, never back; and a
 * follower that lost its connection tells its leader where it is (`announce`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from './clock';
import { ControlPlane } from './control-plane';
import { TidalDb } from './tidal-db';
import { InProcessTransportFactory } from './transport';

test('control plane: adopting a record moves leader, epoch and epoch starts forward only', () => {
  const cp = new ControlPlane({ regions: ['us-east', 'eu-west'], shardCount: 2 }, () => 'us-east');
  const rec = {
    leader: 'eu-west',
    epoch: 3,
    epochStarts: [
      [1, 1],
      [2, 4],
      [3, 9],
    ] as [number, number][],
    epochLeaders: [
      [2, 'us-east'],
      [3, 'eu-west'],
    ] as [number, string][],
  };
  assert.equal(cp.adopt(0, rec), true);
  assert.deepEqual(
    [cp.leaderOf(0), cp.epochOf(0), cp.epochStart(0, 3), cp.leaderAt(0, 3), cp.leaderAt(0, 2)],
    ['eu-west', 3, 9, 'eu-west', 'us-east'],
  );
  assert.equal(cp.adopt(0, { ...rec, leader: 'us-east', epoch: 2 }), false, 'an older record is ignored');
  assert.equal(cp.leaderOf(0), 'eu-west');
  assert.equal(cp.leaderOf(1), 'us-east', 'other shards are untouched');
  assert.throws(() => cp.adopt(0, { ...rec, leader: 'mars', epoch: 4 }), /not a region/);
  assert.throws(() => cp.adopt(0, { ...rec, epoch: 0 }), /positive integer/);
  assert.throws(() => cp.adopt(0, { ...rec, epoch: 5, epochStarts: [[5, 0]] }), /first SeqNo/);
  assert.equal(cp.epochOf(0), 3, 'a refused record changes nothing');
});

test('announce: a follower tells its leader where it is; a leader has no one to tell', () => {
  const clock = new ManualClock(1_000);
  const factory = new InProcessTransportFactory();
  const cp = new ControlPlane({ regions: ['us-east', 'eu-west'], shardCount: 1 }, () => 'us-east');
  const open = (region: string): TidalDb =>
    TidalDb.builder()
      .withSchema({ signals: { click: { halfLifeMs: 1_000 } } })
      .withCluster({ regionId: region, shardId: 0, role: cp.leaderOf(0) === region ? 'leader' : 'follower' })
      .withTransport(factory.connect(region, 0))
      .withControlPlane(cp)
      .withClock(clock)
      .open();
  const [leader, follower] = [open('us-east'), open('eu-west')];
  leader.signal('click', 'a', 1);
  clock.advance(1);
  for (let i = 0; i < 10; i++) factory.drain();
  assert.equal(follower.appliedSeqNo(), 1);
  const sent = factory.stats.sent;
  leader.announce();
  assert.equal(factory.stats.sent, sent);
  follower.announce();
  assert.equal(factory.stats.sent, sent + 1);
  factory.drain();
  clock.advance(1);
  for (let i = 0; i < 10; i++) factory.drain();
  assert.equal(follower.appliedSeqNo(), 1, 'the leader answered from where the follower is');
  follower.close();
  const before = factory.stats.sent;
  follower.announce();
  assert.equal(factory.stats.sent, before, 'a closed replica says nothing');
});
