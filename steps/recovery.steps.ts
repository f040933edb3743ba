/**
 * Steps about crashes and restarts: what a replica recovers from its write-ahead log, what it
 * catches up from the leader, and how recovery treats a log it cannot trust.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AfterStep, Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { WalRecoveryError, type RecoveryReport } from '../src/engine';
import { judgedWithin, timeBound } from './support/time-limits';
import type { TidalWorld } from './support/world';

Given('write-ahead log segments roll at {int} bytes', function (this: TidalWorld, bytes: number) {
  this.config.wal = { segmentBytes: bytes };
});

Given('{region} crashed', async function (this: TidalWorld, region: string) {
  await this.cluster.crashRegion(region);
});

Given('{region} crashed in the middle of a write', function (this: TidalWorld, region: string) {
  this.noted.tornBytes.set(region, this.sim.crashRegionTearingWrites(region));
});

async function restart(world: TidalWorld, region: string): Promise<void> {
  const report = await world.cluster.restartRegion(region);
  world.recoveries.set(region, report);
  world.noted.appliedAtRestart.set(region, await world.cluster.appliedSeqNo(region));
  world.figures.recoveredEvents = report.events;
  world.figures.recoveredSegments = report.segments;
  world.figures.truncatedBytes = report.truncatedBytes;
}

When('{region} restarts', async function (this: TidalWorld, region: string) {
  await restart(this, region);
});

Given('{region} restarted', async function (this: TidalWorld, region: string) {
  await restart(this, region);
});

function recovery(world: TidalWorld, region: string): RecoveryReport {
  const report = world.recoveries.get(region);
  if (!report) throw new Error(`${region} has not restarted in this scenario`);
  return report;
}

async function caughtUp(world: TidalWorld, region: string): Promise<number> {
  const atRestart = world.noted.appliedAtRestart.get(region);
  if (atRestart === undefined) throw new Error(`${region} has not restarted in this scenario`);
  world.figures.caughtUpEvents = (await world.cluster.appliedSeqNo(region)) - atRestart;
  return world.figures.caughtUpEvents;
}

// --- what a restart recovered (product words) -----------------------------------------------

Then('{region} recovered {int} writes from its log', function (this: TidalWorld, region: string, n: number) {
  expect(recovery(this, region).events).toBe(n);
});

Then(
  '{region} recovered {int} writes from its log and caught up the {int} it missed from the leader',
  async function (this: TidalWorld, region: string, recovered: number, missed: number) {
    const caughtUpEvents = await caughtUp(this, region);
    expect({ recovered: recovery(this, region).events, caughtUp: caughtUpEvents }).toEqual({
      recovered,
      caughtUp: missed,
    });
  },
);

// --- the write-ahead log (engineering words, @technical) ------------------------------------

Then(
  '{region} recovered {int} events from more than one segment',
  function (this: TidalWorld, region: string, n: number) {
    expect(recovery(this, region).events).toBe(n);
    expect(recovery(this, region).segments).toBeGreaterThan(1);
  },
);

Then('{region} found no torn write in its log', function (this: TidalWorld, region: string) {
  expect(recovery(this, region).truncatedBytes).toBe(0);
});

Then(
  '{region} cut off the half-written tail the crash left, and reported its size',
  function (this: TidalWorld, region: string) {
    const torn = this.noted.tornBytes.get(region);
    this.figures.tornBytes = torn ?? 0;
    expect(torn).toBeGreaterThan(0);
    expect(recovery(this, region).truncatedBytes).toBe(torn);
  },
);

Then(
  '{region} caught up {int} events from the leader within {duration}',
  async function (this: TidalWorld, region: string, n: number, ms: number) {
    const bound = timeBound(this.mode, ms);
    const deadline = this.cluster.now() + bound.allowedMs;
    while ((await caughtUp(this, region)) < n && this.cluster.now() < deadline) await this.cluster.advance(1);
    await this.cluster.advance(100); // and nothing more arrives
    const events = await caughtUp(this, region);
    await judgedWithin(bound, () => expect(events).toBe(n));
  },
);

Then(
  "{region}'s log is kept in more than one segment file, each named for its shard and first sequence number",
  function (this: TidalWorld, region: string) {
    if (!this.tempDir) throw new Error('this scenario does not keep its logs on disk; tag it @durable');
    const files = fs.readdirSync(path.join(this.tempDir, region, '0')).sort();
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(f).toMatch(/^00000-\d{20}\.wal$/);
    // Named for the first sequence number each holds: the log starts at 1 and each segment
    // starts after the one before it.
    const firsts = files.map((f) => Number(f.slice(6, 26)));
    expect(firsts[0]).toBe(1);
    for (let i = 1; i < firsts.length; i++) expect(firsts[i]).toBeGreaterThan(firsts[i - 1]!);
  },
);

// --- a log recovery cannot trust ------------------------------------------------------------

/** A damaged log: the segment recovery should name, and how to undo the damage. */
interface Damage {
  region: string;
  shard: number;
  /** The segment recovery must refuse at. */
  segment: string;
  /** The log's files and sizes right after the damage (recovery must leave them so). */
  files: string;
  repair: () => void;
}

const damages = new WeakMap<TidalWorld, Damage>();

function logFiles(world: TidalWorld, region: string, shard: number): string {
  const node = world.sim.node(region, shard);
  const dir = `${region}/${shard}`;
  return node.storage
    .list(dir)
    .map((name) => `${name}:${node.storage.size(dir, name)}`)
    .join(' ');
}

Given(
  "a segment named for shard {int} was copied into the log of {region}'s shard {int}",
  function (this: TidalWorld, foreign: number, region: string, shard: number) {
    const { storage } = this.sim.node(region, shard);
    const dir = `${region}/${shard}`;
    const [first] = storage.list(dir);
    if (!first) throw new Error(`${dir} has no segment to copy`);
    const name = `${String(foreign).padStart(5, '0')}${first.slice(5)}`;
    storage.append(dir, name, storage.read(dir, first));
    damages.set(this, {
      region,
      shard,
      segment: name,
      files: logFiles(this, region, shard),
      repair: () => storage.remove(dir, name),
    });
  },
);

Given(
  "the second segment of the log of {region}'s shard {int} went missing",
  function (this: TidalWorld, region: string, shard: number) {
    const { storage } = this.sim.node(region, shard);
    const dir = `${region}/${shard}`;
    const names = storage.list(dir);
    if (names.length < 3) throw new Error(`${dir} has ${names.length} segments; a gap needs 3 or more`);
    const missing = names[1]!;
    const bytes = storage.read(dir, missing);
    storage.remove(dir, missing);
    damages.set(this, {
      region,
      shard,
      segment: names[2]!,
      files: logFiles(this, region, shard),
      repair: () => storage.append(dir, missing, bytes),
    });
  },
);

When(
  'the replica of shard {int} in {region} tries to restart',
  async function (this: TidalWorld, shard: number, region: string) {
    await this.attempt(() => this.cluster.restart(region, shard));
  },
);

Then('recovery is refused, naming that segment: {string}', function (this: TidalWorld, reason: string) {
  const damage = damages.get(this);
  if (!damage) throw new Error('no segment of this scenario was damaged');
  const err = this.caught();
  expect(err).toBeInstanceOf(WalRecoveryError);
  expect((err as WalRecoveryError).path).toBe(`${damage.region}/${damage.shard}/${damage.segment}`);
  expect(err.message).toContain(reason);
});

Then('the log is left as it was', function (this: TidalWorld) {
  const damage = damages.get(this);
  if (!damage) throw new Error('no segment of this scenario was damaged');
  expect(logFiles(this, damage.region, damage.shard)).toBe(damage.files);
});

/**
 * After a damaged log's example, an operator restores it, as the refusal tells them to: the
 * end-of-scenario check restarts every crashed replica and must find a log it can read. This runs
 * after the example's last step, before the After hooks (which run the promise checker).
 */
AfterStep(function (this: TidalWorld, { pickle, pickleStep }) {
  const damage = damages.get(this);
  if (!damage || pickleStep.id !== pickle.steps.at(-1)?.id) return;
  damages.delete(this);
  damage.repair();
});
