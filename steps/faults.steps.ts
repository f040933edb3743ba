/**
 * Steps that make the network misbehave — loss, duplication, reordering, corrupted bytes — and
 * a steady workload to run under it; then what the network and the replicas saw.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { CorruptBatchError } from '../src/engine';
import type { TidalWorld } from './support/world';

Given(
  'the network drops {int}% of messages, duplicates {int}% and reorders them',
  async function (this: TidalWorld, dropPct: number, dupPct: number) {
    await this.cluster.setNetworkFaults({
      dropRate: dropPct / 100,
      duplicateRate: dupPct / 100,
      reorder: true,
    });
  },
);

Given('the network corrupts a byte in {int}% of messages', async function (this: TidalWorld, pct: number) {
  await this.cluster.setNetworkFaults({ corruptRate: pct / 100 });
});

/** Writes `n` signals spread over `entities` entities, `everyMs` apart. */
async function writeSteadily(
  world: TidalWorld,
  n: number,
  signal: string,
  entities: number,
  everyMs: number,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    world.acks.push(await world.cluster.writeSignal(signal, `entity-${i % entities}`, 1));
    await world.cluster.advance(everyMs);
  }
}

When(
  'a client writes {int} {signal} across {int} entities, one every {duration}',
  async function (this: TidalWorld, n: number, signal: string, entities: number, everyMs: number) {
    await writeSteadily(this, n, signal, entities, everyMs);
  },
);

Given(
  'a client wrote {int} {signal} across {int} entities, one every {duration}',
  async function (this: TidalWorld, n: number, signal: string, entities: number, everyMs: number) {
    await writeSteadily(this, n, signal, entities, everyMs);
  },
);

Then('the network lost and duplicated messages along the way', function (this: TidalWorld) {
  const { carried, lost, duplicated } = this.sim.network.stats;
  Object.assign(this.figures, { networkCarried: carried, networkLost: lost, networkDuplicated: duplicated });
  expect(lost).toBeGreaterThan(0);
  expect(duplicated).toBeGreaterThan(0);
});

Then('the regions refused the corrupted messages they received', function (this: TidalWorld) {
  const refused = this.cluster.rejections.filter((r) => r.error instanceof CorruptBatchError);
  this.figures.corruptMessagesRefused = refused.length;
  this.figures.networkCorrupted = this.sim.network.stats.corrupted;
  expect(this.sim.network.stats.corrupted).toBeGreaterThan(0);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]!.error.message).toContain('the sender will resend');
});
