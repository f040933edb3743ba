/** Steps that build a cluster, move virtual time, and wait for convergence. */
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { expect } from 'expect';
import { ConvergenceTimeoutError, regionNames } from '../src/cluster';
import { clusterConfig, shapeFromRows } from '../src/sim';
import { judgedWithin, timeBound } from './support/time-limits';
import type { TidalWorld } from './support/world';

Given(
  'a cluster of {int} regions with {int} shard(s) each',
  async function (this: TidalWorld, regions: number, shards: number) {
    await this.buildCluster({ regions: regionNames(regions), shardsPerRegion: shards });
  },
);

Given(
  'a cluster of regions {regions} with {int} shard(s) each, led from {region}',
  async function (this: TidalWorld, regions: string[], shards: number, leader: string) {
    await this.buildCluster({ regions, shardsPerRegion: shards, leader: [leader, 0] });
  },
);

Given(
  'a cluster of regions {regions} with {int} shard(s) each, led from {region}, where a region cut off from the leader accepts writes locally',
  async function (this: TidalWorld, regions: string[], shards: number, leader: string) {
    await this.buildCluster({
      regions,
      shardsPerRegion: shards,
      leader: [leader, 0],
      partitionPolicy: 'accept-local',
    });
  },
);

// Context for writes dated in the past: the cluster's time starts at 0.
Given('the cluster started {duration} ago', async function (this: TidalWorld, ms: number) {
  await this.cluster.advance(ms);
});

// What a shrunk simulation prints: the cluster its seed drew, setting by setting.
Given('a cluster drawn by the simulator:', async function (this: TidalWorld, table: DataTable) {
  const { seed: _seed, ...config } = clusterConfig(shapeFromRows(table.rowsHash()), this.seed);
  await this.buildCluster(config);
});

When('{duration} pass(es)', async function (this: TidalWorld, ms: number) {
  await this.cluster.advance(ms);
});

When('the regions agree within {duration}', async function (this: TidalWorld, ms: number) {
  const bound = timeBound(this.mode, ms);
  this.figures.convergenceMs = await judgedWithin(bound, () =>
    this.cluster.awaitFullConvergence(bound.allowedMs),
  );
});

When('the cluster is awaited for convergence for {duration}', async function (this: TidalWorld, ms: number) {
  await this.attempt(() => this.cluster.awaitFullConvergence(ms));
});

Then('waiting fails with a convergence timeout', function (this: TidalWorld) {
  expect(this.caught()).toBeInstanceOf(ConvergenceTimeoutError);
});

Then(
  'the timeout names {word} lagging {int} events',
  function (this: TidalWorld, replica: string, lag: number) {
    const err = this.caught() as ConvergenceTimeoutError;
    expect(err.lagging).toContainEqual(expect.objectContaining({ replica, lagEvents: lag }));
    expect(err.message).toContain(`${replica} lags ${lag} events`);
  },
);

Then('the timeout names the seed', function (this: TidalWorld) {
  expect(this.caught().message).toContain(`seed ${this.seed}`);
  expect(this.caught().message).toContain(`TIDAL_SEED=${this.seed}`);
});

Then('the cluster has {int} replicas', function (this: TidalWorld, n: number) {
  expect(this.sim.allNodes()).toHaveLength(n);
});

Then("every follower is connected to its shard's leader", function (this: TidalWorld) {
  const unconfirmed = this.sim
    .allNodes()
    .flatMap((n) =>
      (n.db.shipper?.view() ?? []).filter((c) => !c.confirmed).map((c) => `${c.region}/${n.shardId}`),
    );
  expect(unconfirmed).toEqual([]);
});

Then('the leader is in {region}', function (this: TidalWorld, region: string) {
  expect(this.sim.leader().regionId).toBe(region);
  expect(this.sim.leader().role).toBe('leader');
  expect(this.sim.allNodes().filter((n) => n.role === 'leader')).toHaveLength(this.cluster.shardCount);
});

Then('{region} has a follower', function (this: TidalWorld, region: string) {
  expect(this.sim.followerIn(region)?.role).toBe('follower');
  expect(this.sim.followerIn(region)?.regionId).toBe(region);
});

Then('{region} has no follower', function (this: TidalWorld, region: string) {
  expect(this.sim.followerIn(region)).toBeUndefined();
});
