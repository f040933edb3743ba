/** Steps about crashes and restarts: what a replica recovers from its log and what it catches up. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import type { RecoveryReport } from '../src/engine';
import type { TidalWorld } from './support/world';

Given('write-ahead log segments roll at {int} bytes', function (this: TidalWorld, bytes: number) {
  this.config.wal = { segmentBytes: bytes };
});

When('{region} crashes', function (this: TidalWorld, region: string) {
  this.cluster.crashRegion(region);
});

When('{region} crashes in the middle of a write', function (this: TidalWorld, region: string) {
  this.noted.tornBytes.set(region, this.sim.crashRegionTearingWrites(region));
});

When('{region} restarts', function (this: TidalWorld, region: string) {
  const report = this.cluster.restartRegion(region);
  this.recoveries.set(region, report);
  this.noted.appliedAtRestart.set(region, this.cluster.appliedSeqNo(region));
  this.figures.recoveredEvents = report.events;
  this.figures.recoveredSegments = report.segments;
  this.figures.truncatedBytes = report.truncatedBytes;
});

function recovery(world: TidalWorld, region: string): RecoveryReport {
  const report = world.recoveries.get(region);
  if (!report) throw new Error(`${region} has not restarted in this scenario`);
  return report;
}

Then('{region} recovered {int} events from its log', function (this: TidalWorld, region: string, n: number) {
  expect(recovery(this, region).events).toBe(n);
});

Then('{region} recovered its log from more than one segment', function (this: TidalWorld, region: string) {
  expect(recovery(this, region).segments).toBeGreaterThan(1);
});

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
  '{region} caught up {int} events from the leader',
  function (this: TidalWorld, region: string, n: number) {
    const atRestart = this.noted.appliedAtRestart.get(region);
    if (atRestart === undefined) throw new Error(`${region} has not restarted in this scenario`);
    this.figures.caughtUpEvents = this.cluster.appliedSeqNo(region) - atRestart;
    expect(this.figures.caughtUpEvents).toBe(n);
  },
);

Then(
  "{region}'s log is kept in segment files named for its shard and first sequence number",
  function (this: TidalWorld, region: string) {
    if (!this.tempDir) throw new Error('this scenario does not keep its logs on disk; tag it @durable');
    const dir = path.join(this.tempDir, region, '0');
    const files = fs.readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toMatch(/^00000-\d{20}\.wal$/);
  },
);
