// Unit tests for the scenario timeline: lanes, faults per lane, failovers, convergence, bins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFault, type ClusterSnapshot, type Fault, type WriteMark } from '../cluster/report-data';
import { sampleSnapshotAfterCheck } from './testing/sample-snapshot';
import { MAX_SINGLE_WRITES, ROWS, TARGET_BINS, binWidthMs, timelineData, timelineSvg } from './timeline';

function withFaults(snapshot: ClusterSnapshot, ...faults: [Fault, number, number | null][]): ClusterSnapshot {
  return {
    ...snapshot,
    faults: [
      ...snapshot.faults,
      ...faults.map(([f, fromMs, toMs]) => ({ ...f, label: describeFault(f), fromMs, toMs })),
    ],
  };
}

test('timeline: a lane per region, in the cluster order', () => {
  const data = timelineData(sampleSnapshotAfterCheck());
  assert.deepEqual(data.lanes, ['us-east', 'eu-west', 'ap-south']);
  assert.equal(data.endMs, 3300);
});

test("timeline: a cut shades both regions' lanes until its heal; a crash and a skew their own", () => {
  const data = timelineData(sampleSnapshotAfterCheck());
  const band = (kind: string): [string, number, number][] =>
    data.bands.filter((b) => b.kind === kind).map((b) => [b.lane, b.fromMs, b.toMs]);
  assert.deepEqual(band('partition'), [
    ['us-east', 500, 1500],
    ['eu-west', 500, 1500],
  ]);
  assert.deepEqual(band('crash'), [['ap-south', 2000, 3000]]);
  assert.deepEqual(band('clock-skew'), [['eu-west', 1000, 2500]]);
});

test('timeline: a one-way cut, a link fault and network faults on every link reach the right lanes', () => {
  const data = timelineData(
    withFaults(
      sampleSnapshotAfterCheck(),
      [{ kind: 'one-way-partition', from: 'ap-south', to: 'us-east' }, 100, 200],
      [{ kind: 'network-faults', link: undefined, faults: { dropRate: 0.1 } }, 300, 400],
    ),
  );
  assert.deepEqual(
    data.bands.filter((b) => b.kind === 'one-way-partition').map((b) => b.lane),
    ['ap-south', 'us-east'],
  );
  assert.deepEqual(
    data.bands.filter((b) => b.kind === 'network-faults').map((b) => b.lane),
    ['us-east', 'eu-west', 'ap-south'],
  );
});

test("timeline: a failover is a triangle up in the new leader's lane and down in the deposed one's", () => {
  const data = timelineData(
    withFaults(sampleSnapshotAfterCheck(), [
      { kind: 'failover', shard: 0, from: 'us-east', to: 'eu-west', epoch: 2 },
      1200,
      1200,
    ]),
  );
  assert.deepEqual(
    data.failovers.map((f) => [f.lane, f.atMs, f.shape]),
    [
      ['eu-west', 1200, 'triangle-up'],
      ['us-east', 1200, 'triangle-down'],
    ],
  );
  assert.match(data.failovers[0]!.label, /failover: shard 0: us-east → eu-west \(epoch 2\)/);
  assert.equal(data.bands.filter((b) => b.kind === 'failover').length, 0, 'no band for an instant');
});

test("timeline: writes in the accepting region's lane, acks in the lane of the region the client wrote from", () => {
  const data = timelineData(sampleSnapshotAfterCheck());
  assert.equal(data.binMs, 0);
  const writes = data.events.filter((e) => e.row === ROWS[0]);
  const acks = data.events.filter((e) => e.row === ROWS[1]);
  assert.equal(writes.length, 30);
  assert.deepEqual([...new Set(writes.map((e) => e.lane))], ['us-east']);
  assert.deepEqual([...new Set(acks.map((e) => e.lane))].sort(), ['eu-west', 'us-east']);
});

test('timeline: the SVG names every lane, the cut, the failover, the end of the steps and the convergence', async () => {
  const svg = await timelineSvg(
    withFaults(sampleSnapshotAfterCheck(), [
      { kind: 'failover', shard: 0, from: 'us-east', to: 'eu-west', epoch: 2 },
      1200,
      1200,
    ]),
    { stepsEndMs: 3000 },
  );
  assert.ok(svg.startsWith('<svg'));
  for (const text of [
    'us-east',
    'eu-west',
    'ap-south',
    'us-east ⇹ eu-west partitioned',
    'ap-south/1 crashed',
    'failover: shard 0: us-east → eu-west (epoch 2)',
    'steps end: heal all',
    'converged after 300 ms',
    'writes accepted',
    'acks given',
  ])
    assert.ok(svg.includes(text), `timeline lacks "${text}"`);
  assert.ok(svg.includes('triangle') || /mark-symbol/.test(svg), 'failover marks drawn');
});

test('timeline: 2,000 writes are counted in about TARGET_BINS bins; every write is counted once', () => {
  const writes: WriteMark[] = Array.from({ length: 2000 }, (_, i) => ({
    atMs: i * 1.5,
    region: 'us-east',
    via: i % 4 === 0 ? 'eu-west' : 'us-east',
    shard: i % 2,
    committedAtMs: i * 1.5 + 7,
    ackReachedClient: true,
    committed: true,
  }));
  const data = timelineData({ ...sampleSnapshotAfterCheck(), writes });
  assert.ok(writes.length > MAX_SINGLE_WRITES);
  assert.equal(data.binMs, binWidthMs(3300));
  const accepted = data.events.filter((e) => e.row === ROWS[0]);
  assert.ok(accepted.length <= TARGET_BINS + 1, `${accepted.length} bins of writes`);
  assert.equal(
    accepted.reduce((n, e) => n + e.count, 0),
    2000,
  );
  assert.equal(
    data.events.filter((e) => e.row === ROWS[1]).reduce((n, e) => n + e.count, 0),
    2000,
  );
});

test('timeline: bin widths are round numbers giving about TARGET_BINS bins', () => {
  assert.deepEqual([binWidthMs(80), binWidthMs(3300), binWidthMs(60_000), binWidthMs(1)], [1, 50, 1000, 1]);
});

test('timeline: same snapshot, byte-identical SVG; a <script> name stays text', async () => {
  const evil = withFaults(sampleSnapshotAfterCheck(), [
    { kind: 'crash', replica: '<script>/0', region: '<script>' },
    10,
    20,
  ]);
  const [a, b] = [await timelineSvg(evil), await timelineSvg(evil)];
  assert.equal(a, b);
  assert.ok(!/<script/i.test(a));
  assert.ok(a.includes('&lt;script&gt;'));
});

test('timeline: no ack is drawn for a write whose ack never reached its client', () => {
  const snapshot = sampleSnapshotAfterCheck();
  const writes = snapshot.writes.map((w) => ({ ...w, ackReachedClient: w.via === 'us-east' }));
  const acks = timelineData({ ...snapshot, writes }).events.filter((e) => e.row === ROWS[1]);
  assert.deepEqual([...new Set(acks.map((e) => e.lane))], ['us-east']);
});
