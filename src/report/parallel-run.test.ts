/**
 * The reports of a run in worker processes (`--profile parallel`: `--parallel 2`, longest first)
 * are those of the same run in one process: every scenario reported exactly once, in every report,
 * with byte-identical attachments (wall-clock measurements apart), whichever worker ran it. Runs
 * the real command line twice on three cheap features (a durable one among them, for the tagged
 * hooks' temp dirs), the parallel run with the serial run's messages as its "previous run", so the
 * longest-first plugin (steps/support/longest-first.js) orders it from measured times.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Envelope, Pickle } from '@cucumber/messages';
import { WALL_CLOCK_FILE_NAME } from './attachments';
import { runCucumberCli } from './junit/testing/cucumber-cli';
import { compareRuns, scenariosOfRun } from './run-attachments';

interface Scheduled {
  pickle: Pickle;
}
interface LongestFirst {
  durationsFrom(text: string): Map<string, number>;
  longestFirst<T extends Scheduled>(pickles: T[], durations: Map<string, number>): T[];
}
const plugin = require('../../steps/support/longest-first.js') as LongestFirst;

const FEATURES = [
  'features/recovery/crash-restart.feature',
  'features/idempotency/retries.feature',
  'features/failover/quorum-acks.feature',
];

function envelopesIn(dir: string): Envelope[] {
  const text = fs.readFileSync(path.join(dir, 'messages.ndjson'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Envelope);
}

const locationOf = (p: Pickle): string => `${p.uri}:${p.location?.line ?? 0}`;

/** Pickles by id, and how many times each was started and finished, with the workers that ran it. */
function tally(envelopes: readonly Envelope[]) {
  const pickles = new Map<string, Pickle>();
  const pickleOfTestCase = new Map<string, string>();
  const pickleOfStarted = new Map<string, string>();
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  const workers = new Set<string>();
  const testCaseOrder: string[] = [];
  for (const e of envelopes) {
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    if (e.testCase) {
      pickleOfTestCase.set(e.testCase.id, e.testCase.pickleId);
      testCaseOrder.push(e.testCase.pickleId);
    }
    if (e.testCaseStarted) {
      const pickleId = pickleOfTestCase.get(e.testCaseStarted.testCaseId) ?? '?';
      pickleOfStarted.set(e.testCaseStarted.id, pickleId);
      started.set(pickleId, (started.get(pickleId) ?? 0) + 1);
      workers.add(e.testCaseStarted.workerId ?? 'none');
    }
    if (e.testCaseFinished) {
      const pickleId = pickleOfStarted.get(e.testCaseFinished.testCaseStartedId) ?? '?';
      finished.set(pickleId, (finished.get(pickleId) ?? 0) + 1);
    }
  }
  return { pickles, started, finished, workers, testCaseOrder };
}

/** The `<testcase>` elements of a junit.xml, as classname and name, in order. */
function junitCases(dir: string): string[] {
  const xml = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
  return [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => `${m[1]} / ${m[2]}`);
}

/** summary.md without what differs between any two runs (date, commit, took, durations, their padding). */
function summaryShape(dir: string): string[] {
  return fs
    .readFileSync(path.join(dir, 'summary.md'), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('- suite commit:'))
    .map((line) =>
      line
        .replace(/\b\d+(\.\d+)? (ms|s)\b/g, '<time>')
        .replace(/ +/g, ' ')
        .replace(/-{3,}/g, '---'),
    );
}

test('parallel: longest first: a scenario is placed by its last time; an unknown one by the mean', () => {
  const stream = [
    { pickle: { id: 'p1', uri: 'a.feature', name: 'short', location: { line: 3 } } },
    { pickle: { id: 'p2', uri: 'a.feature', name: 'long', location: { line: 9 } } },
    { testCase: { id: 't1', pickleId: 'p1' } },
    { testCase: { id: 't2', pickleId: 'p2' } },
    { testCaseStarted: { id: 's1', testCaseId: 't1', timestamp: { seconds: 10, nanos: 0 } } },
    { testCaseFinished: { testCaseStartedId: 's1', timestamp: { seconds: 10, nanos: 100_000_000 } } },
    { testCaseStarted: { id: 's2', testCaseId: 't2', timestamp: { seconds: 11, nanos: 0 } } },
    { testCaseFinished: { testCaseStartedId: 's2', timestamp: { seconds: 14, nanos: 0 } } },
    { testCaseStarted: { id: 's3', testCaseId: 't1', timestamp: { seconds: 20, nanos: 0 } } }, // a retry
    { testCaseFinished: { testCaseStartedId: 's3', timestamp: { seconds: 20, nanos: 50_000_000 } } },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n');
  const durations = plugin.durationsFrom(stream);
  assert.deepEqual(
    [...durations].map(([k, ms]) => [k.replace('\u0000', ' / '), Math.round(ms)]),
    [
      ['a.feature / short', 150], // both attempts
      ['a.feature / long', 3000],
    ],
  );
  const pickle = (name: string) => ({ pickle: { uri: 'a.feature', name } as Pickle });
  const order = (names: string[]) =>
    plugin.longestFirst(names.map(pickle), durations).map((p) => p.pickle.name);
  assert.deepEqual(order(['short', 'new', 'long']), ['long', 'new', 'short']); // new: the mean, 1575 ms
  assert.deepEqual(order(['new-1', 'new-2']), ['new-1', 'new-2']); // ties keep Cucumber's order
  assert.deepEqual(
    plugin.longestFirst([pickle('b'), pickle('a')], new Map()).map((p) => p.pickle.name),
    ['b', 'a'],
  ); // no previous run: Cucumber's order
});

test('parallel: every scenario is reported once, with the attachments a serial run gives', async () => {
  const serial = await runCucumberCli(FEATURES);
  // The parallel run's reports dir holds the serial run's messages: its "previous run".
  const dir = fs.mkdtempSync(path.join(path.dirname(serial.reports), 'tidal-parallel-'));
  try {
    assert.equal(serial.code, 0, serial.stderr);
    fs.copyFileSync(path.join(serial.reports, 'messages.ndjson'), path.join(dir, 'messages.ndjson'));
    const parallel = await runCucumberCli(['--profile', 'parallel', ...FEATURES], { TIDAL_REPORTS_DIR: dir });
    fs.rmSync(parallel.reports, { recursive: true, force: true }); // the helper's own dir, unused
    assert.equal(parallel.code, 0, parallel.stderr);

    const one = tally(envelopesIn(serial.reports));
    const many = tally(envelopesIn(dir));
    assert.ok(one.pickles.size >= FEATURES.length, 'the features have scenarios');
    assert.deepEqual(
      [...many.pickles.values()].map(locationOf).sort(),
      [...one.pickles.values()].map(locationOf).sort(),
    );
    for (const [id, p] of many.pickles) {
      assert.equal(many.started.get(id), 1, `${locationOf(p)} started ${many.started.get(id) ?? 0} times`);
      assert.equal(many.finished.get(id), 1, `${locationOf(p)} finished ${many.finished.get(id) ?? 0} times`);
    }
    assert.deepEqual([...many.workers].sort(), ['0', '1'], 'both workers ran scenarios');

    // Longest first, by the serial run's times.
    const serialMs = plugin.durationsFrom(
      fs.readFileSync(path.join(serial.reports, 'messages.ndjson'), 'utf8'),
    );
    const msOf = (pickleId: string): number => {
      const p = many.pickles.get(pickleId)!;
      return serialMs.get(`${p.uri}\u0000${p.name}`) ?? NaN;
    };
    const ordered = many.testCaseOrder.map(msOf);
    assert.deepEqual(
      ordered,
      [...ordered].sort((a, b) => b - a),
      'test cases are not longest first',
    );

    const comparison = compareRuns(
      scenariosOfRun(envelopesIn(serial.reports)),
      scenariosOfRun(envelopesIn(dir)),
      new Set([WALL_CLOCK_FILE_NAME]),
    );
    assert.deepEqual(comparison.differences, []);
    assert.ok(
      comparison.identical > one.pickles.size * 5,
      `only ${comparison.identical} identical attachments`,
    );

    // The formatters that read the stream: the same scenarios, once each, in the same order.
    assert.deepEqual(junitCases(dir), junitCases(serial.reports));
    assert.equal(junitCases(dir).length, one.pickles.size);
    assert.deepEqual(summaryShape(dir), summaryShape(serial.reports));
    const json = (d: string) =>
      (JSON.parse(fs.readFileSync(path.join(d, 'cucumber.json'), 'utf8')) as { elements: { id: string }[] }[])
        .flatMap((feature) => feature.elements.map((e) => e.id))
        .sort();
    assert.deepEqual(json(dir), json(serial.reports));
    assert.ok(fs.statSync(path.join(dir, 'cucumber.html')).size > 0);
  } finally {
    fs.rmSync(serial.reports, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
