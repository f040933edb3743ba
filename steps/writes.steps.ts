/** Steps that write signals through the cluster, and what the write's acknowledgement says. */
import { Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import type { TidalWorld } from './support/world';

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
    for (let i = 0; i < n; i++)
      this.acks.push(await this.cluster.writeSignal(signal, `entity-${i % entities}`, 1));
  },
);

Then(
  'the write is acknowledged by {region} with sequence number {int} in epoch {int}',
  function (this: TidalWorld, region: string, seqNo: number, epoch: number) {
    const ack = this.acks.at(-1);
    expect(ack).toMatchObject({ origin: region, seqNo, epoch, local: false, retry: false });
  },
);
