/**
 * Steps of the @demo-failure feature: a scenario that fails on purpose so the reports can be
 * seen failing (seed and replay command in summary.html and summary.md, region table, lag chart
 * and log in cucumber.html). Self-contained: a fixed sample snapshot, no cluster.
 */
import { Before, Given, Then, type IWorld } from '@cucumber/cucumber';
import { logAttachment, scenarioAttachments } from '../src/report/attachments';
import { createScenarioLogger } from '../src/report/logger';
import { sampleSnapshot } from '../src/report/sample-snapshot';
import { seedAttachment } from '../src/report/seed';

/** Seed of the demo when TIDAL_SEED is not set. */
const DEMO_SEED = 4242;

function demoSeed(): number {
  const raw = process.env.TIDAL_SEED;
  if (raw === undefined || raw === '') return DEMO_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed))
    throw new Error(`TIDAL_SEED="${raw}" is not an integer; set it to a seed such as 42.`);
  return seed;
}

Before({ tags: '@demo-failure' }, function (this: IWorld, { pickle }) {
  const { body, mediaType } = seedAttachment(demoSeed(), pickle.uri, pickle.location?.line ?? 0);
  this.attach(body, { mediaType });
});

Given('the demo replication snapshot is attached to the report', async function (this: IWorld) {
  const snapshot = sampleSnapshot(demoSeed());
  const { logger, ndjson } = createScenarioLogger({ now: () => snapshot.nowMs });
  logger.info({ seed: snapshot.seed, regions: 3 }, 'demo snapshot taken');
  for (const item of [...(await scenarioAttachments(snapshot)), ...logAttachment(ndjson())]) {
    this.attach(item.body, { mediaType: item.mediaType, fileName: item.fileName });
  }
});

Then('the demo check deliberately fails', function () {
  throw new Error(
    'Demo failure (on purpose): expected replica ap-south/1 to have lag 0 events, but it lags 16 events. ' +
      'This scenario exists to show how a failure reads in the reports; the real suite runs without --tags @demo-failure.',
  );
});
