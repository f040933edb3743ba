/**
 * Steps of routing: tenants kept apart (placed on their own shards, reading and writing in their
 * own namespace, refused on another tenant's shard), entities spread over shards, kept on them
 * when the cluster is rebuilt alike, and moved to the new shard when it grows by one.
 */
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { expect } from 'expect';
import { shardLoads, type ClientSession } from '../src/cluster';
import { CrossTenantAccessError, loadSpread } from '../src/engine';
import { shardHolding } from './support/readings';
import type { TidalWorld } from './support/world';

// A tenant's score changes by less than this in the seconds a scenario runs (a click's half-life is 1 hour).
const SCORE_TOLERANCE = 0.001;

// --- tenants: placement, writes, reads ------------------------------------------------------

Given('these tenants are placed:', function (this: TidalWorld, table: DataTable) {
  if (this.hasCluster) throw new Error('place tenants before "Given a cluster of …"');
  for (const row of table.hashes()) {
    const shards = row.shards!.split(',').map((s) => Number(s.trim()));
    this.config.tenants = { ...this.config.tenants, [row.tenant!]: { homeRegion: row.home!, shards } };
  }
});

When(
  'tenant {word} writes a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, tenant: string, signal: string, weight: number, entity: string) {
    this.acks.push(await this.cluster.tenant(tenant).writeSignal(signal, entity, weight));
  },
);

Given(
  'tenant {word} wrote a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, tenant: string, signal: string, weight: number, entity: string) {
    this.acks.push(await this.cluster.tenant(tenant).writeSignal(signal, entity, weight));
  },
);

Given(
  'tenant {word} wrote a {signal} of weight {weight} to {entity} through {region}',
  async function (
    this: TidalWorld,
    tenant: string,
    signal: string,
    weight: number,
    entity: string,
    via: string,
  ) {
    this.acks.push(await this.cluster.tenant(tenant).writeSignal(signal, entity, weight, { via }));
  },
);

async function writeAcross(
  world: TidalWorld,
  tenant: string,
  n: number,
  signal: string,
  entities: number,
): Promise<void> {
  const view = world.cluster.tenant(tenant);
  for (let i = 0; i < n; i++) world.acks.push(await view.writeSignal(signal, `entity-${i % entities}`, 1));
}

Given(
  'tenant {word} wrote {int} {signal} across {int} entities',
  async function (this: TidalWorld, tenant: string, n: number, signal: string, entities: number) {
    await writeAcross(this, tenant, n, signal, entities);
  },
);

When(
  'tenant {word} writes {int} {signal} across {int} entities',
  async function (this: TidalWorld, tenant: string, n: number, signal: string, entities: number) {
    await writeAcross(this, tenant, n, signal, entities);
  },
);

Then(
  'in every region, {entity} scores these {signal}:',
  async function (this: TidalWorld, entity: string, signal: string, table: DataTable) {
    for (const row of table.raw().slice(1)) {
      const [tenant, want] = row as [string, string];
      const view = this.cluster.tenant(tenant);
      for (const region of this.cluster.regions) {
        const score = await view.readDecayScore(region, entity, signal);
        const where = { tenant, region };
        if (want === 'none') expect({ ...where, score }).toEqual({ ...where, score: undefined });
        else {
          expect({ ...where, scored: score !== undefined }).toEqual({ ...where, scored: true });
          expect({ ...where, off: Math.abs(score! - Number(want)) <= SCORE_TOLERANCE }).toEqual({
            ...where,
            off: true,
          });
        }
      }
    }
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

// --- a tenant reaching into another tenant's shard ------------------------------------------

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

// Misrouted past the cluster's own routing (a stale routing table, a gateway's bug): the
// simulator delivers the write to a replica the cluster would never send it to.
When(
  'a {signal} of tenant {word} to {entity} reaches the replica of shard {int} in {region}',
  async function (
    this: TidalWorld,
    signal: string,
    tenant: string,
    entity: string,
    shard: number,
    region: string,
  ) {
    await this.attempt(() => this.sim.node(region, shard).db.signal(signal, entity, 1, { tenant }));
  },
);

Then(
  "the {word} is refused as tenant {word} reaching into tenant {word}'s data",
  function (this: TidalWorld, _request: string, tenant: string, owner: string) {
    const err = this.caught();
    expect(err).toBeInstanceOf(CrossTenantAccessError);
    expect(err).toMatchObject({ tenant, owner });
  },
);

// --- a tenant's session ---------------------------------------------------------------------

function tenantSession(world: TidalWorld, tenant: string): ClientSession {
  const s = world.clients.get(`tenant ${tenant}`);
  if (!s) throw new Error(`tenant ${tenant} has no session: add "Given a session of tenant ${tenant} in …"`);
  return s;
}

Given(
  'a session of tenant {word} in {region} that redirects stale reads to the leader',
  function (this: TidalWorld, tenant: string, region: string) {
    this.clients.set(`tenant ${tenant}`, this.cluster.tenant(tenant).session(region, { policy: 'redirect' }));
  },
);

Given(
  'the session of tenant {word} wrote a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, tenant: string, signal: string, weight: number, entity: string) {
    this.acks.push(await tenantSession(this, tenant).write(signal, entity, weight));
  },
);

When(
  'the session of tenant {word} reads {entity} {string}',
  async function (this: TidalWorld, tenant: string, entity: string, signal: string) {
    this.lastRead = await tenantSession(this, tenant).read(entity, signal);
  },
);

Then(
  'the read returns {float} {signal}, served by {region}',
  function (this: TidalWorld, score: number, _signal: string, region: string) {
    const read = this.lastRead;
    expect(read?.servedBy).toBe(region);
    expect(Math.abs(read!.score! - score)).toBeLessThanOrEqual(SCORE_TOLERANCE);
  },
);

// --- a tenant's shard failing over ----------------------------------------------------------

When(
  "the shard holding tenant {word}'s {entity} fails over to {region}",
  async function (this: TidalWorld, tenant: string, entity: string, region: string) {
    this.failovers.push(await this.cluster.failover(shardHolding(this, entity, tenant), region));
  },
);

Then(
  "{region} leads the shard holding tenant {word}'s {entity}",
  async function (this: TidalWorld, region: string, tenant: string, entity: string) {
    expect(await this.cluster.leaderOf(shardHolding(this, entity, tenant))).toBe(region);
  },
);

// --- shards: spread, stability, growth ------------------------------------------------------

Then(
  'every shard holds within {int}% of the mean number of entities',
  async function (this: TidalWorld, percent: number) {
    // Distinct entities per shard, by the shard the cluster acknowledged each write on; where the
    // simulator can look, each shard's leader holds exactly those.
    const entities = Array.from({ length: this.cluster.shardCount }, () => new Set<string>());
    for (const w of this.cluster.history.writes) entities[w.shard]!.add(`${w.tenant}\u0000${w.entity}`);
    const loads = entities.map((s) => s.size);
    await this.inSimulator((sim) => expect(shardLoads(sim)).toEqual(loads));
    const spread = loadSpread(loads);
    this.figures.shardLoadMin = spread.min;
    this.figures.shardLoadMax = spread.max;
    this.figures.shardLoadMean = spread.mean;
    this.figures.shardLoadMaxDeviationPct = Number((spread.maxDeviation * 100).toFixed(2));
    expect(spread.maxDeviation * 100).toBeLessThanOrEqual(percent);
  },
);

/** Rebuilds the cluster with the same regions and leader, remembering where each written entity was. */
async function rebuild(world: TidalWorld, shardsPerRegion: number): Promise<void> {
  const old = world.cluster;
  expect(old.history.writes.length).toBeGreaterThan(0);
  // The old cluster is shut down only once it kept every promise (the After hook checks the new one).
  expect((await old.healAndCheck()).violations).toEqual([]);
  for (const w of old.history.writes) world.noted.shards.set(`${w.tenant}\u0000${w.entity}`, w.shard);
  await world.buildCluster({
    regions: [...old.regions],
    shardsPerRegion,
    leader: [await old.leaderOf(0), 0],
  });
}

/** Where the cluster's router places `tenant`'s `entity` (the simulator's control plane). */
function placedOn(world: TidalWorld, tenant: string, entity: string): number {
  return world.sim.controlPlane.tenantRouter.shardFor(tenant, entity);
}

/** Each entity written before the rebuild: where it was, and where the cluster places it now. */
function placements(world: TidalWorld): { entity: string; before: number; now: number }[] {
  return [...world.noted.shards].map(([key, before]) => {
    const [tenant, entity] = key.split('\u0000') as [string, string];
    return { entity, before, now: placedOn(world, tenant, entity) };
  });
}

When('the cluster is rebuilt with the same regions and shards', async function (this: TidalWorld) {
  await rebuild(this, this.cluster.shardCount);
});

When('the cluster is rebuilt with {int} shards each', async function (this: TidalWorld, shards: number) {
  await rebuild(this, shards);
});

Then('every entity written before the rebuild is placed on the shard it was on', function (this: TidalWorld) {
  const moved = placements(this).filter((p) => p.before !== p.now);
  expect(moved).toEqual([]);
});

Then(
  'between {int}% and {int}% of the entities written before the rebuild are placed on another shard',
  function (this: TidalWorld, low: number, high: number) {
    const all = placements(this);
    const pct = (100 * all.filter((p) => p.before !== p.now).length) / all.length;
    this.figures.movedPct = Number(pct.toFixed(2));
    expect(pct).toBeGreaterThanOrEqual(low);
    expect(pct).toBeLessThanOrEqual(high);
  },
);

Then('every entity that moved is placed on the new shard {int}', function (this: TidalWorld, shard: number) {
  const moved = placements(this).filter((p) => p.before !== p.now);
  expect(moved.length).toBeGreaterThan(0);
  expect(moved.filter((p) => p.now !== shard)).toEqual([]);
});
