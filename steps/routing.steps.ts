/** Steps of routing: tenants kept apart, entities spread over shards and kept on them. */
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { expect } from 'expect';
import { countsInEveryRegion, shardLoads } from '../src/cluster';
import { CrossTenantAccessError, loadSpread } from '../src/engine';
import type { TidalWorld } from './support/world';

Given(
  'tenant {word} is placed in {region} on shards {int} and {int}',
  function (this: TidalWorld, tenant: string, home: string, a: number, b: number) {
    if (this.hasCluster) throw new Error('place tenants before "Given a cluster of …"');
    this.config.tenants = { ...this.config.tenants, [tenant]: { homeRegion: home, shards: [a, b] } };
  },
);

When(
  'tenant {word} writes a {signal} of weight {weight} to {entity}',
  function (this: TidalWorld, tenant: string, signal: string, weight: number, entity: string) {
    this.acks.push(this.cluster.tenant(tenant).writeSignal(signal, entity, weight));
  },
);

Then(
  'tenant {word} reads {entity} {string} as {float} within {float} in every region',
  function (
    this: TidalWorld,
    tenant: string,
    entity: string,
    signal: string,
    score: number,
    tolerance: number,
  ) {
    for (const c of countsInEveryRegion(this.sim, entity, signal, tenant)) {
      const read = this.cluster.tenant(tenant).readDecayScore(c.region, entity, signal);
      expect({ region: c.region, defined: read !== undefined }).toEqual({ region: c.region, defined: true });
      expect(Math.abs(read! - score)).toBeLessThanOrEqual(tolerance);
    }
  },
);

Then(
  'tenant {word} has no score for {entity} {string} in any region',
  function (this: TidalWorld, tenant: string, entity: string, signal: string) {
    const view = this.cluster.tenant(tenant);
    expect(this.cluster.regions.map((r) => view.readDecayScore(r, entity, signal))).toEqual(
      this.cluster.regions.map(() => undefined),
    );
  },
);

When(
  'tenant {word} tries to read {entity} {string} on shard {int} in {region}',
  async function (
    this: TidalWorld,
    tenant: string,
    entity: string,
    signal: string,
    shard: number,
    region: string,
  ) {
    await this.attempt(() => this.cluster.tenant(tenant).readFromShard(region, shard, entity, signal));
  },
);

Then(
  "the read is refused as tenant {word} reaching into tenant {word}'s data",
  function (this: TidalWorld, tenant: string, owner: string) {
    const err = this.caught();
    expect(err).toBeInstanceOf(CrossTenantAccessError);
    expect(err).toMatchObject({ tenant, owner });
  },
);

Then(
  'every write of tenant {word} landed on shards {int} and {int}',
  function (this: TidalWorld, tenant: string, a: number, b: number) {
    const shards = this.cluster.history.writes.filter((w) => w.tenant === tenant).map((w) => w.shard);
    expect(shards.length).toBeGreaterThan(0);
    expect(shards.filter((s) => s !== a && s !== b)).toEqual([]);
  },
);

Then('the shards hold these numbers of entities:', function (this: TidalWorld, table: DataTable) {
  const want = table.hashes().map((row) => ({ shard: Number(row.shard), entities: Number(row.entities) }));
  const got = shardLoads(this.sim).map((entities, shard) => ({ shard, entities }));
  expect(got).toEqual(want);
});

Then(
  'every shard holds within {int}% of the mean number of entities',
  function (this: TidalWorld, percent: number) {
    const spread = loadSpread(shardLoads(this.sim));
    this.figures.shardLoadMin = spread.min;
    this.figures.shardLoadMax = spread.max;
    this.figures.shardLoadMean = spread.mean;
    this.figures.shardLoadMaxDeviationPct = Number((spread.maxDeviation * 100).toFixed(2));
    expect(spread.maxDeviation * 100).toBeLessThanOrEqual(percent);
  },
);

When('the shard of every written entity is noted', function (this: TidalWorld) {
  for (const w of this.cluster.history.writes) this.noted.shards.set(`${w.tenant}/${w.entity}`, w.shard);
});

When('the cluster is rebuilt with the same topology', async function (this: TidalWorld) {
  const old = this.cluster;
  expect(old.checkInvariants()).toEqual([]);
  await this.buildCluster({
    regions: [...old.regions],
    shardsPerRegion: old.shardCount,
    leader: [old.leaderOf(0), 0],
  });
});

Then('every written entity lands on its noted shard', function (this: TidalWorld) {
  const writes = this.cluster.history.writes;
  expect(writes.length).toBeGreaterThan(0);
  const moved = writes
    .filter((w) => this.noted.shards.get(`${w.tenant}/${w.entity}`) !== w.shard)
    .map((w) => `${w.entity}: shard ${this.noted.shards.get(`${w.tenant}/${w.entity}`)} → ${w.shard}`);
  expect(moved).toEqual([]);
});
