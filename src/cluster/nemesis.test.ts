// Unit tests of the nemesis: every fault verb and its undo lands on the timeline in virtual
// time, flapping cuts and heals on schedule, unskewing really puts a (drifting) clock back on
// time, healAll undoes everything, and the same seed replays the same faults and deliveries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessTransportFactory } from '../engine';
import { NodeClock } from './clock';
import { Nemesis } from './nemesis';
import { SimulatedNetwork } from './network';
import { SeededRng } from './rng';
import { Scheduler } from './scheduler';

const REGIONS = ['us-east', 'eu-west', 'ap-south'];

function world(seed = 42) {
  const scheduler = new Scheduler();
  const rng = new SeededRng(seed);
  const network = new SimulatedNetwork(scheduler, rng.fork('network'));
  const factory = new InProcessTransportFactory(network);
  const clocks = new Map(REGIONS.map((r) => [r, [new NodeClock(scheduler), new NodeClock(scheduler)]]));
  const nemesis = new Nemesis(scheduler, network, (r) => clocks.get(r)!, rng.fork('nemesis'));
  return { scheduler, network, factory, clocks, nemesis };
}

test('nemesis: a partition and its heal land on the timeline at their virtual instants', () => {
  const { scheduler, network, nemesis } = world();
  scheduler.runUntil(100);
  const cut = nemesis.partition('us-east', 'eu-west');
  const oneWay = nemesis.oneWayPartition('eu-west', 'ap-south');
  assert.ok(network.isCut('us-east', 'eu-west') && network.isCut('eu-west', 'us-east'));
  assert.ok(network.isCut('eu-west', 'ap-south') && !network.isCut('ap-south', 'eu-west'));
  scheduler.runUntil(250);
  cut.heal();
  assert.equal(network.isCut('us-east', 'eu-west'), false);
  assert.deepEqual(nemesis.timeline, [
    {
      kind: 'partition',
      between: ['us-east', 'eu-west'],
      label: 'us-east ⇹ eu-west partitioned',
      fromMs: 100,
      toMs: 250,
    },
    {
      kind: 'one-way-partition',
      from: 'eu-west',
      to: 'ap-south',
      label: 'eu-west → ap-south cut',
      fromMs: 100,
      toMs: null,
    },
  ]);
  assert.ok(nemesis.anyLive());
  oneWay.heal();
  assert.equal(nemesis.anyLive(), false);
});

test('nemesis: a link flaps the given number of times on schedule, then stays up', () => {
  const { scheduler, network, nemesis } = world();
  const flap = nemesis.flap('us-east', 'eu-west', { times: 10, cutMs: 200, healMs: 100 });
  const samples: boolean[] = [];
  for (let t = 50; t < 3_500; t += 50) {
    scheduler.runUntil(t);
    samples.push(network.isCut('us-east', 'eu-west'));
  }
  const cuts = nemesis.timeline.filter((s) => s.kind === 'partition');
  assert.equal(cuts.length, 10);
  cuts.forEach((s, i) => assert.deepEqual([s.fromMs, s.toMs], [i * 300, i * 300 + 200]));
  assert.ok(flap.done);
  assert.equal(network.isCut('us-east', 'eu-west'), false);
  const flapping = nemesis.timeline.find((s) => s.kind === 'flapping')!;
  assert.deepEqual([flapping.fromMs, flapping.toMs], [0, 2_900]);
  // Sampled every 50 ms from 50 ms: 3 samples in the first 200 ms cut, 4 in each of the nine others.
  assert.equal(samples.filter(Boolean).length, 3 + 9 * 4);
});

test('nemesis: stopping a flapping link heals it at once', () => {
  const { scheduler, network, nemesis } = world();
  const flap = nemesis.flap('us-east', 'eu-west', { times: 10 });
  scheduler.runUntil(50);
  assert.ok(network.isCut('us-east', 'eu-west'));
  flap.stop();
  assert.ok(flap.done);
  assert.equal(network.isCut('us-east', 'eu-west'), false);
  scheduler.runUntil(5_000);
  assert.equal(nemesis.timeline.filter((s) => s.kind === 'partition').length, 1);
  assert.equal(nemesis.anyLive(), false);
});

test('nemesis: determinism: the same seed replays the same jittered flapping', () => {
  const timeline = (seed: number) => {
    const { scheduler, nemesis } = world(seed);
    nemesis.flap('us-east', 'eu-west', { times: 6, cutMs: 100, healMs: 100, jitterMs: 80 });
    scheduler.runUntil(10_000);
    return nemesis.timeline;
  };
  assert.deepEqual(timeline(42), timeline(42));
  assert.notDeepEqual(timeline(42), timeline(7));
});

test('nemesis: skew and unskew move every clock of a region, drift included', () => {
  const { scheduler, clocks, nemesis } = world();
  nemesis.skew('eu-west', 500);
  scheduler.runUntil(1_000);
  for (const c of clocks.get('eu-west')!) assert.equal(c.nowMs(), 1_500);
  for (const c of clocks.get('us-east')!) assert.equal(c.nowMs(), 1_000);
  nemesis.skew('eu-west', -200, 100); // 200 ms behind, losing another 100 ms per second
  scheduler.runUntil(3_000);
  for (const c of clocks.get('eu-west')!) assert.equal(c.offsetMs, -200 + 200);
  nemesis.unskew('eu-west');
  for (const c of clocks.get('eu-west')!) assert.equal(c.offsetMs, 0, 'back on true time');
  scheduler.runUntil(4_000);
  for (const c of clocks.get('eu-west')!) assert.equal(c.nowMs(), 4_000, 'and no longer drifting');
  const spans = nemesis.timeline.filter((s) => s.kind === 'clock-skew');
  assert.deepEqual(
    spans.map((s) => [s.label, s.fromMs, s.toMs]),
    [
      ['eu-west clock +500 ms', 0, 1_000],
      ['eu-west clock -200 ms, drift 100 ms/s', 1_000, 3_000],
    ],
  );
});

test('nemesis: network faults are set and cleared per link, each on the timeline', () => {
  const { scheduler, network, nemesis } = world();
  nemesis.setNetworkFaults({ dropRate: 0.2, duplicateRate: 0.1, reorder: true });
  nemesis.setNetworkFaults({ corruptRate: 0.1 }, { from: 'us-east', to: 'eu-west' });
  assert.deepEqual(network.faultsFor({ from: 'us-east', to: 'eu-west' }), {
    dropRate: 0.2,
    duplicateRate: 0.1,
    reorder: true,
    corruptRate: 0.1,
  });
  scheduler.runUntil(300);
  nemesis.clearNetworkFaults({ from: 'us-east', to: 'eu-west' });
  assert.deepEqual(
    nemesis.timeline.map((s) => [s.label, s.toMs]),
    [
      ['all links: dropRate=0.2 duplicateRate=0.1 reorder=true', null],
      ['us-east → eu-west: corruptRate=0.1', 300],
    ],
  );
  nemesis.clearNetworkFaults();
  assert.equal(network.hasFaults(), false);
  assert.equal(nemesis.anyLive(), false);
});

test('nemesis: healAll ends every partition, flap, network fault and skew', () => {
  const { scheduler, network, clocks, nemesis } = world();
  nemesis.partition('us-east', 'eu-west');
  nemesis.oneWayPartition('ap-south', 'us-east');
  nemesis.flap('eu-west', 'ap-south');
  nemesis.setNetworkFaults({ dropRate: 0.5 });
  nemesis.skew('ap-south', 700, 10);
  scheduler.runUntil(1_000);
  nemesis.healAll(REGIONS);
  assert.equal(network.partitions.live().length, 0);
  assert.equal(network.hasFaults(), false);
  for (const c of clocks.get('ap-south')!) assert.equal(c.offsetMs, 0);
  assert.equal(nemesis.anyLive(), false);
  assert.ok(nemesis.timeline.every((s) => s.toMs !== null));
});

test('nemesis: determinism: the same seed and faults deliver the same messages through the transport', () => {
  const trace = (seed: number): string[] => {
    const { scheduler, factory, nemesis } = world(seed);
    const out: string[] = [];
    const ends = REGIONS.map((r) => factory.connect(r, 0));
    ends.forEach((t) =>
      t.onMessage((from, bytes) => out.push(`${scheduler.nowMs()} ${from}>${t.region} ${bytes[0]}`)),
    );
    nemesis.setNetworkFaults({ dropRate: 0.2, duplicateRate: 0.1, reorder: true, jitterMs: 5 });
    nemesis.flap('us-east', 'eu-west', { times: 3, cutMs: 30, healMs: 20, jitterMs: 10 });
    for (let i = 0; i < 300; i++)
      scheduler.at(i, () => ends[i % 3]!.send(REGIONS[(i + 1) % 3]!, new Uint8Array([i & 0xff])));
    scheduler.runUntil(10_000);
    return out;
  };
  const a = trace(42);
  assert.ok(a.length > 200);
  assert.deepEqual(a, trace(42));
  assert.notDeepEqual(a, trace(43));
});
