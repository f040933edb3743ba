/** Steps about what each region holds: writes, lag, scores, and the leader's order. */
import { Given, Then } from '@cucumber/cucumber';
import { expect } from 'expect';
import { logOrderViolations, scoreDisagreements } from '../src/cluster';
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

Then("every region holds each shard's writes in its leader's order", function (this: TidalWorld) {
  expect(logOrderViolations(this.sim)).toEqual([]);
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
  for (const signal of written)
    expect(await this.cluster.readDecayScore(this.cluster.regions[0]!, entity, signal)).toBeDefined();
  expect(scoreDisagreements(this.sim).filter((d) => d.entity === entity)).toEqual([]);
});

Then('every entity scores the same in every region', function (this: TidalWorld) {
  expect(scoreDisagreements(this.sim)).toEqual([]);
});
