/** Steps of client sessions: read-your-writes and monotonic reads, waiting or redirected. */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import type { ClientSession, SessionRead } from '../src/cluster';
import { StaleReadError } from '../src/engine';
import type { TidalWorld } from './support/world';

function session(world: TidalWorld): ClientSession {
  const s = world.session;
  if (!s) throw new Error('no session yet: add "Given a client session in <region> that …"');
  return s;
}

Given(
  'replication from {region} to {region} is delayed by {duration}',
  function (this: TidalWorld, from: string, to: string, ms: number) {
    this.cluster.setNetworkFaults({ delayMs: ms }, { from, to });
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

When(
  'the session writes a {signal} of weight {weight} to {entity}',
  function (this: TidalWorld, signal: string, weight: number, entity: string) {
    this.acks.push(session(this).write(signal, entity, weight));
  },
);

When(
  'the session writes {int} {signal} to {entity}',
  function (this: TidalWorld, n: number, signal: string, entity: string) {
    for (let i = 0; i < n; i++) this.acks.push(session(this).write(signal, entity, 1));
  },
);

When('the session moves to {region}', function (this: TidalWorld, region: string) {
  session(this).moveTo(region);
});

When(
  'the session reads {entity} {string}',
  async function (this: TidalWorld, entity: string, signal: string) {
    let read: SessionRead | undefined;
    const startMs = this.cluster.now();
    await this.attempt(async () => (read = await session(this).read(entity, signal)));
    this.noted.readWindow = { startMs, endMs: this.cluster.now() };
    this.lastRead = read;
    if (read) this.figures.sessionReadWaitedMs = read.waitedMs;
    if (this.lastError instanceof StaleReadError) this.figures.staleReadWaitedMs = this.lastError.waitedMs;
  },
);

Then(
  'the read is served by {region} after waiting between {duration} and {duration}',
  function (this: TidalWorld, region: string, minMs: number, maxMs: number) {
    expect(this.lastRead).toMatchObject({ servedBy: region, redirected: false });
    expect(this.lastRead!.waitedMs).toBeGreaterThanOrEqual(minMs);
    expect(this.lastRead!.waitedMs).toBeLessThanOrEqual(maxMs);
  },
);

Then('the read is served by {region} without waiting', function (this: TidalWorld, region: string) {
  expect(this.lastRead).toMatchObject({ servedBy: region, redirected: false, waitedMs: 0 });
});

Then(
  'the read is redirected to the leader in {region} without waiting',
  function (this: TidalWorld, region: string) {
    expect(this.lastRead).toMatchObject({ servedBy: region, redirected: true, waitedMs: 0 });
    expect(this.sim.controlPlane.leaderOf(this.lastRead!.shard)).toBe(region);
  },
);

Then('the read is served by {region}', function (this: TidalWorld, region: string) {
  expect(this.lastRead?.servedBy).toBe(region);
});

Then(
  'the read returns {float} within {float}',
  function (this: TidalWorld, score: number, tolerance: number) {
    expect(this.lastRead?.score).toBeDefined();
    expect(Math.abs(this.lastRead!.score! - score)).toBeLessThanOrEqual(tolerance);
  },
);

Then('the read reflects sequence number {int} or later', function (this: TidalWorld, seqNo: number) {
  expect(this.lastRead?.appliedSeqNo).toBeGreaterThanOrEqual(seqNo);
});

Then(
  'the read fails as stale after waiting exactly {duration} of cluster time',
  function (this: TidalWorld, ms: number) {
    const err = this.caught();
    expect(err).toBeInstanceOf(StaleReadError);
    expect((err as StaleReadError).waitedMs).toBe(ms);
    const window = this.noted.readWindow;
    expect(window && window.endMs - window.startMs).toBe(ms);
  },
);

Then(
  "the stale-read error names {region}'s applied sequence number {int} and the session's mark {int}",
  function (this: TidalWorld, region: string, applied: number, mark: number) {
    const err = this.caught() as StaleReadError;
    expect(err).toMatchObject({ region, appliedSeqNo: applied, sessionHwm: mark });
    expect(err.message).toContain(`at ${region} shard ${err.shard}`);
    expect(err.message).toContain(`applied SeqNo ${applied} < session high-water mark ${mark}`);
  },
);
