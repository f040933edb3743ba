/**
 * report:merge: three `--profile ci --shard i/3` runs of four features (one of them the
 * deliberately failing demo) merged into one stream and one set of reports, checked against an
 * unsharded run of the same features: every scenario once, the same results, each feature once
 * in the HTML, a junit.xml that validates, the summary's counts; and inputs that are not the
 * shards of one run refused with a ShardMergeError.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { runCucumberCli, ROOT, type CliRun } from '../junit/testing/cucumber-cli';
import { validateJunit, XMLLINT_SKIP } from '../junit/testing/xmllint';
import { ShardMergeError, type ShardMergeProblem } from './errors';
import { renderCucumberJson } from './json';
import { mergeShards, type ShardStream } from './merge';
import { readShardStream } from './read';
import { writeMergedReports } from './write';

const FEATURES = [
  'features/clocks/clock-skew.feature',
  'features/bad-input/bad-batches.feature',
  'features/routing/shards.feature',
  'features/demo/demo-failure.feature',
];
const SCENARIOS = 6 + 13 + 4 + 1;

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-merge-'));
const runs: Promise<CliRun>[] = [];
after(async () => {
  fs.rmSync(out, { recursive: true, force: true });
  for (const run of await Promise.all(runs)) fs.rmSync(run.reports, { recursive: true, force: true });
});

function cli(args: string[]): Promise<CliRun> {
  const run = runCucumberCli(args);
  runs.push(run);
  return run;
}

// Two at a time: the machine has two cores.
const shardRuns = (async () => {
  const [one, two] = await Promise.all(
    [1, 2].map((i) => cli(['--profile', 'ci', '--shard', `${i}/3`, ...FEATURES])),
  );
  const [three, whole] = await Promise.all([
    cli(['--profile', 'ci', '--shard', '3/3', ...FEATURES]),
    cli(['--profile', 'ci', ...FEATURES]),
  ]);
  return { shards: [one, two, three], whole };
})();

async function shardStreams(): Promise<ShardStream[]> {
  return (await shardRuns).shards.map((run) => readShardStream(run.reports));
}

const merged = (async () => {
  const run = mergeShards(await shardStreams(), { shards: 3 });
  const sizes = await writeMergedReports(run.envelopes, out, {
    selection: { kind: 'filtered', mergedShards: 3 },
  });
  return { run, sizes };
})();

function kinds(envelopes: readonly Envelope[]): Record<string, number> {
  const count: Record<string, number> = {};
  for (const e of envelopes) for (const key of Object.keys(e)) count[key] = (count[key] ?? 0) + 1;
  return count;
}

function refusal(streams: ShardStream[], shards?: number): ShardMergeProblem | undefined {
  try {
    mergeShards(streams, shards === undefined ? {} : { shards });
    return undefined;
  } catch (err) {
    if (err instanceof ShardMergeError) return err.problem;
    throw err;
  }
}

test('merge: the shards split the scenarios, and the one with the demo fails', async () => {
  const { shards, whole } = await shardRuns;
  const counts = shards.map((run) => kinds(readShardStream(run.reports).envelopes).testCase ?? 0);
  assert.deepEqual(counts, [8, 8, 8]);
  assert.deepEqual(shards.map((run) => run.code).sort(), [0, 0, 1], shards.map((r) => r.stderr).join('\n'));
  assert.equal(whole.code, 1, 'the demo scenario fails on purpose');
});

test('merge: one stream: each source, document, pickle and scenario once; one meta, run start and end', async () => {
  const { run } = await merged;
  const whole = kinds(readShardStream((await shardRuns).whole.reports).envelopes);
  const count = kinds(run.envelopes);
  for (const key of [
    'meta',
    'source',
    'gherkinDocument',
    'pickle',
    'stepDefinition',
    'hook',
    'parameterType',
  ])
    assert.equal(count[key], whole[key], key);
  assert.equal(count.testRunStarted, 1);
  assert.equal(count.testRunFinished, 1);
  assert.equal(count.testCase, SCENARIOS);
  assert.equal(run.testedPickleIds.length, SCENARIOS);
  assert.equal(new Set(run.testedPickleIds).size, SCENARIOS);
  for (const key of ['testCaseStarted', 'testStepFinished', 'attachment'])
    assert.equal(count[key], whole[key], key);
});

test('merge: every id a message refers to is defined once in the merged stream', async () => {
  const { run } = await merged;
  const defined = new Set<string>();
  const define = (id: string | undefined) => {
    assert.ok(id !== undefined && !defined.has(id), `id ${id} defined twice`);
    defined.add(id);
  };
  for (const e of run.envelopes) {
    if (e.pickle) [e.pickle.id, ...e.pickle.steps.map((s) => s.id)].forEach(define);
    if (e.stepDefinition) define(e.stepDefinition.id);
    if (e.hook) define(e.hook.id);
    if (e.testCase) [e.testCase.id, ...e.testCase.testSteps.map((s) => s.id)].forEach(define);
    if (e.testCaseStarted) define(e.testCaseStarted.id);
    if (e.testRunStarted) define(e.testRunStarted.id);
  }
  for (const e of run.envelopes) {
    if (e.testCase) {
      assert.ok(defined.has(e.testCase.pickleId));
      assert.ok(defined.has(e.testCase.testRunStartedId ?? ''));
      for (const step of e.testCase.testSteps) {
        for (const id of [step.pickleStepId, step.hookId, ...(step.stepDefinitionIds ?? [])])
          if (id !== undefined) assert.ok(defined.has(id), `test step refers to unknown ${id}`);
      }
    }
    if (e.testCaseFinished) assert.ok(defined.has(e.testCaseFinished.testCaseStartedId));
    if (e.testRunFinished) assert.ok(defined.has(e.testRunFinished.testRunStartedId ?? ''));
  }
});

test("merge: a later shard's run ids that collide with the first's are renamed, every reference with them", async () => {
  const [one, two, three] = await shardStreams();
  const firstTestCase = one.envelopes.find((e) => e.testCase)?.testCase;
  const firstPickle = one.envelopes.find((e) => e.pickle)?.pickle;
  const theirs = two.envelopes.find((e) => e.testCase)?.testCase;
  assert.ok(firstTestCase && firstPickle && theirs);
  // Shard two reuses shard one's test case id for its own test case, and a pickle id for a test step.
  const renamed = JSON.stringify(two.envelopes)
    .split(theirs.id)
    .join(firstTestCase.id)
    .split(theirs.testSteps[0].id)
    .join(firstPickle.id);
  const colliding: ShardStream = { label: 'colliding', envelopes: JSON.parse(renamed) as Envelope[] };
  const { envelopes } = mergeShards([one, colliding, three], { shards: 3 });
  const testCases = envelopes.flatMap((e) => (e.testCase ? [e.testCase] : []));
  assert.equal(new Set(testCases.map((t) => t.id)).size, SCENARIOS);
  const stepIds = new Set(testCases.flatMap((t) => t.testSteps.map((s) => s.id)));
  for (const e of envelopes) {
    const stepId = e.testStepFinished?.testStepId;
    if (stepId !== undefined)
      assert.ok(stepIds.has(stepId), `testStepFinished refers to unknown step ${stepId}`);
    const testCaseId = e.testCaseStarted?.testCaseId;
    if (testCaseId !== undefined) assert.ok(testCases.some((t) => t.id === testCaseId));
  }
  assert.ok(!stepIds.has(firstPickle.id), 'a test step id no longer equals a pickle id');
});

test('merge: the run starts with the earliest shard and ends with the latest, failed as one shard failed', async () => {
  const { run } = await merged;
  const streams = await shardStreams();
  const seconds = (kind: 'testRunStarted' | 'testRunFinished') =>
    streams.map((s) => s.envelopes.find((e) => e[kind])?.[kind]?.timestamp.seconds ?? NaN);
  const started = run.envelopes.find((e) => e.testRunStarted)?.testRunStarted;
  const finished = run.envelopes.find((e) => e.testRunFinished)?.testRunFinished;
  assert.equal(started?.timestamp.seconds, Math.min(...seconds('testRunStarted')));
  assert.equal(finished?.timestamp.seconds, Math.max(...seconds('testRunFinished')));
  assert.equal(finished?.success, false);
});

test('merge: cucumber.json has the results of the unsharded run, feature by feature, scenario by scenario', async () => {
  await merged;
  interface JsonFeature {
    uri: string;
    elements: {
      id: string;
      line: number;
      steps: { keyword: string; name?: string; result: { status: string } }[];
    }[];
  }
  const shape = (file: string) =>
    (JSON.parse(fs.readFileSync(file, 'utf8')) as JsonFeature[]).map((f) => ({
      uri: f.uri,
      scenarios: f.elements.map(
        (e) =>
          `${e.id}:${e.line} ${e.steps.map((s) => `${s.keyword}${s.name ?? ''}=${s.result.status}`).join('|')}`,
      ),
    }));
  assert.deepEqual(
    shape(path.join(out, 'cucumber.json')),
    shape(path.join((await shardRuns).whole.reports, 'cucumber.json')),
  );
});

test("merge: json: Cucumber's JSON formatter driven from envelopes writes byte for byte the run's cucumber.json", async () => {
  const { whole } = await shardRuns;
  const written = fs.readFileSync(path.join(whole.reports, 'cucumber.json'), 'utf8');
  assert.equal(renderCucumberJson(readShardStream(whole.reports).envelopes), written);
});

test('merge: cucumber.html lists each feature once', async () => {
  await merged;
  const html = fs.readFileSync(path.join(out, 'cucumber.html'), 'utf8');
  // The page carries the messages as one line of JavaScript, window.CUCUMBER_MESSAGES = [...];
  // with every < written \x3C (JavaScript, not JSON).
  const line = html.split('\n').find((l) => l.startsWith('window.CUCUMBER_MESSAGES = '));
  assert.ok(line, 'the page embeds its messages');
  const embedded = JSON.parse(
    line.slice('window.CUCUMBER_MESSAGES = '.length).replace(/;\s*$/, '').replace(/\\x3C/g, '\\u003C'),
  ) as Envelope[];
  const uris = (kind: 'source' | 'gherkinDocument') =>
    embedded.flatMap((e) => (e[kind] ? [e[kind].uri] : [])).sort();
  assert.deepEqual(uris('source'), [...FEATURES].sort());
  assert.deepEqual(uris('gherkinDocument'), [...FEATURES].sort());
  assert.equal(embedded.filter((e) => e.testCase).length, SCENARIOS);
});

test("merge: junit.xml has the unsharded run's test cases and the demo failure with its replay command", async () => {
  await merged;
  const cases = (file: string) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/<testcase [^>]*>/g)].map((m) =>
      m[0].replace(/ time="[^"]*"/, ''),
    );
  const xml = fs.readFileSync(path.join(out, 'junit.xml'), 'utf8');
  assert.deepEqual(
    cases(path.join(out, 'junit.xml')),
    cases(path.join((await shardRuns).whole.reports, 'junit.xml')),
  );
  assert.match(xml, new RegExp(`tests="${SCENARIOS}" failures="1" errors="0" skipped="0"`));
  assert.match(xml, /<property name="shards" value="3"\/>/);
  assert.ok(xml.includes('replay: TIDAL_SEED=4242 npx cucumber-js features/demo/demo-failure.feature:10'));
});

test('merge: junit.xml validates against the Ant JUnit schema', { skip: XMLLINT_SKIP }, async () => {
  await merged;
  const verdict = validateJunit([path.join(out, 'junit.xml')]);
  assert.ok(verdict.ok, verdict.output);
});

test('merge: the summary counts every scenario once', async () => {
  await merged;
  const markdown = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
  const html = fs.readFileSync(path.join(out, 'summary.html'), 'utf8');
  // Counts, not any number: the run's start time may hold one (20:46:48).
  assert.match(markdown, new RegExp(`\\bof ${SCENARIOS} scenarios\\b`));
  const twice = 2 * SCENARIOS;
  assert.doesNotMatch(
    markdown,
    new RegExp(`\\b${twice} scenarios|\\bof ${twice}\\b|\\b${twice} (passed|failed)\\b`),
  );
  assert.ok(markdown.includes('features/demo/demo-failure.feature:10'), 'the failing scenario is listed');
  assert.match(html, new RegExp(`\\bof ${SCENARIOS} scenarios\\b`));
});

test("merge: the merged run joins the output directory's run history, as one run of 3 shards", async () => {
  await merged;
  const records = fs.readdirSync(path.join(out, 'history')).filter((f) => f.endsWith('.json'));
  assert.equal(records.length, 1, records.join(', '));
  const record = JSON.parse(fs.readFileSync(path.join(out, 'history', records[0]), 'utf8')) as {
    selection: { mergedShards?: number };
  };
  assert.equal(record.selection.mergedShards, 3);
});

test('merge: refuses a missing shard, a shard given twice, an unsharded run with its shards', async () => {
  const [one, two, three] = await shardStreams();
  const whole = readShardStream((await shardRuns).whole.reports);
  assert.equal(refusal([one, two], 3), 'missing-shard');
  assert.equal(refusal([one, one, three]), 'overlap');
  assert.equal(refusal([whole, two]), 'overlap');
  assert.equal(refusal([]), 'no-input');
  assert.equal(refusal([three, one, two], 3), undefined, 'in any order');
});

test('merge: refuses streams of other feature texts, other features, other step definitions, a run cut short', async () => {
  const [one, two, three] = await shardStreams();
  const edit = (stream: ShardStream, change: (e: Envelope) => Envelope | undefined): ShardStream => ({
    label: `${stream.label} (edited)`,
    envelopes: stream.envelopes.flatMap((e) => {
      const changed = change(structuredClone(e));
      return changed === undefined ? [] : [changed];
    }),
  });
  const otherText = edit(two, (e) => {
    if (e.source?.uri === FEATURES[0]) e.source.data += '\n# edited\n';
    return e;
  });
  const fewerFeatures = edit(two, (e) => (e.source?.uri === FEATURES[0] ? undefined : e));
  const otherSteps = edit(two, (e) => {
    if (e.stepDefinition)
      e.stepDefinition.sourceReference = { uri: 'steps/moved.steps.ts', location: { line: 1 } };
    return e;
  });
  const cutShort = edit(two, (e) => (e.testRunFinished ? undefined : e));
  assert.equal(refusal([one, otherText, three]), 'different-source');
  assert.equal(refusal([one, fewerFeatures, three]), 'different-sources');
  assert.equal(refusal([one, otherSteps, three]), 'different-support-code');
  assert.equal(refusal([one, cutShort, three]), 'unfinished-run');
});

test('report:merge: the command line refuses a missing shard with the reason, exit 1', async () => {
  const inputs = (await shardRuns).shards.slice(0, 2).map((run) => path.join(run.reports, 'messages.ndjson'));
  const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [
        '-r',
        'ts-node/register',
        'scripts/report-merge.ts',
        '--out',
        path.join(out, 'refused'),
        '--shards',
        '3',
        ...inputs,
      ],
      { cwd: ROOT, timeout: 60_000 },
      (err, _stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stderr }),
    ),
  );
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^report:merge: 2 message stream\(s\) given for 3 shards/);
  assert.ok(!fs.existsSync(path.join(out, 'refused')), 'nothing written');
});

test('shards: under the ci profile, a shard that selects no scenario fails', async () => {
  const run = await cli(['--profile', 'ci', '--shard', '2/2', 'features/clocks/clock-skew.feature:12']);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /no scenario selected by `cucumber-js --profile ci --shard 2\/2 features\/clocks\/clock-skew.feature:12`/,
  );
});
