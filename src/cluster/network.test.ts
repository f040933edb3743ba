// Unit tests of the simulated network's fault model: latency and FIFO links, drop, duplicate,
// reorder and corrupt, faults per link laid over global ones, and determinism: the same seed
// delivers the same messages at the same instants, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedNetwork, type NetworkConfig, type NetworkFaults } from './network';
import { SeededRng } from './rng';
import { Scheduler } from './scheduler';

const A = { region: 'us-east', shard: 0 };
const B = { region: 'eu-west', shard: 0 };

interface Delivery {
  atMs: number;
  id: number;
  bytes: string;
}

/** Sends `count` numbered messages A → B, one every `everyMs`, and returns what arrived. */
function run(
  seed: number,
  faults: NetworkFaults,
  count = 200,
  everyMs = 1,
  config: NetworkConfig = {},
): { deliveries: Delivery[]; net: SimulatedNetwork } {
  const scheduler = new Scheduler();
  const net = new SimulatedNetwork(scheduler, new SeededRng(seed).fork('network'), config);
  net.setFaults(faults);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    scheduler.at(i * everyMs, () =>
      net.carry(A, B, new Uint8Array([i & 0xff, i >> 8, 0xaa, 0x55]), (bytes) =>
        deliveries.push({
          atMs: scheduler.nowMs(),
          id: bytes[0]! | (bytes[1]! << 8),
          bytes: bytes.join(','),
        }),
      ),
    );
  }
  scheduler.runUntil(1_000_000);
  return { deliveries, net };
}

const ALL_FAULTS: NetworkFaults = {
  dropRate: 0.2,
  duplicateRate: 0.1,
  reorder: true,
  delayMs: 3,
  jitterMs: 7,
  corruptRate: 0.05,
};

test('network: determinism: the same seed delivers the same messages at the same instants', () => {
  const a = run(42, ALL_FAULTS);
  const b = run(42, ALL_FAULTS);
  assert.deepEqual(a.deliveries, b.deliveries);
  assert.deepEqual(a.net.stats, b.net.stats);
});

test('network: determinism: another seed delivers a different sequence', () => {
  assert.notDeepEqual(run(42, ALL_FAULTS).deliveries, run(43, ALL_FAULTS).deliveries);
});

test('network: without faults a link is FIFO with the configured latency', () => {
  const { deliveries } = run(1, {}, 50, 1, { latencyMs: 5 });
  assert.deepEqual(
    deliveries.map((d) => [d.id, d.atMs]),
    Array.from({ length: 50 }, (_, i) => [i, i + 5]),
  );
});

test('network: jitter without reordering never lets a later message overtake', () => {
  const { deliveries } = run(7, { jitterMs: 40 }, 300, 1, { jitterMs: 10 });
  assert.equal(deliveries.length, 300);
  assert.deepEqual(
    deliveries.map((d) => d.id),
    Array.from({ length: 300 }, (_, i) => i),
  );
});

test('network: reordering lets messages overtake each other', () => {
  const { deliveries } = run(7, { reorder: true }, 300);
  const ids = deliveries.map((d) => d.id);
  assert.equal(ids.length, 300);
  assert.ok(
    ids.some((id, i) => i > 0 && id < ids[i - 1]!),
    'some message arrived before an earlier one',
  );
});

test('network: drop and duplicate rates are honoured (seeded, within sampling error)', () => {
  const { deliveries, net } = run(3, { dropRate: 0.2, duplicateRate: 0.1 }, 10_000);
  assert.ok(Math.abs(net.stats.lost / 10_000 - 0.2) < 0.02, `lost ${net.stats.lost}`);
  assert.ok(Math.abs(net.stats.duplicated / (10_000 - net.stats.lost) - 0.1) < 0.02);
  assert.equal(deliveries.length, 10_000 - net.stats.lost + net.stats.duplicated);
  assert.equal(run(3, { dropRate: 1 }, 100).deliveries.length, 0);
  assert.equal(run(3, { duplicateRate: 1 }, 100).deliveries.length, 200);
});

test('network: corruption flips exactly one bit of a copy, never the sender’s bytes', () => {
  const scheduler = new Scheduler();
  const net = new SimulatedNetwork(scheduler, new SeededRng(9));
  net.setFaults({ corruptRate: 1 });
  const sent = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  let got: Uint8Array | undefined;
  net.carry(A, B, sent, (b) => (got = b));
  scheduler.runUntil(100);
  assert.deepEqual([...sent], [1, 2, 3, 4, 5, 6, 7, 8]);
  const flipped = [...got!].reduce((n, byte, i) => n + popcount(byte ^ sent[i]!), 0);
  assert.equal(flipped, 1);
  assert.equal(net.stats.corrupted, 1);
});

test('network: faults on one link are laid over the faults on all links, and cleared separately', () => {
  const net = new SimulatedNetwork(new Scheduler(), new SeededRng(1));
  net.setFaults({ dropRate: 0.2, reorder: true });
  net.setFaults({ delayMs: 50, reorder: false }, { from: 'us-east', to: 'eu-west' });
  assert.deepEqual(net.faultsFor({ from: 'us-east', to: 'eu-west' }), {
    dropRate: 0.2,
    reorder: false,
    delayMs: 50,
  });
  assert.deepEqual(net.faultsFor({ from: 'eu-west', to: 'us-east' }), { dropRate: 0.2, reorder: true });
  net.clearFaults({ from: 'us-east', to: 'eu-west' });
  assert.deepEqual(net.faultsFor({ from: 'us-east', to: 'eu-west' }), { dropRate: 0.2, reorder: true });
  assert.ok(net.hasFaults());
  net.clearFaults();
  assert.equal(net.hasFaults(), false);
});

test('network: delay and jitter add to the latency of a faulty link', () => {
  const { deliveries } = run(5, { delayMs: 50, jitterMs: 10 }, 100, 20);
  for (const d of deliveries) {
    const lateness = d.atMs - d.id * 20;
    assert.ok(lateness >= 55 && lateness <= 65, `message ${d.id} took ${lateness} ms`);
  }
});

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}
