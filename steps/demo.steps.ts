/**
 * Steps of the @demo-failure feature: a scenario that fails on purpose so the reports can be
 * seen failing (seed and replay command in summary.html and summary.md, region table, lag chart
 * and log in cucumber.html). Self-contained: a fixed sample snapshot, no cluster.
 */
import { Given, Then } from '@cucumber/cucumber';
import { logAttachment, scenarioAttachments } from '../src/report/attachments';
import { createScenarioLogger } from '../src/report/logger';
import { sampleSnapshots } from '../src/report/testing/sample-snapshot';
import type { TidalWorld } from './support/world';

// The seed is the World's, as for every scenario (the hooks resolve it and attach it once).
Given('the demo replication snapshot is attached to the report', async function (this: TidalWorld) {
  const snapshots = sampleSnapshots(this.seed);
  const { logger, ndjson } = createScenarioLogger({ now: () => snapshots.atEnd.nowMs });
  logger.info({ seed: snapshots.atEnd.seed, regions: 3 }, 'demo snapshot taken');
  for (const item of [...(await scenarioAttachments(snapshots)), ...logAttachment(ndjson())]) {
    this.attach(item.body, { mediaType: item.mediaType, fileName: item.fileName });
  }
});

Then('the demo check deliberately fails', function () {
  throw new Error(
    'Demo failure (on purpose): expected replica ap-south/1 to have lag 0 events, but it lags 16 events. ' +
      'This scenario exists to show how a failure reads in the reports; the real suite runs without --tags @demo-failure.',
  );
});
