/**
 * Steps about bad input: crafted batches put on the wire (and a well-formed batch of the previous
 * version), and client calls with values the product refuses. A product scenario sees what the
 * client is told ("refused as bad input" and the reason); the wire-format feature names the
 * engine's typed errors. Each step that sends bad input first takes every replica's state, so
 * "no region changed" can show that nothing did.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { replicaStates, sendBadBatch, stateChanges } from '../src/cluster';
import {
  HEADER_V1_BYTES,
  HEADER_V2_BYTES,
  InvalidInputError,
  UnknownSignalError,
  writeHeaderV1,
  type SessionPolicy,
} from '../src/engine';
import { replicaRows } from './support/readings';
import type { TidalWorld } from './support/world';
import type { ErrorClass } from './support/parameter-types';

/**
 * Notes every replica's status as the cluster reports it (and, where the simulator can look, its
 * state digest too), for "no region changed". Against real processes the writes before the bad
 * input may still be on their way to a follower while it is noted, and land before "no region
 * changed" looks again; so there the replicas are noted once they agree. In the simulator no time
 * passes between the two looks (nothing can land), and they are noted as they are.
 */
async function noteReplicas(world: TidalWorld): Promise<void> {
  if (world.mode === 'real') await world.cluster.awaitFullConvergence();
  world.noted.rows = await replicaRows(world);
  await world.inSimulator((sim) => {
    world.noted.replicas = replicaStates(sim);
  });
}

/** Notes every replica's state (for "no region changed"), then runs `send`, keeping its refusal. */
async function sendBadInput(world: TidalWorld, send: () => unknown): Promise<void> {
  await noteReplicas(world);
  await world.attempt(send);
}

// No replica changed role, leadership term, what it applied or whether it is up; where the
// simulator can look, no replica's state changed either (its digest).
Then('no region changed', async function (this: TidalWorld) {
  const before = this.noted.rows;
  if (!before) throw new Error('no bad input was sent: "no region changed" follows a "tries to" step');
  const now = await replicaRows(this);
  const changed = now.flatMap((a) => {
    const b = before.find((x) => x.region === a.region && x.shard === a.shard);
    if (!b) return [`${a.region}/${a.shard} appeared`];
    const fields = (['up', 'role', 'epoch', 'appliedSeqNo'] as const).filter((f) => a[f] !== b[f]);
    return fields.map((f) => `${a.region}/${a.shard} changed ${f} ${String(b[f])} → ${String(a[f])}`);
  });
  expect(changed).toEqual([]);
  await this.inSimulator((sim) => expect(stateChanges(this.noted.replicas!, replicaStates(sim))).toEqual([]));
});

// --- batches on the wire --------------------------------------------------------------------

/** A leader logs the writes of an instant at its end; a batch is crafted from the leader's log. */
async function leaderLogged(world: TidalWorld): Promise<void> {
  await world.cluster.advance(1);
}

async function badBatch(world: TidalWorld, region: string, kind: string): Promise<void> {
  await leaderLogged(world);
  await noteReplicas(world);
  const sent = sendBadBatch(world.sim, kind, region);
  world.logger.info(sent, 'bad batch sent');
}

When(
  '{region} receives a bad batch from its leader: {string}',
  async function (this: TidalWorld, region: string, kind: string) {
    await badBatch(this, region, kind);
  },
);

Given(
  '{region} refused a bad batch from its leader: {string}',
  async function (this: TidalWorld, region: string, kind: string) {
    await badBatch(this, region, kind);
    expect(this.cluster.rejections.filter((r) => r.replica.startsWith(`${region}/`))).not.toEqual([]);
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

/**
 * The writes `region`'s replica of shard 0 misses, as its leader would have sent them in a
 * version 1 batch: the leader's own v2 encoding with its header swapped for a v1 header (which
 * has no epoch and no origin; the payload is the same in both versions).
 */
When(
  '{region} receives the {int} writes it misses as a version 1 batch from its leader',
  async function (this: TidalWorld, region: string, n: number) {
    await leaderLogged(this);
    const leader = this.sim.leader(0);
    const { db } = leader;
    const events = db.wal.eventsFrom(this.sim.node(region, 0).db.appliedSeqNo() + 1, n);
    expect(events).toHaveLength(n);
    const v2 = db.codec.encode(0, db.epoch, leader.regionId, 0, events[0]!.seqNo, events);
    const header = db.codec.header(v2);
    const payload = v2.subarray(HEADER_V2_BYTES);
    const v1 = new Uint8Array(HEADER_V1_BYTES + payload.length);
    v1.set(payload, HEADER_V1_BYTES);
    writeHeaderV1(v1, { ...header, flags: 0 }, payload.length);
    this.sim.injectBytes(leader.regionId, region, 0, v1);
  },
);

// --- a client's bad requests ----------------------------------------------------------------

When(
  'a client tries to write a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string) {
    await sendBadInput(this, async () =>
      this.acks.push(await this.cluster.writeSignal(signal, entity, weight)),
    );
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to {entity} through region {string}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string, via: string) {
    await sendBadInput(this, () => this.cluster.writeSignal(signal, entity, weight, { via }));
  },
);

When(
  'a client tries to read {entity} {string} in region {string}',
  async function (this: TidalWorld, entity: string, signal: string, region: string) {
    await sendBadInput(this, () => this.cluster.readDecayScore(region, entity, signal));
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to an entity id of {int} {string} characters',
  async function (this: TidalWorld, signal: string, weight: number, n: number, char: string) {
    await sendBadInput(this, async () =>
      this.acks.push(await this.cluster.writeSignal(signal, char.repeat(n), weight)),
    );
  },
);

When(
  'a client tries to write a {signal} of weight {weight} to an entity id of {int} {string} characters through {region}',
  async function (this: TidalWorld, signal: string, weight: number, n: number, char: string, via: string) {
    await sendBadInput(this, async () =>
      this.acks.push(await this.cluster.writeSignal(signal, char.repeat(n), weight, { via })),
    );
  },
);

When(
  'a client tries to open a session in {region} that waits up to {int} ms',
  async function (this: TidalWorld, region: string, timeoutMs: number) {
    await sendBadInput(this, () => this.cluster.session(region, { timeoutMs }));
  },
);

When(
  'a client tries to open a session in {region} with the policy {string}',
  async function (this: TidalWorld, region: string, policy: string) {
    await sendBadInput(this, () => this.cluster.session(region, { policy: policy as SessionPolicy }));
  },
);

/** The refusals a client is told are bad input: what it sent is wrong, and retrying it will not help. */
function badInput(world: TidalWorld): Error {
  const err = world.caught();
  if (!(err instanceof InvalidInputError || err instanceof UnknownSignalError)) throw err;
  world.judged.add('bad-input');
  return err;
}

Then('the request is refused as bad input', function (this: TidalWorld) {
  badInput(this);
});

Then(
  'the {word} is refused as bad input: {string}',
  function (this: TidalWorld, _request: string, reason: string) {
    expect(badInput(this).message).toContain(reason);
  },
);

// --- a write at the limit -------------------------------------------------------------------

When(
  'a client writes a {signal} of weight {weight} to an entity id of {int} {string} characters',
  async function (this: TidalWorld, signal: string, weight: number, n: number, char: string) {
    this.acks.push(await this.cluster.writeSignal(signal, char.repeat(n), weight));
  },
);

Then('every region holds the write', async function (this: TidalWorld) {
  const ack = this.acks.at(-1);
  if (!ack) throw new Error('no write was acknowledged');
  const rows = await replicaRows(this);
  const held = this.cluster.regions.map((r) => ({
    region: r,
    held: rows.some((row) => row.region === r && row.shard === ack.shard && row.appliedSeqNo >= ack.seqNo),
  }));
  expect(held).toEqual(this.cluster.regions.map((r) => ({ region: r, held: true })));
});

Then(
  'in every region the entity of {int} {string} characters scores {float} {signal}',
  async function (this: TidalWorld, n: number, char: string, score: number, signal: string) {
    const scores: (number | undefined)[] = [];
    for (const r of this.cluster.regions)
      scores.push(await this.cluster.readDecayScore(r, char.repeat(n), signal));
    expect(scores).toEqual(this.cluster.regions.map(() => expect.closeTo(score, 3)));
  },
);
