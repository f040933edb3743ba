/**
 * Steps about bad input: crafted batches put on the wire, and client calls with values the
 * product refuses. Each refusal is a typed error; noting every region's state first shows that
 * nothing changed.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { replicaStates, sendBadBatch, stateChanges } from '../src/cluster';
import { InvalidInputError, UnknownSignalError, type SessionPolicy } from '../src/engine';
import type { TidalWorld } from './support/world';
import type { ErrorClass } from './support/parameter-types';

Given("every region's state is noted", function (this: TidalWorld) {
  this.noted.replicas = replicaStates(this.sim);
});

Then('every region still holds its noted state', function (this: TidalWorld) {
  const noted = this.noted.replicas;
  if (!noted) throw new Error('no state was noted; add "every region\'s state is noted" first');
  expect(stateChanges(noted, replicaStates(this.sim))).toEqual([]);
});

When(
  '{region} receives a bad batch from its leader: {string}',
  function (this: TidalWorld, region: string, kind: string) {
    const sent = sendBadBatch(this.sim, kind, region);
    this.logger.info(sent, 'bad batch sent');
  },
);

Then(
  '{region} refuses it with {error}: {string}',
  function (this: TidalWorld, region: string, error: ErrorClass, reason: string) {
    const last = this.cluster.rejections.filter((r) => r.replica.startsWith(`${region}/`)).at(-1);
    expect(last).toBeDefined();
    expect(last!.error).toBeInstanceOf(error);
    expect(last!.error.message).toContain(reason);
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string) {
    await this.attempt(() => this.cluster.writeSignal(signal, entity, weight));
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to {entity} through region {string}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, via: string) {
    await this.attempt(() => this.cluster.writeSignal(signal, entity, weight, { via }));
  },
);

When(
  'a client tries to read {entity} {string} in region {string}',
  async function (this: TidalWorld, entity: string, signal: string, region: string) {
    await this.attempt(() => this.cluster.readDecayScore(region, entity, signal));
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to an entity id of {int} {string} characters',
  async function (this: TidalWorld, signal: string, weight: number, n: number, char: string) {
    await this.attempt(() => this.acks.push(this.cluster.writeSignal(signal, char.repeat(n), weight)));
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to an entity id of {int} {string} characters through {region}',
  async function (this: TidalWorld, signal: string, weight: number, n: number, char: string, via: string) {
    await this.attempt(() =>
      this.acks.push(this.cluster.writeSignal(signal, char.repeat(n), weight, { via })),
    );
  },
);

When(
  'a client tries to open a session in {region} that waits up to {int} ms',
  async function (this: TidalWorld, region: string, timeoutMs: number) {
    await this.attempt(() => this.cluster.session(region, { timeoutMs }));
  },
);

When(
  'a client tries to open a session in {region} with the policy {string}',
  async function (this: TidalWorld, region: string, policy: string) {
    await this.attempt(() => this.cluster.session(region, { policy: policy as SessionPolicy }));
  },
);

Then('the request is refused as bad input', function (this: TidalWorld) {
  const err = this.caught();
  if (!(err instanceof InvalidInputError || err instanceof UnknownSignalError)) throw err;
});

Then('it is refused with {error}: {string}', function (this: TidalWorld, error: ErrorClass, reason: string) {
  expect(this.caught()).toBeInstanceOf(error);
  expect(this.caught().message).toContain(reason);
});

Then('it is accepted', function (this: TidalWorld) {
  expect(this.lastError).toBeUndefined();
});
