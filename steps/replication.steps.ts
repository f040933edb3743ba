/** Steps about what each region holds: writes, lag, scores, and the leader's order. */
import { Given, Then } from '@cucumber/cucumber';
import { expect } from 'expect';
import { logOrderViolations, scoreDisagreements } from '../src/cluster';
import { disagreeing, readEverywhere, replicaRows } from './support/readings';
import type { TidalWorld } from './support/world';

/** How long "{region} catches up within …" waits between looks (virtual time). */
const CATCH_UP_STEP_MS = 10;

// Past tense: what clients wrote before the example's action (its context; the plain forms are in
// writes.steps.ts).

Given(
  'a client wrote a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string) {
    this.acks.push(await this.cluster.writeSignal(signal, entity, weight));
  },
);

Given(
  'a client wrote {int} {signal} across {int} entities, which every region holds',
  async function (this: TidalWorld, n: number, signal: string, entities: number) {
    for (let i = 0; i < n; i++)
      this.acks.push(await this.cluster.writeSignal(signal, `entity-${i % entities}`, 1));
    await this.cluster.awaitFullConvergence(5_000);
  },
);

// What regions hold, and how far they lag.

/** How many writes `region` misses, summed over its shards. */
async function lagOf(world: TidalWorld, region: string): Promise<number> {
  let lag = 0;
  for (let s = 0; s < world.cluster.shardCount; s++) lag += await world.cluster.lagOf(region, s);
  return lag;
}

Then('{region} holds {int} writes', async function (this: TidalWorld, region: string, n: number) {
  expect(await this.cluster.appliedSeqNo(region)).toBe(n);
});

Then('every region holds {int} writes', async function (this: TidalWorld, n: number) {
  const held: Record<string, number> = {};
  for (const r of this.cluster.regions) held[r] = await this.cluster.appliedSeqNo(r);
  expect(held).toEqual(Object.fromEntries(this.cluster.regions.map((r) => [r, n])));
});

Then('{region} lags by {int} writes', async function (this: TidalWorld, region: string, n: number) {
  expect(await lagOf(this, region)).toBe(n);
});

Then('{region} catches up within {duration}', async function (this: TidalWorld, region: string, ms: number) {
  const deadline = this.cluster.now() + ms;
  while ((await lagOf(this, region)) > 0 && this.cluster.now() < deadline)
    await this.cluster.advance(CATCH_UP_STEP_MS);
  expect(await lagOf(this, region)).toBe(0);
  expect(await this.cluster.appliedSeqNo(region)).toBeGreaterThan(0);
});

Then('every follower lags by {int} writes', function (this: TidalWorld, n: number) {
  const lags = this.sim
    .allNodes()
    .filter((x) => x.role === 'follower')
    .map((x) => [x.name, this.sim.controlPlane.lag.lagFor(x.regionId, x.shardId)]);
  expect(Object.fromEntries(lags)).toEqual(Object.fromEntries(lags.map(([name]) => [name, n])));
});

// Every replica that is up has applied as far as its shard's leader (as the cluster reports it);
// where the simulator can read the logs, each follower's log is its leader's, SeqNo by SeqNo.
// A deployment's followers apply strictly in SeqNo order, and convergence compares their states.
Then("every region holds each shard's writes in its leader's order", async function (this: TidalWorld) {
  const rows = await replicaRows(this);
  const short = rows.flatMap((r) => {
    const leader = rows.find((l) => l.shard === r.shard && l.role === 'leader');
    return r.up && leader && r.appliedSeqNo !== leader.appliedSeqNo
      ? [`${r.region}/${r.shard} applied ${r.appliedSeqNo}, its leader ${leader.appliedSeqNo}`]
      : [];
  });
  expect(short).toEqual([]);
  await this.inSimulator((sim) => expect(logOrderViolations(sim)).toEqual([]));
});

// Scores (the glossary's "article-1 scores 1.5 clicks in eu-west" is in decay.steps.ts).

Then(
  '{region} scores {entity} {string} at {float} within {float}',
  async function (
    this: TidalWorld,
    region: string,
    entity: string,
    signal: string,
    score: number,
    tolerance: number,
  ) {
    const got = await this.cluster.readDecayScore(region, entity, signal);
    expect(got).toBeDefined();
    expect(Math.abs(got! - score)).toBeLessThanOrEqual(tolerance);
  },
);

Then(
  '{region} has no score for {entity} {string}',
  async function (this: TidalWorld, region: string, entity: string, signal: string) {
    expect(await this.cluster.readDecayScore(region, entity, signal)).toBeUndefined();
  },
);

Then('{entity} scores the same in every region', async function (this: TidalWorld, entity: string) {
  const written = new Set(
    this.cluster.history.writes.filter((w) => w.entity === entity).map((w) => w.signal),
  );
  expect([...written]).not.toEqual([]);
  for (const signal of written) {
    const readings = await readEverywhere(this, entity, signal);
    expect(readings.scores[this.cluster.regions[0]!]).toBeDefined();
    expect(disagreeing(readings)).toEqual([]);
  }
  await this.inSimulator((sim) =>
    expect(scoreDisagreements(sim).filter((d) => d.entity === entity)).toEqual([]),
  );
});

Then('every entity scores the same in every region', async function (this: TidalWorld) {
  const keys = new Map<string, { tenant: string; entity: string; signal: string }>();
  for (const w of this.cluster.history.writes) keys.set(`${w.tenant}\u0000${w.entity}\u0000${w.signal}`, w);
  const disagreements: string[] = [];
  for (const { tenant, entity, signal } of keys.values())
    for (const d of disagreeing(await readEverywhere(this, entity, signal, tenant)))
      disagreements.push(`${tenant ? `${tenant}/` : ''}${entity} ${signal}: ${d}`);
  expect(disagreements).toEqual([]);
  await this.inSimulator((sim) => expect(scoreDisagreements(sim)).toEqual([]));
});
