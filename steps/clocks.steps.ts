/**
 * Steps that skew and correct region clocks, bound how far ahead a remote clock may be, and
 * check what hybrid logical clocks promise: order and causality whatever the wall clocks say.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { ClockSkewError, compareHlc } from '../src/engine';
import type { TidalWorld } from './support/world';

Given(
  'a region accepts remote clocks at most {duration} ahead of its own',
  function (this: TidalWorld, ms: number) {
    if (this.hasCluster) throw new Error('say how far ahead clocks may run before "Given a cluster of …"');
    this.config.maxDriftMs = ms;
  },
);

Given(
  'the clock of {region} runs {duration} ahead',
  async function (this: TidalWorld, region: string, ms: number) {
    await this.cluster.skewClock(region, ms);
  },
);

Given(
  'the clock of {region} runs {duration} behind',
  async function (this: TidalWorld, region: string, ms: number) {
    await this.cluster.skewClock(region, -ms);
  },
);

Given(
  'the clock of {region} gains {int} ms every second',
  async function (this: TidalWorld, region: string, msPerS: number) {
    await this.cluster.skewClock(region, 0, msPerS);
  },
);

When('the clock of {region} is corrected', async function (this: TidalWorld, region: string) {
  await this.cluster.unskewClock(region);
});

Then(
  '{region} refused the writes from {region} because its clock ran more than {duration} ahead',
  function (this: TidalWorld, region: string, from: string, ms: number) {
    const refused = this.cluster.rejections
      .filter(
        (r) => r.replica.startsWith(`${region}/`) && r.from === from && r.error instanceof ClockSkewError,
      )
      .map((r) => r.error);
    expect(refused.length).toBeGreaterThan(0);
    const err = refused[0] as ClockSkewError;
    expect(err).toBeInstanceOf(ClockSkewError);
    expect(err.maxDriftMs).toBe(ms);
    expect(err.remoteWallMs - err.localPhysicalMs).toBeGreaterThan(ms);
    expect(err.message).toMatch(
      /ahead of the local clock .* more than maxDriftMs=\d+; the message was not applied and will be retried/,
    );
    this.figures.clockSkewRefusals = refused.length;
    this.logger.info({ region, from, refused: refused.length, example: err.message }, 'clock skew refusals');
  },
);

Then('no region refused a message for clock skew', function (this: TidalWorld) {
  expect(
    this.cluster.rejections.filter((r) => r.error instanceof ClockSkewError).map((r) => r.error.message),
  ).toEqual([]);
});

Then(
  "every region's clock stamps moved only forward, each after every stamp it received",
  function (this: TidalWorld) {
    this.figures.hlcStampsChecked = this.sim.hlcMonitor.observed;
    expect(this.sim.hlcMonitor.observed).toBeGreaterThan(0);
    expect(this.sim.hlcMonitor.violations).toEqual([]);
  },
);

Then('each shard stamped its acknowledgements in strictly increasing order', function (this: TidalWorld) {
  const backwards = this.acks.filter((a, i) =>
    this.acks.slice(0, i).some((b) => b.shard === a.shard && compareHlc(a.hlc, b.hlc) <= 0),
  );
  expect(this.acks.length).toBeGreaterThan(1);
  expect(backwards).toEqual([]);
});
