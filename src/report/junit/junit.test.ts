/**
 * The junit formatter: its report validates against the Apache Ant JUnit schema (xmllint; the
 * schema tests report themselves skipped when xmllint is missing) for a real run, for the
 * deliberately failing demo run and for Cucumber's compatibility kit samples, and a failure
 * carries its seed and replay command.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { junitSuiteOf } from './report';
import { runCucumberCli, type CliRun } from './testing/cucumber-cli';
import { validateJunit, XMLLINT_SKIP } from './testing/xmllint';
import { escapeAttribute, junitXml, timestampUtc } from './xml';

const KIT = path.resolve(__dirname, '../../../node_modules/@cucumber/compatibility-kit/features');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-junit-'));
const runs: CliRun[] = [];
after(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const run of runs) fs.rmSync(run.reports, { recursive: true, force: true });
});

function kitSample(name: string): Envelope[] {
  const text = fs.readFileSync(path.join(KIT, name, `${name}.ndjson`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Envelope);
}

// Both command lines start at once (the machine has two cores); each test awaits its own.
const passing = runCucumberCli([
  'features/clocks/clock-skew.feature',
  'features/bad-input/bad-batches.feature',
]);
const failing = runCucumberCli(['--tags', '@demo-failure']);
void passing.then((r) => runs.push(r));
void failing.then((r) => runs.push(r));

test('junit: schema: a real run of two features validates', { skip: XMLLINT_SKIP }, async () => {
  const run = await passing;
  assert.equal(run.code, 0, run.stderr);
  const file = path.join(run.reports, 'junit.xml');
  const verdict = validateJunit([file]);
  assert.ok(verdict.ok, verdict.output);
});

test('junit: a real run: one test case per scenario and example row, each name distinct', async () => {
  const xml = fs.readFileSync(path.join((await passing).reports, 'junit.xml'), 'utf8');
  const cases = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map(
    (m) => `${m[1]}|${m[2]}`,
  );
  const scenarios = 6 + 13; // clock-skew: 6 scenarios; bad-batches: 12 example rows and 1 scenario
  assert.equal(cases.length, scenarios);
  assert.equal(new Set(cases).size, cases.length, 'every (classname, name) is distinct');
  assert.match(
    xml,
    /<testsuite name="tidal-uat" timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d" hostname="[^"]+" tests="19" failures="0" errors="0" skipped="0"/,
  );
});

test('junit: schema: the failing demo run validates', { skip: XMLLINT_SKIP }, async () => {
  const run = await failing;
  assert.equal(run.code, 1, 'the demo scenario fails on purpose');
  const verdict = validateJunit([path.join(run.reports, 'junit.xml')]);
  assert.ok(verdict.ok, verdict.output);
});

test('junit: a failure carries its seed and the TIDAL_SEED= command that replays it', async () => {
  const xml = fs.readFileSync(path.join((await failing).reports, 'junit.xml'), 'utf8');
  const failure = /<failure type="Error" message="([^"]*)">([^<]*)<\/failure>/.exec(xml);
  assert.ok(failure, xml);
  const replay = 'TIDAL_SEED=4242 npx cucumber-js features/demo/demo-failure.feature:10';
  assert.match(failure[1], /^Demo failure \(on purpose\)/);
  assert.ok(failure[1].endsWith(`(seed 4242; replay: ${replay})`), failure[1]);
  assert.match(failure[2], /^failed: Then the demo check deliberately fails\nseed: 4242\n/);
  assert.ok(failure[2].includes(`replay: ${replay}\n`), failure[2]);
  assert.match(xml, /tests="1" failures="1" errors="0" skipped="0"/);
});

test('junit: schema: every compatibility kit sample validates', { skip: XMLLINT_SKIP }, () => {
  const files = fs.readdirSync(KIT).map((name) => {
    const file = path.join(scratch, `${name}.xml`);
    fs.writeFileSync(file, junitXml(junitSuiteOf(kitSample(name))));
    return file;
  });
  assert.ok(files.length >= 40, `${files.length} samples`);
  const verdict = validateJunit(files);
  assert.ok(verdict.ok, verdict.output);
});

test('junit: statuses: failed is a failure; undefined, pending, ambiguous are errors; skipped is skipped', () => {
  const suite = junitSuiteOf(kitSample('all-statuses'));
  const kinds = suite.testCases.map((t) => [t.name, t.problem?.kind ?? 'passed', t.problem?.type]);
  const byStep = (step: string) => suite.testCases.find((t) => t.problem?.detail.includes(step))?.problem;
  assert.equal(byStep('a failing step')?.kind, 'failure', JSON.stringify(kinds));
  assert.deepEqual(
    [byStep('an undefined step')?.kind, byStep('an undefined step')?.type],
    ['error', 'undefined'],
  );
  assert.deepEqual([byStep('a pending step')?.kind, byStep('a pending step')?.type], ['error', 'pending']);
  assert.deepEqual(
    [byStep('an ambiguous step')?.kind, byStep('an ambiguous step')?.type],
    ['error', 'ambiguous'],
  );
  assert.equal(byStep('a skipped step')?.kind, 'skipped');
});

test('junit: retry: only the last attempt of a retried scenario counts', () => {
  const suite = junitSuiteOf(kitSample('retry'));
  assert.equal(suite.testCases.length, 4);
  assert.deepEqual(
    suite.testCases.map((t) => t.problem?.kind ?? 'passed'),
    ['passed', 'passed', 'passed', 'failure'],
  );
});

test('junit: a failing BeforeAll hook is an error test case of its own', () => {
  const suite = junitSuiteOf(kitSample('global-hooks-beforeall-error'));
  const hook = suite.testCases.find((t) => t.name.startsWith('BeforeAll hook'));
  assert.equal(hook?.problem?.kind, 'error');
  assert.equal(hook?.classname, 'tidal-uat');
});

test('junit: xml: control characters and colour codes are dropped, quotes and line breaks escaped', () => {
  assert.equal(escapeAttribute('a\u001b[31m"b"\u0000\n<c>&'), 'a&quot;b&quot;&#10;&lt;c&gt;&amp;');
  assert.equal(timestampUtc(Date.UTC(2026, 10, 30, 18, 5, 9, 999)), '2026-11-30T18:05:09');
});
