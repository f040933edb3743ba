/**
 * Steps about convergence after faults heal: writes accepted locally on both sides of a
 * partition, agreement with a single replica applying every write once, how long convergence
 * took after the heal, and what reconciliation shipped compared with the whole state.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import {
  fullStateBytes,
  lastHealMs,
  reconciliationSince,
  reconciliationTotals,
  referenceDisagreements,
  referenceSignalState,
  signalStateInEveryRegion,
} from '../src/cluster';
import type { TidalWorld } from './support/world';

Given('regions cut off from the leader accept writes locally', function (this: TidalWorld) {
  this.config.partitionPolicy = 'accept-local';
});

When(
  'a client writes a {signal} of weight {weight} to {entity} through {region}',
  function (this: TidalWorld, signal: string, weight: number, entity: string, via: string) {
    this.acks.push(this.cluster.writeSignal(signal, entity, weight, { via }));
  },
);

When(
  'clients write {int} {string} signals to {entity} through each of {regions}, one every {duration}',
  async function (
    this: TidalWorld,
    n: number,
    signal: string,
    entity: string,
    regions: string[],
    everyMs: number,
  ) {
    for (let i = 0; i < n; i++) {
      for (const via of regions) this.acks.push(this.cluster.writeSignal(signal, entity, 1, { via }));
      await this.cluster.advance(everyMs);
    }
  },
);

Then(
  'the {int} writes that entered at {region} were acknowledged as local, without a sequence number',
  function (this: TidalWorld, n: number, region: string) {
    const entered = this.cluster.history.writes.filter((w) => w.via === region);
    expect(entered).toHaveLength(n);
    expect(entered.filter((w) => w.local && w.seqNo === 0)).toHaveLength(n);
    expect(this.acks.filter((a) => a.origin === region && a.local)).toHaveLength(n);
  },
);

Then(
  'every region scores {entity} {string} as one replica applying every write once would',
  function (this: TidalWorld, entity: string, signal: string) {
    const reference = referenceSignalState(this.sim, entity, signal);
    expect(reference.score).toBeDefined();
    this.figures[`referenceScore:${entity}`] = reference.score!;
    expect(referenceDisagreements(this.sim, entity, signal)).toEqual([]);
  },
);

Then(
  'every region counts {int} writes to {entity} {string}, {int} of them retractions, and agrees on the last write',
  function (this: TidalWorld, n: number, entity: string, signal: string, retractions: number) {
    const states = signalStateInEveryRegion(this.sim, entity, signal);
    const reference = referenceSignalState(this.sim, entity, signal);
    for (const s of states) {
      expect({ region: s.region, writes: s.writeCount, retractions: s.retractions }).toEqual({
        region: s.region,
        writes: n,
        retractions,
      });
      expect({ region: s.region, at: s.lastWriteMs, hlc: s.lastWriteHlc }).toEqual({
        region: s.region,
        at: reference.lastWriteMs,
        hlc: reference.lastWriteHlc,
      });
    }
  },
);

When('reconciliation traffic is measured from now on', function (this: TidalWorld) {
  this.noted.reconciliation = reconciliationTotals(this.sim);
});

Then('the regions agree within {duration} of the heal', async function (this: TidalWorld, ms: number) {
  const healedAt = lastHealMs(this.sim);
  if (healedAt === undefined) throw new Error('no partition has healed in this scenario');
  await this.cluster.awaitFullConvergence(Math.max(0, healedAt + ms - this.cluster.now()));
  const tookMs = this.cluster.now() - healedAt;
  this.figures.convergenceAfterHealMs = tookMs;
  this.logger.info({ convergenceAfterHealMs: tookMs, healedAtMs: healedAt }, 'converged after the heal');
});

Then(
  'reconciliation since then shipped less than {int}% of the full state',
  function (this: TidalWorld, pct: number) {
    const base = this.noted.reconciliation;
    if (base === undefined) throw new Error('say "reconciliation traffic is measured from now on" first');
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
