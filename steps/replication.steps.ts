/** Steps about what each region holds: writes, lag, scores, and log order. */
import { Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { logOrderViolations, scoreDisagreements } from '../src/cluster';
import type { TidalWorld } from './support/world';

Then('{region} holds {int} writes', function (this: TidalWorld, region: string, n: number) {
  expect(this.cluster.appliedSeqNo(region)).toBe(n);
});

Then('every region holds {int} writes', function (this: TidalWorld, n: number) {
  expect(Object.fromEntries(this.cluster.regions.map((r) => [r, this.cluster.appliedSeqNo(r)]))).toEqual(
    Object.fromEntries(this.cluster.regions.map((r) => [r, n])),
  );
});

Then('{region} lags by {int} writes', function (this: TidalWorld, region: string, n: number) {
  const lag = Array.from({ length: this.cluster.shardCount }, (_, s) =>
    this.sim.controlPlane.lag.lagFor(region, s),
  ).reduce((a, b) => a + b, 0);
  expect(lag).toBe(n);
});

Then('every follower lags by {int} writes', function (this: TidalWorld, n: number) {
  const lags = this.sim
    .allNodes()
    .filter((x) => x.role === 'follower')
    .map((x) => [x.name, this.sim.controlPlane.lag.lagFor(x.regionId, x.shardId)]);
  expect(Object.fromEntries(lags)).toEqual(Object.fromEntries(lags.map(([name]) => [name, n])));
});

Then(
  '{region} scores {entity} {string} at {float}',
  function (this: TidalWorld, region: string, entity: string, signal: string, score: number) {
    expect(this.cluster.readDecayScore(region, entity, signal)).toBeCloseTo(score, 9);
  },
);

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

Then(
  '{entity} {string} scores the same in {regions}',
  function (this: TidalWorld, entity: string, signal: string, regions: string[]) {
    expect(
      scoreDisagreements(this.sim, regions).filter((d) => d.entity === entity && d.signal === signal),
    ).toEqual([]);
    expect(this.cluster.readDecayScore(regions[0]!, entity, signal)).toBeDefined();
  },
);

Then('every entity scores the same in every region', function (this: TidalWorld) {
  expect(scoreDisagreements(this.sim)).toEqual([]);
});

Then("every follower holds each shard's log in the leader's order", function (this: TidalWorld) {
  expect(logOrderViolations(this.sim)).toEqual([]);
});

When(
  'the scores of {entity} {string} in every region are noted',
  function (this: TidalWorld, entity: string, signal: string) {
    for (const r of this.cluster.regions) {
      const scores = this.noted.scores.get(r) ?? new Map<string, number>();
      scores.set(`${entity}/${signal}`, this.cluster.readDecayScore(r, entity, signal)!);
      this.noted.scores.set(r, scores);
    }
  },
);

Then(
  'every region scores {entity} {string} at half its noted score',
  function (this: TidalWorld, entity: string, signal: string) {
    for (const r of this.cluster.regions) {
      const before = this.noted.scores.get(r)?.get(`${entity}/${signal}`);
      expect(before).toBeDefined();
      expect(this.cluster.readDecayScore(r, entity, signal)! / before!).toBeCloseTo(0.5, 12);
    }
  },
);
