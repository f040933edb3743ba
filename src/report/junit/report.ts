/**
 * Builds the JUnit report of a run from Cucumber's messages, read through @cucumber/query. One
 * test case per scenario (per example row of an outline), its last attempt when retried.
 *
 * How Cucumber's statuses map, so that a CI test tab is green exactly when a strict run passes:
 *   passed                          → no child element
 *   failed                          → <failure type="{exception type}">: a check failed
 *   undefined, pending, ambiguous   → <error type="undefined|pending|ambiguous">: the scenario could
 *                                     not run as written (a problem with the test's implementation,
 *                                     the schema's definition of an error); a strict run fails on each
 *   unknown (no result recorded)    → <error type="unknown">
 *   skipped (a step or hook skipped the scenario, nothing failed) → <skipped>
 * A BeforeAll/AfterAll hook that did not pass, and an exception that ended the run, become one
 * extra test case each (classname = the suite's name) with an <error>, since no scenario carries them.
 * Every problem names its step, and the scenario's seed and replay command when it attached one
 * (src/report/seed.ts), in the message and in the text.
 */
import * as os from 'node:os';
import {
  TestStepResultStatus,
  TimeConversion,
  type Envelope,
  type TestCaseStarted,
} from '@cucumber/messages';
import { Query } from '@cucumber/query';
import { parseSeedAttachment, SEED_MEDIA_TYPE, type SeedInfo } from '../seed';
import type { JunitProblem, JunitSuite, JunitTestCase } from './model';
import { timestampUtc } from './xml';

/** Options of the junit formatter (`formatOptions: { junit: { suiteName } }`) and of a merge. */
export interface JunitOptions {
  /** The testsuite's name; default "tidal-uat". */
  suiteName?: string;
  /** The host the report names; default this machine's hostname, else "localhost". */
  hostname?: string;
  /** Extra `<property>` pairs, after those read from the run (a merge adds its shard count). */
  properties?: [string, string][];
}

const S = TestStepResultStatus;

function seconds(duration: { seconds: number; nanos: number } | undefined): number {
  return duration === undefined ? 0 : TimeConversion.durationToMilliseconds(duration) / 1000;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n').find((line) => line.trim() !== '') ?? '';
}

function seedOf(query: Query, testCaseStarted: TestCaseStarted): SeedInfo | undefined {
  for (const [finished] of query.findTestStepFinishedAndTestStepBy(testCaseStarted)) {
    for (const attachment of query.findAttachmentsBy(finished)) {
      if (attachment.mediaType !== SEED_MEDIA_TYPE) continue;
      const body =
        attachment.contentEncoding === 'BASE64'
          ? Buffer.from(attachment.body, 'base64').toString('utf8')
          : attachment.body;
      const seed = parseSeedAttachment(body);
      if (seed) return seed;
    }
  }
  return undefined;
}

/** The problem of one attempt, or undefined when it passed. */
function problemOf(
  query: Query,
  testCaseStarted: TestCaseStarted,
  seed: SeedInfo | undefined,
): JunitProblem | undefined {
  const worst = query.findMostSevereTestStepResultBy(testCaseStarted);
  if (worst === undefined || worst.status === S.PASSED) return undefined;
  const culprit = query
    .findTestStepFinishedAndTestStepBy(testCaseStarted)
    .find(([finished]) => finished.testStepResult.status === worst.status);
  const step = culprit === undefined ? 'no step' : describeStep(query, culprit[1]);
  const status = worst.status.toLowerCase();
  const reason =
    firstLine(worst.exception?.message) ||
    firstLine(worst.message) ||
    {
      [S.UNDEFINED]: 'no step definition matches this step',
      [S.PENDING]: 'the step is pending (not yet implemented)',
      [S.AMBIGUOUS]: 'more than one step definition matches this step',
      [S.SKIPPED]: 'a step or hook skipped the scenario',
      [S.UNKNOWN]: 'no result was recorded',
      [S.FAILED]: 'failed',
      [S.PASSED]: '',
    }[worst.status];
  const replay = seed === undefined ? '' : ` (seed ${seed.seed}; replay: ${seed.replay})`;
  const detail = [
    `${status}: ${step}`,
    ...(seed === undefined ? [] : [`seed: ${seed.seed}`, `replay: ${seed.replay}`]),
    '',
    worst.exception?.stackTrace ?? worst.message ?? reason,
    ...(culprit !== undefined && worst.status === S.UNDEFINED ? snippets(query, culprit[1]) : []),
  ].join('\n');
  const kind = worst.status === S.FAILED ? 'failure' : worst.status === S.SKIPPED ? 'skipped' : 'error';
  const type = worst.status === S.FAILED ? (worst.exception?.type ?? 'Error') : status;
  return { kind, type, message: `${status === 'failed' ? '' : `${status}: `}${reason}${replay}`, detail };
}

function describeStep(query: Query, testStep: Parameters<Query['findPickleStepBy']>[0]): string {
  const pickleStep = query.findPickleStepBy(testStep);
  if (pickleStep !== undefined) {
    const keyword = query.findStepBy(pickleStep)?.keyword.trim() ?? '';
    return `${keyword} ${pickleStep.text}`.trim();
  }
  const hook = query.findHookBy(testStep);
  if (hook === undefined) return 'a hook';
  const when = hook.type === 'AFTER_TEST_CASE' ? 'After' : 'Before';
  const where = hook.sourceReference.uri
    ? ` (${hook.sourceReference.uri}:${hook.sourceReference.location?.line ?? '?'})`
    : '';
  return `${when} hook${hook.name ? ` "${hook.name}"` : ''}${where}`;
}

function snippets(query: Query, testStep: Parameters<Query['findPickleStepBy']>[0]): string[] {
  const pickleStep = query.findPickleStepBy(testStep);
  if (pickleStep === undefined) return [];
  const code = query.findSuggestionsBy(pickleStep).flatMap((s) => s.snippets.map((snippet) => snippet.code));
  return code.length === 0 ? [] : ['', 'Implement it with:', ...code];
}

function stepLines(query: Query, testCaseStarted: TestCaseStarted): string[] {
  return query
    .findTestStepFinishedAndTestStepBy(testCaseStarted)
    .filter(([, testStep]) => testStep.pickleStepId !== undefined)
    .map(
      ([finished, testStep]) =>
        `    ${describeStep(query, testStep)} … ${finished.testStepResult.status.toLowerCase()}`,
    );
}

/** Names unique within each classname: a repeated name gets its line, `name (line 12)`. */
function distinctNames(testCases: (JunitTestCase & { line: number })[]): void {
  const seen = new Map<string, number>();
  for (const t of testCases) {
    const key = `${t.classname}\u0000${t.name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const t of testCases)
    if ((seen.get(`${t.classname}\u0000${t.name}`) ?? 0) > 1) t.name = `${t.name} (line ${t.line})`;
}

function scenarioTestCases(query: Query): JunitTestCase[] {
  const started = query.findAllTestCaseStartedOrderBy(
    (q, testCaseStarted) => q.findPickleBy(testCaseStarted),
    (a, b) => a.uri.localeCompare(b.uri) || (a.location?.line ?? 0) - (b.location?.line ?? 0),
  );
  const testCases = started.map((testCaseStarted) => {
    const pickle = query.findPickleBy(testCaseStarted);
    const lineage = pickle === undefined ? undefined : query.findLineageBy(pickle);
    const classname = lineage?.feature?.name || pickle?.uri || 'unknown feature';
    let name = pickle?.name ?? 'unknown scenario';
    // An example row whose name is not parameterised would repeat its outline's name: number it.
    if (lineage?.example && name === lineage.scenario?.name)
      name = `${name} #${(lineage.examplesIndex ?? 0) + 1}.${(lineage.exampleIndex ?? 0) + 1}`;
    const line = pickle?.location?.line ?? 0;
    const seed = seedOf(query, testCaseStarted);
    const problem = problemOf(query, testCaseStarted, seed);
    const status = query.findMostSevereTestStepResultBy(testCaseStarted)?.status.toLowerCase() ?? 'passed';
    const output = [
      `${classname} › ${name} (${pickle?.uri ?? '?'}:${line}): ${status}${seed ? `, seed ${seed.seed}` : ''}`,
      ...stepLines(query, testCaseStarted),
    ];
    const timeSeconds = seconds(query.findTestCaseDurationBy(testCaseStarted));
    return { classname, name, timeSeconds, output, line, ...(problem ? { problem } : {}) };
  });
  distinctNames(testCases);
  return testCases.map(({ line: _line, ...testCase }) => testCase);
}

/** The run-level problems no scenario carries: a failing BeforeAll/AfterAll hook, an exception that ended the run. */
function runTestCases(query: Query, suiteName: string): JunitTestCase[] {
  const cases: JunitTestCase[] = [];
  for (const finished of query.findAllTestRunHookFinished()) {
    if (finished.result.status === S.PASSED) continue;
    const hook = query.findHookBy(finished);
    const when = hook?.type === 'AFTER_TEST_RUN' ? 'AfterAll' : 'BeforeAll';
    const where = hook
      ? `${hook.sourceReference.uri ?? '?'}:${hook.sourceReference.location?.line ?? '?'}`
      : '?';
    const name = `${when} hook${hook?.name ? ` "${hook.name}"` : ''} (${where})`;
    const reason =
      firstLine(finished.result.exception?.message) || firstLine(finished.result.message) || 'did not pass';
    const status = finished.result.status.toLowerCase();
    cases.push({
      classname: suiteName,
      name,
      timeSeconds: seconds(finished.result.duration),
      problem: {
        kind: 'error',
        type: finished.result.exception?.type ?? status,
        message: `${status}: ${reason}`,
        detail: `${status}: ${name}\n\n${finished.result.exception?.stackTrace ?? finished.result.message ?? reason}`,
      },
      output: [`${suiteName} › ${name}: ${status}`],
    });
  }
  const exception = query.findTestRunFinished()?.exception;
  if (exception !== undefined) {
    const reason = firstLine(exception.message) || exception.type;
    cases.push({
      classname: suiteName,
      name: 'test run',
      timeSeconds: 0,
      problem: {
        kind: 'error',
        type: exception.type,
        message: reason,
        detail: exception.stackTrace ?? reason,
      },
      output: [`${suiteName} › test run: ended by ${exception.type}: ${reason}`],
    });
  }
  return cases;
}

function metaProperties(query: Query): [string, string][] {
  const meta = query.findMeta();
  const properties: [string, string][] = [['timestamp.zone', 'UTC']];
  if (meta === undefined) return properties;
  properties.push([meta.implementation.name, meta.implementation.version ?? '']);
  properties.push([meta.runtime.name, meta.runtime.version ?? '']);
  properties.push(['os', `${meta.os.name} ${meta.os.version ?? ''}`.trim()]);
  if (meta.ci) properties.push(['ci', `${meta.ci.name}${meta.ci.url ? ` ${meta.ci.url}` : ''}`]);
  return properties;
}

/** The JUnit report of the run whose messages `query` has read. */
export function junitSuite(query: Query, options: JunitOptions = {}): JunitSuite {
  const name = options.suiteName?.trim() || 'tidal-uat';
  const started = query.findTestRunStarted();
  const startedMs = started ? TimeConversion.timestampToMillisecondsSinceEpoch(started.timestamp) : 0;
  return {
    name,
    timestamp: timestampUtc(startedMs),
    hostname: options.hostname?.trim() || os.hostname().trim() || 'localhost',
    timeSeconds: seconds(query.findTestRunDuration()),
    properties: [...metaProperties(query), ...(options.properties ?? [])],
    testCases: [...scenarioTestCases(query), ...runTestCases(query, name)],
  };
}

/** The JUnit report of a whole message stream. */
export function junitSuiteOf(envelopes: Iterable<Envelope>, options: JunitOptions = {}): JunitSuite {
  const query = new Query();
  for (const envelope of envelopes) query.update(envelope);
  return junitSuite(query, options);
}
