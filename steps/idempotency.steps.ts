/** Steps of idempotent writes: retries, lost acknowledgements, key conflicts and expiry. */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { checkRetries, countsInEveryRegion } from '../src/cluster';
import { IdempotencyConflictError, UnavailableError } from '../src/engine';
import type { TidalWorld } from './support/world';

Given('idempotency keys are kept for {duration}', function (this: TidalWorld, ms: number) {
  if (this.hasCluster) throw new Error('say how long keys are kept before "Given a cluster of …"');
  this.config.idempotencyRetentionMs = ms;
});

Given(
  'every replication batch from {region} to {region} is delivered twice',
  function (this: TidalWorld, from: string, to: string) {
    this.cluster.setNetworkFaults({ duplicateRate: 1 }, { from, to });
  },
);

When(
  'a client writes a {signal} of weight {weight} to {entity} with idempotency key {string}',
  function (this: TidalWorld, signal: string, weight: number, entity: string, key: string) {
    this.acks.push(this.cluster.writeSignal(signal, entity, weight, { idempotencyKey: key }));
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to {entity} with idempotency key {string}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, key: string) {
    await this.attempt(() => this.cluster.writeSignal(signal, entity, weight, { idempotencyKey: key }));
  },
);

When(
  'a client in {region} tries to write a {signal} of weight {weight} to {entity} with idempotency key {string}',
  async function (
    this: TidalWorld,
    via: string,
    signal: string,
    weight: number,
    entity: string,
    key: string,
  ) {
    await this.attempt(() => this.cluster.writeSignal(signal, entity, weight, { via, idempotencyKey: key }));
  },
);

When(
  'a client in {region} sends a {signal} of weight {weight} to {entity} with idempotency key {string} {int} more time(s)',
  function (
    this: TidalWorld,
    via: string,
    signal: string,
    weight: number,
    entity: string,
    key: string,
    times: number,
  ) {
    for (let i = 0; i < times; i++)
      this.acks.push(this.cluster.writeSignal(signal, entity, weight, { via, idempotencyKey: key }));
  },
);

When(
  'the shard holding {entity} fails over to {region}',
  async function (this: TidalWorld, entity: string, region: string) {
    const shard = this.sim.controlPlane.tenantRouter.shardFor('', entity);
    this.failovers.push(await this.cluster.failover(shard, region));
  },
);

Then('the client gets no acknowledgement, though the leader applied the write', function (this: TidalWorld) {
  const err = this.caught();
  expect(err).toBeInstanceOf(UnavailableError);
  expect(err.message).toMatch(/applied the write \(SeqNo \d+\) but its acknowledgement cannot reach/);
});

Then(
  'the {int} retry/retries of key {string} is/are answered with the original acknowledgement',
  function (this: TidalWorld, n: number, key: string) {
    const check = checkRetries(this.cluster.history, key);
    expect(check.mismatches).toEqual([]);
    expect(check.retries).toBe(n);
    this.figures.retriesAnswered = check.retries;
  },
);

Then(
  'the write with idempotency key {string} is answered as a retry',
  function (this: TidalWorld, key: string) {
    const last = this.cluster.history.writes.filter((w) => w.idempotencyKey === key).at(-1);
    expect(last).toMatchObject({ retry: true });
  },
);

Then(
  'the write with idempotency key {string} counts as a new write',
  function (this: TidalWorld, key: string) {
    const sent = this.cluster.history.writes.filter((w) => w.idempotencyKey === key);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.at(-1)).toMatchObject({ retry: false });
    expect(sent.at(-1)!.seqNo).toBeGreaterThan(sent[0]!.seqNo);
  },
);

Then(
  'the write is refused as an idempotency conflict on key {string}',
  function (this: TidalWorld, key: string) {
    const err = this.caught();
    expect(err).toBeInstanceOf(IdempotencyConflictError);
    expect(err).toMatchObject({ key });
  },
);

Then(
  'every region counts {int} write(s) to {entity} {string}, scoring {float} within {float}',
  function (this: TidalWorld, n: number, entity: string, signal: string, score: number, tolerance: number) {
    for (const c of countsInEveryRegion(this.sim, entity, signal)) {
      expect({ region: c.region, writeCount: c.writeCount }).toEqual({ region: c.region, writeCount: n });
      expect(c.score).toBeDefined();
      expect(Math.abs(c.score! - score)).toBeLessThanOrEqual(tolerance);
    }
  },
);

Then(
  'no region holds any write to {entity} {string}',
  function (this: TidalWorld, entity: string, signal: string) {
    expect(countsInEveryRegion(this.sim, entity, signal)).toEqual(
      this.cluster.regions.map((region) => ({ region, writeCount: 0, score: undefined })),
    );
  },
);

Then('{region} ignored the duplicate batches it received', function (this: TidalWorld, region: string) {
  const duplicates = this.sim.nodesIn(region).reduce((sum, n) => sum + n.db.follower.stats.duplicates, 0);
  expect(duplicates).toBeGreaterThan(0);
  this.figures.duplicateBatchesIgnored = duplicates;
});
