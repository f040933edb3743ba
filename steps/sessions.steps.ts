/** Steps of client sessions: read-your-writes and monotonic reads, waiting or redirected. */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import type { ClientSession, SessionRead } from '../src/cluster';
import { StaleReadError, UnavailableError } from '../src/engine';
import type { TidalWorld } from './support/world';

function session(world: TidalWorld): ClientSession {
  const s = world.session;
  if (!s) throw new Error('no session yet: add "Given a client session in <region> that …"');
  return s;
}

Given(
  'the link from {region} to {region} delays every message by {duration}',
  async function (this: TidalWorld, from: string, to: string, ms: number) {
    await this.cluster.setNetworkFaults({ delayMs: ms }, { from, to });
  },
);

Given(
  'a client session in {region} that waits up to {duration} for stale replicas',
  function (this: TidalWorld, region: string, ms: number) {
    this.session = this.cluster.session(region, { policy: 'wait', timeoutMs: ms });
  },
);

Given(
  'a client session in {region} that redirects stale reads to the leader',
  function (this: TidalWorld, region: string) {
    this.session = this.cluster.session(region, { policy: 'redirect' });
  },
);

Given(
  'the session wrote a {signal} of weight {weight} to {entity}',
  async function (this: TidalWorld, signal: string, weight: number, entity: string) {
    this.acks.push(await session(this).write(signal, entity, weight));
  },
);

Given(
  'the session wrote {int} {signal} to {entity}',
  async function (this: TidalWorld, n: number, signal: string, entity: string) {
    for (let i = 0; i < n; i++) this.acks.push(await session(this).write(signal, entity, 1));
  },
);

Given(
  'the session read {entity} {string} in {region}',
  async function (this: TidalWorld, entity: string, signal: string, region: string) {
    session(this).moveTo(region);
    await session(this).read(entity, signal);
  },
);

async function read(world: TidalWorld, entity: string, signal: string): Promise<void> {
  let result: SessionRead | undefined;
  const startMs = world.cluster.now();
  await world.attempt(async () => (result = await session(world).read(entity, signal)));
  world.noted.readWindow = { startMs, endMs: world.cluster.now() };
  world.lastRead = result;
  if (result) world.figures.sessionReadWaitedMs = result.waitedMs;
  if (world.lastError instanceof StaleReadError) world.figures.staleReadWaitedMs = world.lastError.waitedMs;
}

When(
  'the session reads {entity} {string}',
  async function (this: TidalWorld, entity: string, signal: string) {
    await read(this, entity, signal);
  },
);

When(
  'the session reads {entity} {string} in {region}',
  async function (this: TidalWorld, entity: string, signal: string, region: string) {
    session(this).moveTo(region);
    await read(this, entity, signal);
  },
);

function served(world: TidalWorld): SessionRead {
  if (!world.lastRead)
    throw new Error(
      `the read was refused: ${(world.lastError as Error | undefined)?.message ?? 'no read yet'}`,
    );
  return world.lastRead;
}

Then(
  'the read is served by {region} after waiting between {duration} and {duration}',
  function (this: TidalWorld, region: string, minMs: number, maxMs: number) {
    const r = served(this);
    expect(r).toMatchObject({ servedBy: region, redirected: false });
    expect(r.waitedMs).toBeGreaterThanOrEqual(minMs);
    expect(r.waitedMs).toBeLessThanOrEqual(maxMs);
  },
);

Then('the read is served by {region} without waiting', function (this: TidalWorld, region: string) {
  expect(served(this)).toMatchObject({ servedBy: region, redirected: false, waitedMs: 0 });
});

Then(
  'the read is redirected to the leader in {region} without waiting',
  async function (this: TidalWorld, region: string) {
    const r = served(this);
    expect(r).toMatchObject({ servedBy: region, redirected: true, waitedMs: 0 });
    expect(await this.cluster.leaderOf(r.shard)).toBe(region);
  },
);

Then(
  'the read returns {float} within {float}',
  function (this: TidalWorld, score: number, tolerance: number) {
    const r = served(this);
    expect(r.score).toBeDefined();
    expect(Math.abs(r.score! - score)).toBeLessThanOrEqual(tolerance);
  },
);

/** The read was refused after waiting exactly `ms` of cluster time (the error says so too). */
function refusedAfter(world: TidalWorld, ms: number): Error {
  const err = world.caught();
  const window = world.noted.readWindow;
  expect(window && window.endMs - window.startMs).toBe(ms);
  return err;
}

Then(
  'the read is refused after exactly {duration}: {region} holds only {int} of the {int} writes the session has seen',
  function (this: TidalWorld, ms: number, region: string, held: number, seen: number) {
    const err = refusedAfter(this, ms);
    expect(err).toBeInstanceOf(StaleReadError);
    expect(err).toMatchObject({ region, appliedSeqNo: held, sessionHwm: seen, waitedMs: ms });
    expect(err.message).toContain(`at ${region} shard ${(err as StaleReadError).shard}`);
  },
);

Then(
  'the read is refused after exactly {duration}: {region} is down',
  function (this: TidalWorld, ms: number, region: string) {
    const err = refusedAfter(this, ms);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toMatchObject({ region });
    expect(err.message).toContain('its replica is down');
  },
);
