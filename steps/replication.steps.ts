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
  function (this: TidalWorld, signal: string, weight: number, entity: string) {
    this.acks.push(this.cluster.writeSignal(signal, entity, weight));
  },
);

Given(
  'a client wrote {int} {signal} across {int} entities, which every region holds',
  async function (this: TidalWorld, n: number, signal: string, entities: number) {
    for (let i = 0; i < n; i++) this.acks.push(this.cluster.writeSignal(signal, `entity-${i % entities}`, 1));
    await this.cluster.awaitFullConvergence(5_000);
  },
);

// What regions hold, and how far they lag.

Then('{region} holds {int} writes', function (this: TidalWorld, region: string, n: number) {
  expect(this.cluster.appliedSeqNo(region)).toBe(n);
});

Then('every region holds {int} writes', function (this: TidalWorld, n: number) {
  expect(Object.fromEntries(this.cluster.regions.map((r) => [r, this.cluster.appliedSeqNo(r)]))).toEqual(
    Object.fromEntries(this.cluster.regions.map((r) => [r, n])),
  );
});

Then('{region} lags by {int} writes', function (this: TidalWorld, region: string, n: number) {
  const lag = Array.from({ length: this.cluster.shardCount }, (_, s) => this.cluster.lagOf(region, s));
  expect(lag.reduce((a, b) => a + b, 0)).toBe(n);
});

Then('{region} catches up within {duration}', async function (this: TidalWorld, region: string, ms: number) {
  const lag = (): number =>
    Array.from({ length: this.cluster.shardCount }, (_, s) => this.cluster.lagOf(region, s)).reduce(
      (a, b) => a + b,
      0,
    );
  const deadline = this.cluster.now() + ms;
  while (lag() > 0 && this.cluster.now() < deadline) await this.cluster.advance(CATCH_UP_STEP_MS);
  expect(lag()).toBe(0);
  expect(this.cluster.appliedSeqNo(region)).toBeGreaterThan(0);
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
  function (
    this: TidalWorld,
    region: string,
    entity: string,
    signal: string,
    score: number,
    tolerance: number,
  ) {
    const got = this.cluster.readDecayScore(region, entity, signal);
    expect(got).toBeDefined();
    expect(Math.abs(got! - score)).toBeLessThanOrEqual(tolerance);
  },
);

Then(
  '{region} has no score for {entity} {string}',
  function (this: TidalWorld, region: string, entity: string, signal: string) {
    expect(this.cluster.readDecayScore(region, entity, signal)).toBeUndefined();
  },
);

Then('{entity} scores the same in every region', function (this: TidalWorld, entity: string) {
  const written = new Set(
    this.cluster.history.writes.filter((w) => w.entity === entity).map((w) => w.signal),
  );
  expect([...written]).not.toEqual([]);
  for (const signal of written)
    expect(this.cluster.readDecayScore(this.cluster.regions[0]!, entity, signal)).toBeDefined();
  expect(scoreDisagreements(this.sim).filter((d) => d.entity === entity)).toEqual([]);
});

Then('every entity scores the same in every region', function (this: TidalWorld) {
  expect(scoreDisagreements(this.sim)).toEqual([]);
});
