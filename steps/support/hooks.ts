/**
 * Scenario lifecycle: every scenario gets its seed (and a replay command) attached first, as JSON
 * for the reports that parse it and as a log line a reader of cucumber.html sees. At the end the
 * checkers run on every cluster: heal every fault, converge, and verify that no acknowledged
 * write was lost or counted twice, scores match the writes, HLCs were monotonic and sessions
 * kept their guarantees. Then the pictures: the lag chart and the timeline over the whole
 * scenario, final heal and catch-up included, and the region state when the steps ended (taken
 * before the heal). Then the verdict on every promise and the system under test
 * (src/report/verdicts.ts) for the sign-off report, the measured figures and the structured log.
 * A violation fails the scenario with its evidence and its seed; a failed scenario also gets what
 * its cluster offers beyond that (a real deployment's node logs: `Cluster.attachments`). Last of
 * all the cluster is closed: a real deployment's processes stop, a durable one's files go.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  After,
  Before,
  BeforeStep,
  Status,
  type ITestCaseHookParameter,
  type ITestStepHookParameter,
} from '@cucumber/cucumber';
import {
  BAD_INPUT_JUDGED_WHERE_SENT,
  InvariantViolationError,
  PROMISES,
  type UncheckedPromise,
  type Violation,
} from '../../src/cluster';
import { logAttachment, scenarioAttachments } from '../../src/report/attachments';
import { figuresAttachments } from '../../src/report/figures-table';
import { replayCommand, resolveSeed, seedAttachment } from '../../src/report/seed';
import { seedLogLine } from '../../src/report/seed-log';
import {
  PROMISES_FILE_NAME,
  PROMISES_MEDIA_TYPE,
  promisesVerdict,
  SYSTEM_FILE_NAME,
  SYSTEM_MEDIA_TYPE,
} from '../../src/report/verdicts';
import type { TidalWorld } from './world';

Before(function (this: TidalWorld, { pickle }: ITestCaseHookParameter) {
  // A pickle's location is its scenario's line, or its example row's for a Scenario Outline.
  this.location = { uri: pickle.uri, line: pickle.location?.line ?? 0 };
  this.seed = resolveSeed(pickle.tags.map((t) => t.name));
  const { body, mediaType } = seedAttachment(this.seed, this.location.uri, this.location.line);
  this.attach(body, { mediaType, fileName: 'seed.json' });
  this.log(seedLogLine(this.seed, this.location.uri, this.location.line));
});

// The step running now, so a step that needs the simulator can say which (SimulatorOnlyError).
BeforeStep(function (this: TidalWorld, { pickleStep }: ITestStepHookParameter) {
  this.currentStep = pickleStep.text;
});

Before({ tags: '@durable' }, function (this: TidalWorld) {
  this.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-uat-'));
});

// Cucumber runs After hooks in reverse order of definition: this one runs after the checkers below.
After(async function (this: TidalWorld) {
  await this.closeCluster(); // stop a deployment's processes; release the segment files before removing them
  if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
  if (this.tempDir && fs.existsSync(this.tempDir))
    throw new Error(`durable scenario left files behind in ${this.tempDir}`);
});

After(async function (this: TidalWorld, { result }: ITestCaseHookParameter) {
  const violations: Violation[] = [];
  const unchecked: UncheckedPromise[] = [];
  const notExercised: UncheckedPromise[] = [];
  if (this.hasCluster) {
    const cluster = this.cluster;
    const atStepsEnd = await cluster.snapshot();
    let checked = false;
    try {
      const check = await cluster.healAndCheck();
      violations.push(...check.violations);
      unchecked.push(...check.unchecked);
      // Bad input is judged where it is sent (the steps that see it refused and nothing changed),
      // not by the checker after the scenario: a scenario that sent none did not exercise it.
      if (!this.judged.has('bad-input')) notExercised.push(BAD_INPUT_JUDGED_WHERE_SENT);
      checked = true;
    } finally {
      // After the check, so the charts draw the final heal and the catch-up; even if it threw.
      for (const a of await scenarioAttachments({ atStepsEnd, atEnd: await cluster.snapshot() }))
        this.attach(a.body, { mediaType: a.mediaType, fileName: a.fileName });
      const failed = result?.status === Status.FAILED || !checked || violations.length > 0;
      if (failed && cluster.attachments)
        for (const a of await cluster.attachments())
          this.attach(a.body, { mediaType: a.mediaType, fileName: a.name });
    }
    this.attach(JSON.stringify(promisesVerdict(PROMISES, violations, unchecked, notExercised)), {
      mediaType: PROMISES_MEDIA_TYPE,
      fileName: PROMISES_FILE_NAME,
    });
    this.attach(JSON.stringify(cluster.systemUnderTest()), {
      mediaType: SYSTEM_MEDIA_TYPE,
      fileName: SYSTEM_FILE_NAME,
    });
  }
  for (const a of figuresAttachments(this.figures))
    this.attach(a.body, { mediaType: a.mediaType, fileName: a.fileName });
  if (violations.length) this.logger.error({ violations }, 'invariant violations');
  for (const a of logAttachment(this.scenarioLog.ndjson()))
    this.attach(a.body, { mediaType: a.mediaType, fileName: a.fileName });
  const replay = replayCommand(this.seed, this.location.uri, this.location.line);
  if (result?.status === Status.FAILED || violations.length) {
    process.stderr.write(`\n  seed ${this.seed} — replay: ${replay}\n`);
  }
  if (violations.length) {
    const err = new InvariantViolationError(violations, this.seed);
    err.message += `\n  replay: ${replay}`;
    throw err;
  }
});
