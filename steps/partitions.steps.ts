/**
 * Steps that cut regions apart — both ways, one way, several at once, a link that flaps — and
 * read what the product shows about it: the lag gauge, and what the leader has heard each
 * follower confirm.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { confirmedBy, cutsBetween, lagGaugeFor, reconciliationTotals } from '../src/cluster';
import { UnavailableError } from '../src/engine';
import { lagGauge } from './support/readings';
import type { TidalWorld } from './support/world';

/** Longest a scenario waits for a flapping link to settle (virtual time). */
const MAX_FLAP_WAIT_MS = 600_000;
/** How often a step that waits for the leader to hear a confirmation looks (virtual time). */
const LOOK_EVERY_MS = 10;

/**
 * A heal: what reconciliation shipped so far is noted, for "reconciliation after the heal …"
 * (a count only the simulator keeps).
 */
async function healed(world: TidalWorld): Promise<void> {
  await world.inSimulator((sim) => {
    world.noted.reconciliation = reconciliationTotals(sim);
  });
}

// Cut and heal: "the link between A and B" is both ways, "the link from A to B" one way.

Given(
  'the link between {region} and {region} is cut',
  async function (this: TidalWorld, a: string, b: string) {
    this.partitions.push(await this.cluster.injectPartition(a, b));
  },
);

When('the link between {region} and {region} heals', async function (this: TidalWorld, a: string, b: string) {
  const cut = this.partitionBetween(a, b);
  if (!cut) throw new Error(`the link between ${a} and ${b} was not cut in this scenario`);
  await healed(this);
  await cut.heal();
});

Given(
  'the link from {region} to {region} is cut',
  async function (this: TidalWorld, from: string, to: string) {
    this.partitions.push(await this.cluster.injectOneWayPartition(from, to));
  },
);

When('the link from {region} to {region} heals', async function (this: TidalWorld, from: string, to: string) {
  const cut = this.partitionBetween(from, to, true);
  if (!cut) throw new Error(`the link from ${from} to ${to} was not cut in this scenario`);
  await healed(this);
  await cut.heal();
});

Given(
  '{region} is cut off from {regions}',
  async function (this: TidalWorld, region: string, others: string[]) {
    for (const other of others) this.partitions.push(await this.cluster.injectPartition(region, other));
  },
);

When('every link heals', async function (this: TidalWorld) {
  await healed(this);
  await this.cluster.healAllPartitions();
});

Given(
  'the link between {region} and {region} flaps {int} times, down for {duration} and up for {duration} each time',
  async function (this: TidalWorld, a: string, b: string, times: number, cutMs: number, healMs: number) {
    await this.cluster.flapPartition(a, b, { times, cutMs, healMs });
  },
);

// Waits for the flapping to end, then counts the cuts.
Then(
  'the link between {region} and {region} was cut {int} times',
  async function (this: TidalWorld, a: string, b: string, times: number) {
    const flapping = (): boolean =>
      this.cluster
        .faultTimeline()
        .some((s) => s.kind === 'flapping' && s.toMs === null && cutsBetween(s, a, b));
    const deadline = this.cluster.now() + MAX_FLAP_WAIT_MS;
    while (flapping() && this.cluster.now() < deadline) await this.cluster.advance(50);
    expect(flapping()).toBe(false);
    const cuts = this.cluster.faultTimeline().filter((s) => s.kind === 'partition' && cutsBetween(s, a, b));
    expect(cuts).toHaveLength(times);
    expect(cuts.every((s) => s.toMs !== null)).toBe(true);
  },
);

// What the leader and the lag gauge show.

Then(
  'the leader in {region} acknowledged all {int} writes',
  function (this: TidalWorld, region: string, n: number) {
    expect(this.acks).toHaveLength(n);
    expect(this.acks.filter((a) => a.origin === region && !a.local && a.seqNo > 0)).toHaveLength(n);
  },
);

Then(
  'the lag gauge shows {region} behind by {int} writes for at least {duration}',
  async function (this: TidalWorld, region: string, writes: number, ms: number) {
    const gauge = await lagGauge(this, region);
    this.logger.info({ region, ...gauge }, 'lag gauge');
    await this.inSimulator((sim) => expect(lagGaugeFor(sim, region)).toEqual(gauge));
    expect(gauge.lagEvents).toBe(writes);
    expect(gauge.lagMs).toBeGreaterThanOrEqual(ms);
  },
);

Then('the lag gauge shows {region} caught up', async function (this: TidalWorld, region: string) {
  const gauge = await lagGauge(this, region);
  await this.inSimulator((sim) => expect(lagGaugeFor(sim, region)).toEqual(gauge));
  expect(gauge).toEqual({ lagEvents: 0, lagMs: 0 });
});

Given(
  'a client wrote {int} {signal} to {entity}, which {region} confirmed',
  async function (this: TidalWorld, n: number, signal: string, entity: string, region: string) {
    for (let i = 0; i < n; i++) this.acks.push(await this.cluster.writeSignal(signal, entity, 1));
    await this.cluster.awaitFullConvergence(2_000);
    const deadline = this.cluster.now() + 1_000;
    while (confirmedBy(this.sim, region) < n && this.cluster.now() < deadline)
      await this.cluster.advance(LOOK_EVERY_MS);
    expect(confirmedBy(this.sim, region)).toBe(n);
  },
);

Then(
  'the leader hears {region} confirm {int} writes within {duration}',
  async function (this: TidalWorld, region: string, n: number, ms: number) {
    const deadline = this.cluster.now() + ms;
    while (confirmedBy(this.sim, region) < n && this.cluster.now() < deadline)
      await this.cluster.advance(LOOK_EVERY_MS);
    expect(confirmedBy(this.sim, region)).toBe(n);
  },
);

Then(
  'the leader has heard {region} confirm only {int} writes',
  function (this: TidalWorld, region: string, n: number) {
    expect(confirmedBy(this.sim, region)).toBe(n);
  },
);

Then('{region} received resent writes and held each once', function (this: TidalWorld, region: string) {
  const nodes = this.sim.nodesIn(region);
  const duplicates = nodes.reduce((sum, n) => sum + n.db.follower.stats.duplicates, 0);
  this.figures[`duplicateBatches:${region}`] = duplicates;
  expect(duplicates).toBeGreaterThan(0);
  for (const n of nodes)
    expect(n.db.follower.stats.eventsApplied).toBe(this.sim.leader(n.shardId).db.appliedSeqNo());
});

// A write a region cannot take.

When(
  'a client tries to write a {signal} of weight {weight} to {entity} through {region}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, via: string) {
    await this.attempt(async () =>
      this.acks.push(await this.cluster.writeSignal(signal, entity, weight, { via })),
    );
  },
);

Then(
  'the write is refused because {region} cannot reach the leader',
  function (this: TidalWorld, region: string) {
    const err = this.caught();
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toContain(`${region} cannot serve`);
    expect(err.message).toContain('cannot reach the leader');
  },
);
