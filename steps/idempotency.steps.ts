/** Steps of idempotent writes: retries, lost acknowledgements, reused keys and expiry. */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { checkRetries, countsInEveryRegion } from '../src/cluster';
import { IdempotencyConflictError, UnavailableError } from '../src/engine';
import { readEverywhere } from './support/readings';
import type { TidalWorld } from './support/world';

Given('idempotency keys are kept for {duration}', function (this: TidalWorld, ms: number) {
  if (this.hasCluster) throw new Error('say how long keys are kept before "Given a cluster of …"');
  this.config.idempotencyRetentionMs = ms;
});

Given(
  'the link from {region} to {region} delivers every message twice',
  async function (this: TidalWorld, from: string, to: string) {
    await this.cluster.setNetworkFaults({ duplicateRate: 1 }, { from, to });
  },
);

When(
  'a client writes a {signal} of weight {weight} to {entity} with idempotency key {string}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, key: string) {
    this.acks.push(await this.cluster.writeSignal(signal, entity, weight, { idempotencyKey: key }));
  },
);

Given(
  'a client wrote a {signal} of weight {weight} to {entity} with idempotency key {string}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, key: string) {
    this.acks.push(await this.cluster.writeSignal(signal, entity, weight, { idempotencyKey: key }));
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to {entity} with idempotency key {string}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, key: string) {
    await this.attempt(() => this.cluster.writeSignal(signal, entity, weight, { idempotencyKey: key }));
  },
);

Given(
  'a client tried to write a {signal} of weight {weight} to {entity} through {region} with idempotency key {string}',
  async function (
    this: TidalWorld,
    signal: string,
    weight: number,
    entity: string,
    via: string,
    key: string,
  ) {
    await this.attempt(() => this.cluster.writeSignal(signal, entity, weight, { via, idempotencyKey: key }));
  },
);

When(
  'a client retries a {signal} of weight {weight} to {entity} through {region} with idempotency key {string} {int} time(s)',
  async function (
    this: TidalWorld,
    signal: string,
    weight: number,
    entity: string,
    via: string,
    key: string,
    times: number,
  ) {
    for (let i = 0; i < times; i++)
      this.acks.push(await this.cluster.writeSignal(signal, entity, weight, { via, idempotencyKey: key }));
  },
);

Then('the client gets no acknowledgement, though the leader holds the write', function (this: TidalWorld) {
  const err = this.caught();
  expect(err).toBeInstanceOf(UnavailableError);
  expect(err.message).toMatch(/applied the write \(SeqNo \d+\) but its acknowledgement cannot reach/);
});

Then(
  'the {int} retry/retries is/are answered with the original acknowledgement',
  function (this: TidalWorld, n: number) {
    const key = this.cluster.history.writes.at(-1)?.idempotencyKey;
    if (!key) throw new Error('the last write had no idempotency key');
    const check = checkRetries(this.cluster.history, key);
    expect(check.mismatches).toEqual([]);
    expect(check.retries).toBe(n);
    this.figures.retriesAnswered = check.retries;
  },
);

Then('the write is answered with the original acknowledgement', function (this: TidalWorld) {
  const last = this.cluster.history.writes.at(-1);
  if (!last?.idempotencyKey) throw new Error('the last write had no idempotency key');
  expect(checkRetries(this.cluster.history, last.idempotencyKey)).toEqual({ retries: 1, mismatches: [] });
});

Then('the write counts as a new write', function (this: TidalWorld) {
  const last = this.cluster.history.writes.at(-1);
  if (!last?.idempotencyKey) throw new Error('the last write had no idempotency key');
  const sent = this.cluster.history.writes.filter((w) => w.idempotencyKey === last.idempotencyKey);
  expect(sent.length).toBeGreaterThan(1);
  expect(last).toMatchObject({ retry: false });
  expect(last.seqNo).toBeGreaterThan(sent[0]!.seqNo);
});

Then(
  'the write is refused as reusing idempotency key {string} for another write',
  function (this: TidalWorld, key: string) {
    const err = this.caught();
    expect(err).toBeInstanceOf(IdempotencyConflictError);
    expect(err).toMatchObject({ key });
  },
);

// The score every region reads; where the simulator can look, the writes each region's state counts too.
Then(
  'every region counts {int} write(s) to {entity} {string}, scoring {float} within {float}',
  async function (
    this: TidalWorld,
    n: number,
    entity: string,
    signal: string,
    score: number,
    tolerance: number,
  ) {
    for (const [region, got] of Object.entries((await readEverywhere(this, entity, signal)).scores)) {
      expect({ region, scored: got !== undefined }).toEqual({ region, scored: true });
      expect({ region, got, near: Math.abs(got! - score) <= tolerance }).toEqual({ region, got, near: true });
    }
    await this.inSimulator((sim) => {
      for (const c of countsInEveryRegion(sim, entity, signal))
        expect({ region: c.region, writeCount: c.writeCount }).toEqual({ region: c.region, writeCount: n });
    });
  },
);

Then(
  'no region holds any write to {entity} {string}',
  async function (this: TidalWorld, entity: string, signal: string) {
    const { scores } = await readEverywhere(this, entity, signal);
    expect(scores).toEqual(Object.fromEntries(this.cluster.regions.map((region) => [region, undefined])));
    await this.inSimulator((sim) =>
      expect(countsInEveryRegion(sim, entity, signal)).toEqual(
        this.cluster.regions.map((region) => ({ region, writeCount: 0, score: undefined })),
      ),
    );
  },
);

Then(
  '{region} received messages twice and counted each write once',
  async function (this: TidalWorld, region: string) {
    const duplicates = this.sim.nodesIn(region).reduce((sum, n) => sum + n.db.follower.stats.duplicates, 0);
    expect(duplicates).toBeGreaterThan(0);
    this.figures.duplicateBatchesIgnored = duplicates;
    const writes = this.cluster.history.writes.filter((w) => !w.retry).length;
    expect(await this.cluster.appliedSeqNo(region)).toBe(writes);
  },
);
