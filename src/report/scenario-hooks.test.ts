/**
 * The step hooks' attachments (steps/support/hooks.ts) as Cucumber's report receives them, from a
 * real run of the partitions feature's cut-then-wait example: the seed's JSON first (the summary
 * and JUnit reports parse it), then the seed and replay command as a log line a reader sees
 * inline, and at the end the lag chart, the timeline, the region state (picture and Markdown), the
 * promise verdict, the system under test and the log, in that order; the chart runs past the
 * final heal to the convergence. (Not under steps/: Cucumber loads every .ts file there.)
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { recordRuns } from './record-run';
import { scenariosOfRun } from './run-attachments';

const ROOT = path.resolve(__dirname, '../..');
const FEATURE = 'features/partitions/partitions.feature';

test('hooks: seed JSON, seed log line, then lag chart, timeline, region state, verdict, system, log', async () => {
  delete process.env.TIDAL_SEED;
  const [run] = await recordRuns(
    [{ paths: [FEATURE], names: ['^The gap grows for as long as the cut lasts$'] }],
    ROOT,
  );
  const scenarios = [...scenariosOfRun(run!).values()];
  assert.equal(scenarios.length, 1);
  const [scenario] = scenarios;
  assert.equal(scenario!.status, 'PASSED');
  const attachments = scenario!.attachments;
  assert.deepEqual(
    attachments.map((a) => [a.fileName ?? '', a.mediaType]),
    [
      ['seed.json', 'application/vnd.tidal.seed+json'],
      ['', 'text/x.cucumber.log+plain'],
      ['replication-lag.svg', 'image/svg+xml'],
      ['timeline.svg', 'image/svg+xml'],
      ['region-state.svg', 'image/svg+xml'],
      ['region-state.md', 'text/markdown'],
      ['promises.json', 'application/vnd.tidal.promises+json'],
      ['system-under-test.json', 'application/vnd.tidal.system+json'],
      ['scenario-log.ndjson', 'text/plain'],
    ],
  );
  const line = scenario!.key.split(':').at(-1);
  assert.equal(
    attachments[1]!.body,
    `seed 42 — replay: TIDAL_SEED=42 npx cucumber-js ${FEATURE}:${line}`,
    'the seed and its replay command, as a reader of cucumber.html sees them',
  );
  const svg = (i: number): string => Buffer.from(attachments[i]!.body, 'base64').toString('utf8');
  for (const i of [2, 3, 4]) assert.equal(attachments[i]!.contentEncoding, 'BASE64');
  assert.match(svg(2), /steps end: heal all/);
  assert.match(svg(2), /converged after \d+ ms/);
  assert.match(svg(3), /us-east ⇹ eu-west partitioned/);
  assert.match(svg(4), /when the steps ended, t = 1600 ms/);
  assert.match(attachments[5]!.body, /t = 1600 ms/);
});
