/** Steps that write signals through the cluster, and what the write's acknowledgement says. */
import { Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import type { WriteAck } from '../src/engine';
import type { TidalWorld } from './support/world';

/**
 * How many writes to distinct entities a client has in flight at once against real processes.
 * Each write there waits for its leader's fsync (about 3.6 ms), so 10,000 one after the other take
 * about 36 s (routing/shards.feature); 32 at a time overlap their fsyncs and took 8 to 13 s. The
 * simulator writes one at a time: the same calls in the same order as ever, so its runs replay
 * byte for byte.
 */
const REAL_WRITES_IN_FLIGHT = 32;

/**
 * Writes `n` writes, write `i` to `entity-(i mod entities)`, acknowledgements kept in that order.
 * Against real processes up to REAL_WRITES_IN_FLIGHT go at once, never two to the same entity (so
 * each entity's writes keep their order); the first refusal, if any, fails the step once the writes
 * in flight are answered.
 */
async function writeAcross(world: TidalWorld, n: number, entities: number, signal: string): Promise<void> {
  const inFlight = world.mode === 'real' ? Math.max(1, Math.min(REAL_WRITES_IN_FLIGHT, entities)) : 1;
  for (let start = 0; start < n; start += inFlight) {
    const batch: Promise<WriteAck>[] = [];
    for (let i = start; i < Math.min(n, start + inFlight); i++)
      batch.push(Promise.resolve(world.cluster.writeSignal(signal, `entity-${i % entities}`, 1)));
    const answers = await Promise.allSettled(batch);
    for (const a of answers) if (a.status === 'fulfilled') world.acks.push(a.value);
    const refused = answers.find((a) => a.status === 'rejected');
    if (refused) throw refused.reason;
  }
}

When(
  'a client writes a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string) {
    this.acks.push(await this.cluster.writeSignal(signal, entity, weight));
  },
);

// "writes" is the example's action, "wrote" the same write as its context (a Given).

When(
  'a client writes/wrote {int} {signal} to {entity}',
  async function (this: TidalWorld, n: number, signal: string, entity: string) {
    for (let i = 0; i < n; i++) this.acks.push(await this.cluster.writeSignal(signal, entity, 1));
  },
);

When(
  'a client writes/wrote {int} {signal} across {int} entities',
  async function (this: TidalWorld, n: number, signal: string, entities: number) {
    await writeAcross(this, n, entities, signal);
  },
);

Then(
  'the write is acknowledged by {region} with sequence number {int} in epoch {int}',
  function (this: TidalWorld, region: string, seqNo: number, epoch: number) {
    const ack = this.acks.at(-1);
    expect(ack).toMatchObject({ origin: region, seqNo, epoch, local: false, retry: false });
  },
);
