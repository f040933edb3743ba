/**
 * A replica's durability and leadership promises, on real `TidalDb`s over a link the test
 * releases message by message: when a write counts as committed under each ack policy, how a
 * deposed leader is fenced and drops what only it had, how a replica that was down through a
 * failover comes back, and durable mode on real files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { SignalEvent } from './batch/codec';
import { ManualClock } from './clock';
import { ControlPlane } from './control-plane';
import { WriteNotCommittedError } from './errors';
import { isBatch } from './replication/messages';
import { TidalDb, type AckPolicy } from './tidal-db';
import type { EngineEvent } from './replica-parts';
import { InProcessTransportFactory } from './transport';
import { MemoryStorage, type WalStorage } from './wal/storage';
import { HoldLink, type Held } from './testing/hold-link';

const schema = { signals: { click: { halfLifeMs: 3_600_000 } } };
const REGIONS = ['us-east', 'eu-west', 'ap-south'];

function cluster(ackPolicy: AckPolicy, regions = REGIONS) {
  const clock = new ManualClock(1_000);
  const link = new HoldLink();
  const factory = new InProcessTransportFactory(link);
  const cp = new ControlPlane({ regions, shardCount: 1 }, () => regions[0]!);
  const disk = new MemoryStorage();
  const events: { region: string; e: EngineEvent }[] = [];
  const open = (region: string, storage: WalStorage = disk): TidalDb =>
    TidalDb.builder()
      .withStorage(storage)
      .withSchema(schema)
      .withCluster({ regionId: region, shardId: 0, role: cp.leaderOf(0) === region ? 'leader' : 'follower' })
      .withTransport(factory.connect(region, 0))
      .withControlPlane(cp)
      .withClock(clock)
      .withOptions({ ackPolicy, shipper: { rtoMs: 1_000, maxRtoMs: 1_000 } })
      .onEvent((e) => events.push({ region, e }))
      .open();
  const dbs = new Map(regions.map((r) => [r, open(r)]));
  const db = (r: string): TidalDb => dbs.get(r)!;
  /** Delivers everything held (and what it triggers), instant by instant, until quiet. */
  const settle = (): void => {
    clock.advance(0);
    for (let i = 0; i < 100 && link.held.length; i++) {
      link.release(() => true);
      clock.advance(0);
    }
  };
  const reopen = (r: string): TidalDb => {
    db(r).close();
    dbs.set(r, open(r));
    return db(r);
  };
  settle();
  return { clock, link, cp, disk, db, settle, reopen, events, factory };
}

/** Watches a promise without awaiting it. */
function watch(p: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } {
  const s: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  p.then(
    () => (s.state = 'resolved'),
    (error: unknown) => Object.assign(s, { state: 'rejected', error }),
  );
  return s;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

const isBatchTo = (region: string) => (h: Held) => isBatch(h.bytes) && h.to.region === region;
const isAckFrom = (region: string) => (h: Held) => !isBatch(h.bytes) && h.from.region === region;

test('tidal-db: quorum: a write commits only once a majority of replicas applied it', async () => {
  const { clock, link, db } = cluster('quorum');
  const ack = db('us-east').signal('click', 'a', 1);
  assert.equal(ack.policy, 'quorum');
  const committed = watch(ack.committed);
  clock.advance(0); // group commit and ship
  await tick();
  assert.equal(committed.state, 'pending', 'only the leader has it');

  link.release(isBatchTo('eu-west'));
  clock.advance(0); // eu-west applies and acknowledges
  await tick();
  assert.equal(db('eu-west').appliedSeqNo(), 1);
  assert.equal(committed.state, 'pending', 'the leader has not heard that eu-west applied it');

  link.release(isAckFrom('eu-west'));
  await tick();
  assert.equal(committed.state, 'resolved', 'leader + eu-west are a majority of 3');
  assert.equal(db('us-east').committedSeqNo, 1);
  assert.equal(db('ap-south').appliedSeqNo(), 0, 'ap-south did not need to apply it');
});

test('tidal-db: quorum: with four replicas a write needs three of them', async () => {
  const { clock, link, db } = cluster('quorum', ['us-east', 'eu-west', 'ap-south', 'sa-east']);
  const committed = watch(db('us-east').signal('click', 'a', 1).committed);
  clock.advance(0);
  link.release(isBatchTo('eu-west'));
  clock.advance(0);
  link.release(isAckFrom('eu-west'));
  await tick();
  assert.equal(committed.state, 'pending');
  link.release(isBatchTo('ap-south'));
  clock.advance(0);
  link.release(isAckFrom('ap-south'));
  await tick();
  assert.equal(committed.state, 'resolved');
});

test('tidal-db: quorum: committed asked late for an older write resolves as soon as that write commits', async () => {
  const { clock, link, db } = cluster('quorum');
  const first = db('us-east').signal('click', 'a', 1);
  clock.advance(0); // SeqNo 1 is shipped on its own
  const second = db('us-east').signal('click', 'a', 1);
  const late = watch(second.committed); // asked first
  const early = watch(first.committed); // asked after: its waiter queues behind SeqNo 2's
  link.release(
    (h) =>
      isBatchTo('eu-west')(h) && new DataView(h.bytes.buffer, h.bytes.byteOffset).getUint32(16, true) === 1,
  );
  clock.advance(0);
  link.release(isAckFrom('eu-west'));
  await tick();
  assert.deepEqual([early.state, late.state], ['resolved', 'pending']);
});

test('tidal-db: quorum: a replica with no followers is its own majority', async () => {
  const { db } = cluster('quorum', ['us-east']);
  const committed = watch(db('us-east').signal('click', 'a', 1).committed);
  await tick();
  assert.equal(committed.state, 'resolved');
});

test('tidal-db: leader: a write is committed as soon as the leader logged it', async () => {
  const { db } = cluster('leader');
  const ack = db('us-east').signal('click', 'a', 1);
  assert.equal(ack.policy, 'leader');
  const committed = watch(ack.committed);
  await tick();
  assert.equal(committed.state, 'resolved');
  assert.equal(db('eu-west').appliedSeqNo(), 0);
});

test('tidal-db: fencing: the batches of a deposed leader are refused; it steps down and drops what only it had', async () => {
  const { clock, link, cp, db, settle, events } = cluster('quorum');
  for (let i = 0; i < 3; i++) db('us-east').signal('click', `a-${i}`, 1);
  settle();
  await tick();
  assert.equal(db('us-east').committedSeqNo, 3);
  // us-east takes two more writes that never leave it.
  const stranded = [db('us-east').signal('click', 'x', 5), db('us-east').signal('click', 'y', 5)];
  const fates = stranded.map((a) => watch(a.committed));
  clock.advance(0);
  link.drop(() => true);

  const epoch = cp.promote(0, 'eu-west', db('eu-west').appliedSeqNo() + 1);
  db('eu-west').promote(epoch);
  db('eu-west').signal('click', 'b', 1); // SeqNo 4 of epoch 2
  clock.advance(0);
  // The old leader's retransmission reaches ap-south, which already follows epoch 2.
  link.release(isBatchTo('ap-south')); // eu-west's heartbeat and batch: ap-south adopts epoch 2
  clock.advance(2_000); // us-east hears nothing back: its retransmission timer fires
  link.release((h) => isBatch(h.bytes) && h.from.region === 'us-east' && h.to.region === 'ap-south');
  const refused = events.filter((x) => x.region === 'ap-south' && x.e.type === 'rejected');
  assert.ok(
    refused.some((x) => x.e.type === 'rejected' && x.e.error.name === 'StaleEpochError'),
    'ap-south refused the epoch-1 batch',
  );
  assert.equal(db('ap-south').appliedSeqNo(), 4);

  settle();
  await tick();
  const old = db('us-east');
  assert.equal(old.role, 'follower');
  assert.equal(old.epoch, 2);
  const stepped = events.find((x) => x.region === 'us-east' && x.e.type === 'epoch');
  assert.ok(stepped && stepped.e.type === 'epoch');
  assert.deepEqual(
    stepped.e.dropped.map((e: SignalEvent) => [e.seqNo, e.entity]),
    [
      [4, 'x'],
      [5, 'y'],
    ],
  );
  for (const f of fates) {
    assert.equal(f.state, 'rejected');
    assert.ok(f.error instanceof WriteNotCommittedError);
  }
  assert.equal(old.appliedSeqNo(), 4);
  assert.equal(old.readDecayScore('x', 'click', clock.nowMs()), undefined);
  assert.equal(old.digest(), db('eu-west').digest());
});

test('tidal-db: restart: a replica that was down through a failover drops the suffix the new epoch never had', () => {
  const { clock, link, cp, db, settle, reopen, events } = cluster('leader');
  for (let i = 0; i < 3; i++) db('us-east').signal('click', `a-${i}`, 1);
  settle();
  db('us-east').signal('click', 'only-us-east', 1);
  clock.advance(0);
  link.drop(() => true);
  db('us-east').close(); // crash: its WAL keeps SeqNo 4

  const epoch = cp.promote(0, 'eu-west', 4);
  db('eu-west').promote(epoch);
  db('eu-west').signal('click', 'b', 1);
  settle();

  const back = reopen('us-east');
  assert.equal(back.recovery.events, 4, 'it recovered everything it had logged');
  assert.equal(back.role, 'follower');
  assert.equal(back.epoch, 2);
  const epochEvent = events.filter((x) => x.region === 'us-east' && x.e.type === 'epoch').at(-1);
  assert.ok(epochEvent && epochEvent.e.type === 'epoch');
  assert.deepEqual(
    epochEvent.e.dropped.map((e) => e.entity),
    ['only-us-east'],
  );
  settle();
  assert.equal(back.appliedSeqNo(), 4);
  assert.equal(back.digest(), db('eu-west').digest());
});

test('tidal-db: restart: a follower recovers from its WAL, then catches up only what it missed', () => {
  const { clock, db, settle, reopen, link } = cluster('leader');
  for (let i = 0; i < 5; i++) db('us-east').signal('click', `a-${i}`, 1);
  settle();
  db('eu-west').close();
  for (let i = 0; i < 4; i++) db('us-east').signal('click', `b-${i}`, 1);
  clock.advance(0);
  link.drop(isBatchTo('eu-west'));
  const back = reopen('eu-west');
  assert.deepEqual(back.recovery, { segments: 1, batches: 1, events: 5, truncatedBytes: 0 });
  assert.equal(back.appliedSeqNo(), 5);
  const before = db('us-east').shipper!.stats.eventsSent;
  settle();
  clock.advance(1_000);
  settle();
  assert.equal(back.appliedSeqNo(), 9);
  assert.equal(back.digest(), db('us-east').digest());
  // Only SeqNo 6..9 travelled again (to eu-west; ap-south had them already).
  assert.equal(db('us-east').shipper!.stats.eventsSent - before, 4);
});

test('tidal-db: durable: segments live under dataDir/<region>/<shard>/ and a reopen recovers them', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-db-test-'));
  try {
    const open = () =>
      TidalDb.builder()
        .durable(root)
        .withSchema(schema)
        .withCluster({ regionId: 'eu-west', shardId: 7, role: 'leader' })
        .withOptions({ wal: { segmentBytes: 256 } })
        .open();
    const db = open();
    for (let i = 0; i < 6; i++) db.signal('click', `a-${i % 2}`, i + 1, { timeMs: 10 });
    const score = db.readDecayScore('a-1', 'click', 10);
    db.close();
    const files = fs.readdirSync(path.join(root, 'eu-west', '7')).sort();
    assert.ok(files.length > 1, `segments rolled: ${files.join(', ')}`);
    for (const f of files) assert.match(f, /^00007-\d{20}\.wal$/);
    assert.equal(files[0], '00007-00000000000000000001.wal');

    const again = open();
    assert.deepEqual(again.recovery, { segments: files.length, batches: 6, events: 6, truncatedBytes: 0 });
    assert.equal(again.readDecayScore('a-1', 'click', 10), score);
    assert.equal(again.signal('click', 'a-1', 1, { timeMs: 10 }).seqNo, 7, 'SeqNos continue after a reopen');
    again.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.equal(fs.existsSync(root), false);
});
