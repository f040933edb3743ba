/**
 * Steps about convergence after faults heal: writes accepted locally on both sides of a cut,
 * agreement with one copy holding every write once, how long convergence took after the heal,
 * and what reconciliation shipped compared with the whole state.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import {
  fullStateBytes,
  reconciliationSince,
  reconciliationTotals,
  referenceDisagreements,
  referenceSignalState,
  signalStateInEveryRegion,
} from '../src/cluster';
import { lastHealMs, readEverywhere, readingsAgree, referenceScore, writesTo } from './support/readings';
import { judgedWithin, timeBound } from './support/time-limits';
import type { TidalWorld } from './support/world';

/** Writes `n` signals to `entity` through each region in turn, `everyMs` apart. */
async function writeThroughEach(
  world: TidalWorld,
  n: number,
  signal: string,
  entity: string,
  regions: string[],
  everyMs: number,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    for (const via of regions) world.acks.push(await world.cluster.writeSignal(signal, entity, 1, { via }));
    await world.cluster.advance(everyMs);
  }
}

// Said before "Given a cluster of …" (the simulator's printer prints it so).
Given('regions cut off from the leader accept writes locally', function (this: TidalWorld) {
  this.config.partitionPolicy = 'accept-local';
});

When(
  'a client writes a {signal} of weight {weight} to {entity} through {region}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, via: string) {
    this.acks.push(await this.cluster.writeSignal(signal, entity, weight, { via }));
  },
);

When(
  'clients write/wrote {int} {signal} to {entity} through each of {regions}, one every {duration}',
  async function (
    this: TidalWorld,
    n: number,
    signal: string,
    entity: string,
    regions: string[],
    ms: number,
  ) {
    await writeThroughEach(this, n, signal, entity, regions, ms);
  },
);

// Past tense: what clients wrote before the example's action (its context).

Given(
  'a client wrote {int} {signal} to {entity} through {region}',
  async function (this: TidalWorld, n: number, signal: string, entity: string, via: string) {
    for (let i = 0; i < n; i++) this.acks.push(await this.cluster.writeSignal(signal, entity, 1, { via }));
  },
);

Given(
  'a client wrote a {signal} of weight {weight} to {entity} through {region}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, via: string) {
    this.acks.push(await this.cluster.writeSignal(signal, entity, weight, { via }));
  },
);

Given(
  'a client wrote a {signal} of weight {weight} to {entity} through {region} with idempotency key {string}',
  async function (
    this: TidalWorld,
    signal: string,
    weight: number,
    entity: string,
    via: string,
    key: string,
  ) {
    this.acks.push(await this.cluster.writeSignal(signal, entity, weight, { via, idempotencyKey: key }));
  },
);

Given('the client retried that write through {region}', async function (this: TidalWorld, via: string) {
  const first = this.cluster.history.writes.at(-1);
  if (!first?.idempotencyKey) throw new Error('say first which keyed write the client wrote');
  this.acks.push(
    await this.cluster.writeSignal(first.signal, first.entity, first.weight, {
      via,
      idempotencyKey: first.idempotencyKey,
    }),
  );
});

// How writes were acknowledged.

Then(
  'the {int} writes through {region} were acknowledged as accepted locally',
  function (this: TidalWorld, n: number, region: string) {
    const entered = this.cluster.history.writes.filter((w) => w.via === region);
    expect(entered).toHaveLength(n);
    expect(entered.filter((w) => w.local && w.seqNo === 0)).toHaveLength(n);
    expect(this.acks.filter((a) => a.origin === region && a.local)).toHaveLength(n);
  },
);

Then(
  'the {int} writes through {region} were acknowledged by the leader',
  function (this: TidalWorld, n: number, region: string) {
    const entered = this.cluster.history.writes.filter((w) => w.via === region);
    expect(entered).toHaveLength(n);
    expect(entered.filter((w) => !w.local && w.seqNo > 0)).toHaveLength(n);
  },
);

// What every region holds once the cut has healed.

Then('the regions agree within {duration} of the heal', async function (this: TidalWorld, ms: number) {
  const healedAt = lastHealMs(this.cluster.faultTimeline());
  if (healedAt === undefined) throw new Error('no cut has healed in this scenario');
  const bound = timeBound(this.mode, ms);
  await judgedWithin(bound, () =>
    this.cluster.awaitFullConvergence(Math.max(0, healedAt + bound.allowedMs - this.cluster.now())),
  );
  const tookMs = this.cluster.now() - healedAt;
  this.figures.convergenceAfterHealMs = tookMs;
  this.logger.info({ convergenceAfterHealMs: tookMs, healedAtMs: healedAt }, 'converged after the heal');
});

// One copy holding every write once: the same score in every region as the acknowledged writes
// give, each counted once; where the simulator can look, the same number of writes and the same
// last write in every region's state too.
Then(
  'every region scores {entity} as one copy holding its {int} {signal} once would',
  async function (this: TidalWorld, entity: string, n: number, signal: string) {
    expect(writesTo(this, entity, signal)).toHaveLength(n);
    const readings = await readEverywhere(this, entity, signal);
    const reference = referenceScore(this, entity, signal, readings.fromMs);
    expect(reference).toBeDefined();
    this.figures[`referenceScore:${entity}`] = reference!;
    for (const [region, got] of Object.entries(readings.scores))
      expect({
        region,
        got,
        asOneCopy: got !== undefined && readingsAgree(got, reference!, readings.tookMs, readings.halfLifeMs),
      }).toEqual({ region, got, asOneCopy: true });
    await this.inSimulator((sim) => {
      const inOneCopy = referenceSignalState(sim, entity, signal);
      expect(referenceDisagreements(sim, entity, signal)).toEqual([]);
      for (const s of signalStateInEveryRegion(sim, entity, signal))
        expect({ region: s.region, writes: s.writeCount, at: s.lastWriteMs, hlc: s.lastWriteHlc }).toEqual({
          region: s.region,
          writes: n,
          at: inOneCopy.lastWriteMs,
          hlc: inOneCopy.lastWriteHlc,
        });
    });
  },
);

Then(
  'every region counts {int} of those {signal} as a retraction/retractions',
  function (this: TidalWorld, n: number, signal: string) {
    const entity = this.cluster.history.writes.at(-1)!.entity;
    const states = signalStateInEveryRegion(this.sim, entity, signal);
    expect(states.map((s) => [s.region, s.retractions])).toEqual(states.map((s) => [s.region, n]));
  },
);

Then(
  'reconciliation after the heal shipped less than {int}% of the whole state',
  function (this: TidalWorld, pct: number) {
    const base = this.noted.reconciliation;
    if (base === undefined) throw new Error('no cut has healed in this scenario');
    const shipped = reconciliationSince(base, reconciliationTotals(this.sim));
    const fullBytes = fullStateBytes(this.sim, this.sim.leader().regionId);
    Object.assign(this.figures, {
      reconBytesShipped: shipped.bytes,
      reconMessagesShipped: shipped.messages,
      reconStatesShipped: shipped.states,
      reconRounds: shipped.rounds,
      fullStateBytes: fullBytes,
      reconShareOfFullStatePct: Number(((100 * shipped.bytes) / fullBytes).toFixed(2)),
    });
    this.logger.info({ shipped, fullStateBytes: fullBytes }, 'reconciliation after the heal');
    expect(shipped.states).toBeGreaterThan(0);
    expect(shipped.bytes * 100).toBeLessThan(pct * fullBytes);
  },
);
