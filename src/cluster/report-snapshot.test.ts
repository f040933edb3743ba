/**
 * What the cluster hands the report, taken from a real simulated run: the lag samples cover the
 * whole scenario (each follower's line runs to the snapshot and, after the final heal, ends at 0),
 * never a leader; the writes carry who accepted them and when their ack policy held; failovers and
 * convergences are there for the timeline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimulatedCluster } from './cluster';
import type { ClusterConfig } from './config';
import type { ClusterSnapshot, LagSample } from './report-data';

const schema = { signals: { click: { halfLifeMs: 3_600_000 } } };
const THREE = ['us-east', 'eu-west', 'ap-south'];

function build(over: Partial<ClusterConfig> = {}): Promise<SimulatedCluster> {
  return SimulatedCluster.build({ regions: THREE, shardsPerRegion: 2, schema, seed: 42, ...over });
}

/** Each series' (replica and stint) last sample. */
function lastOfEachSeries(lag: readonly LagSample[]): Map<string, LagSample> {
  const last = new Map<string, LagSample>();
  for (const s of lag) last.set(`${s.replica} #${s.stint}`, s);
  return last;
}

/** The partitions feature's "gap grows" example: 60 writes over 600 ms while eu-west is cut, then 1 s. */
async function cutThenWait(): Promise<{ c: SimulatedCluster; atStepsEnd: ClusterSnapshot }> {
  const c = await build();
  c.injectPartition('us-east', 'eu-west');
  for (let i = 0; i < 60; i++) {
    c.writeSignal('click', `article-${i % 8}`, 1);
    await c.advance(10);
  }
  await c.advance(1_000);
  return { c, atStepsEnd: c.snapshot() };
}

test('lag samples: a follower cut off and idle still has a line to the end of the scenario, above 0', async () => {
  const { atStepsEnd } = await cutThenWait();
  const last = lastOfEachSeries(atStepsEnd.lag);
  assert.equal(atStepsEnd.nowMs, 1_600);
  for (const s of last.values()) assert.equal(s.timeMs, 1_600, `${s.replica} stops at ${s.timeMs} ms`);
  const euWest = [...last.values()].filter((s) => s.region === 'eu-west');
  assert.equal(euWest.length, 2);
  for (const s of euWest) assert.ok(s.lagEvents > 0, `${s.replica} is cut off: it cannot have caught up`);
});

test('lag samples: after the final heal every follower line ends at 0, at the convergence and at the end', async () => {
  const { c, atStepsEnd } = await cutThenWait();
  const { violations } = await c.healAndCheck();
  assert.deepEqual(violations, []);
  const atEnd = c.snapshot();
  const converged = atEnd.convergences.at(-1)!;
  assert.ok(converged.atMs > atStepsEnd.nowMs, 'the final convergence comes after the steps');
  assert.equal(converged.atMs - converged.tookMs, atStepsEnd.nowMs);
  const last = lastOfEachSeries(atEnd.lag);
  assert.equal(last.size, 4, 'two followers (eu-west, ap-south) of each of two shards');
  for (const s of last.values()) assert.deepEqual([s.replica, s.lagEvents], [s.replica, 0]);
  const zeroAt = atEnd.lag.filter((s) => s.region === 'eu-west' && s.lagEvents === 0 && s.timeMs > 1_600);
  assert.ok(
    zeroAt.some((s) => s.timeMs === converged.atMs),
    'eu-west reaches 0 at the instant of convergence',
  );
});

test('lag samples: never a leader: no sample of us-east while it leads every shard', async () => {
  const { c } = await cutThenWait();
  await c.healAndCheck();
  assert.deepEqual(
    c.snapshot().lag.filter((s) => s.region === 'us-east'),
    [],
  );
});

test("lag samples: a failover ends the new leader's line and starts the deposed leader's", async () => {
  const c = await build({ shardsPerRegion: 1 });
  for (let i = 0; i < 5; i++) c.writeSignal('click', 'a', 1);
  await c.advance(200);
  await c.failover(0, 'eu-west');
  await c.advance(200);
  const lag = c.snapshot().lag;
  const euWest = lag.filter((s) => s.replica === 'eu-west/0');
  const usEast = lag.filter((s) => s.replica === 'us-east/0');
  const failoverAt = c.failovers[0]!.atMs;
  assert.ok(
    euWest.every((s) => s.timeMs <= failoverAt + 50),
    'eu-west/0 is sampled only while it followed',
  );
  assert.ok(
    usEast.length > 0 && usEast.every((s) => s.timeMs >= failoverAt),
    'us-east/0 is sampled once deposed',
  );
  assert.equal(usEast.at(-1)!.timeMs, c.now(), 'its line runs to the snapshot');
});

test('snapshot: regions in order, writes with who accepted them and when the ack policy held', async () => {
  const c = await build({ ackPolicy: 'quorum', shardsPerRegion: 1 });
  c.writeSignal('click', 'a', 1, { via: 'eu-west' });
  await c.advance(500);
  const s = c.snapshot();
  assert.deepEqual(s.regionNames, THREE);
  assert.equal(s.writes.length, 1);
  const [w] = s.writes;
  assert.deepEqual([w!.region, w!.via, w!.committed], ['us-east', 'eu-west', true]);
  assert.ok(w!.committedAtMs !== null && w!.committedAtMs > w!.atMs, `quorum commit at ${w!.committedAtMs}`);
});

test('snapshot: a seed gives the same snapshot twice (determinism)', async () => {
  const one = await cutThenWait();
  const two = await cutThenWait();
  assert.equal(JSON.stringify(one.atStepsEnd), JSON.stringify(two.atStepsEnd));
});

test('snapshot: a write whose ack a one-way cut kept from the client is marked so', async () => {
  const c = await build({ shardsPerRegion: 1 });
  c.injectOneWayPartition('us-east', 'eu-west');
  assert.throws(
    () => c.writeSignal('click', 'a', 1, { via: 'eu-west' }),
    /acknowledgement cannot reach eu-west/,
  );
  const [w] = c.snapshot().writes;
  assert.deepEqual([w!.region, w!.via, w!.ackReachedClient], ['us-east', 'eu-west', false]);
});

test('lag samples: a write made between two runs of the clock is sampled at the next tick, though no task ran since', async () => {
  // The sampler skips ticks while nothing ran (Scheduler.activity): a step's write is not a task,
  // but the run after it counts, so the long idle wait before it does not hide it.
  const c = await build();
  c.injectPartition('us-east', 'eu-west');
  const idleMs = 3_600_000; // an hour is enough idle time to show it (a week cost 3.8 s of ticks)
  await c.advance(idleMs); // idle: every tick but the first finds nothing changed
  c.writeSignal('click', 'article-1', 1);
  await c.advance(100);
  const lag = c.snapshot().lag;
  assert.deepEqual(
    lag.filter((s) => s.timeMs > 0 && s.timeMs < idleMs),
    [],
    'nothing changed while idle',
  );
  const nextTickMs = idleMs + 50;
  assert.ok(
    lag.some((s) => s.region === 'eu-west' && s.timeMs === nextTickMs && s.lagEvents === 1),
    `no eu-west sample of lag 1 at ${nextTickMs} ms: ${JSON.stringify(lag.filter((s) => s.timeMs > 0))}`,
  );
});
