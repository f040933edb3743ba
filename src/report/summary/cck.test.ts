// The summary against every sample message stream of the Cucumber Compatibility Kit: its counts
// and per-scenario statuses equal Cucumber's own, its success is the run's, and its headline never
// says "passed" for what did not pass.
//
// Cucumber's own status of a scenario, derived here with @cucumber/query apart from the summary's
// code: for each final attempt (Query's findAllTestCaseStarted leaves out attempts to be retried),
// findMostSevereTestStepResultBy(...).status in lower case (FAILED → failed, AMBIGUOUS →
// ambiguous, UNDEFINED → undefined, PENDING → pending, SKIPPED → skipped, PASSED → passed), and a
// test case with no steps at all is `empty` (Query has no result for it; Cucumber counts it as a
// success). The run's verdict is testRunFinished.success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Query } from '@cucumber/query';
import { CCK_TABLE_FILE, cckSamples, cckTableFile, cckView } from './cck';
import { renderSummaryHtml } from './html';
import { renderSummaryMarkdown } from './markdown';
import { emptyCounts, type ScenarioStatus } from './model';

const samples = cckSamples();

function cucumberOwn(envelopes: ReturnType<typeof cckSamples>[number]['envelopes']) {
  const query = new Query();
  for (const envelope of envelopes) query.update(envelope);
  const scenarios = query.findAllTestCaseStarted().map((started) => {
    const pickle = query.findPickleBy(started)!;
    const testCase = query.findTestCaseBy(started)!;
    const status = (
      testCase.testSteps.length === 0
        ? 'empty'
        : String(query.findMostSevereTestStepResultBy(started)?.status).toLowerCase()
    ) as ScenarioStatus;
    return `${pickle.uri}:${pickle.location?.line ?? query.findLocationOf(pickle)?.line} ${pickle.name} → ${status}`;
  });
  const counts = emptyCounts();
  for (const s of scenarios) counts[s.split(' → ').at(-1) as ScenarioStatus] += 1;
  return { scenarios: scenarios.sort(), counts, success: query.findTestRunFinished()?.success };
}

test('cck: the kit has its 46 samples', () => {
  assert.equal(samples.length, 46);
});

for (const sample of samples) {
  test(`cck: ${sample.name}: counts, statuses and success are Cucumber's own`, () => {
    const own = cucumberOwn(sample.envelopes);
    const { summary, page } = cckView(sample);
    assert.deepEqual(
      summary.scenarios.map((s) => `${s.uri}:${s.line} ${s.name} → ${s.status}`).sort(),
      own.scenarios,
    );
    assert.deepEqual(summary.total.counts, own.counts);
    assert.equal(summary.success, own.success);
    const { cls, text } = page.headline;
    if (!own.success) assert.equal(cls, 'failed', text);
    // The headline says "passed" only in its claim, and claims it only for scenarios that passed.
    const claimsPassed =
      /^(All )?\d+ (selected )?scenarios? passed|^\d+ of \d+ (selected )?scenarios? passed;/.test(text);
    assert.equal(claimsPassed, cls === 'passed', text);
    if (claimsPassed) assert.ok(own.success && own.counts.passed > 0, text);
    // Both renderings come out, escaped, whatever the sample holds.
    const html = renderSummaryHtml(cckView(sample));
    assert.match(html, /<header id="headline" class="verdict (passed|failed|nothing-checked)/);
    assert.ok(!/<script/i.test(html));
    assert.ok(renderSummaryMarkdown(cckView(sample)).startsWith('## '));
  });
}

test('cck: ambiguous steps are ambiguous, not failed; a scenario without steps is empty, not passed', () => {
  const find = (name: string) => cckView(samples.find((s) => s.name === name)!);
  assert.deepEqual(
    find('ambiguous/ambiguous.ndjson').summary.scenarios.map((s) => s.status),
    ['ambiguous'],
  );
  const empty = find('empty/empty.ndjson');
  assert.deepEqual(
    empty.summary.scenarios.map((s) => s.status),
    ['empty'],
  );
  assert.equal(empty.page.headline.cls, 'nothing-checked');
});

test('cck: a failing BeforeAll or AfterAll hook and a run error are run errors, with hook location and message', () => {
  const find = (name: string) => cckView(samples.find((s) => s.name === name)!);
  const after = find('global-hooks-afterall-error/global-hooks-afterall-error.ndjson');
  assert.equal(after.page.headline.cls, 'failed');
  assert.deepEqual(
    after.summary.runErrors.map((e) => e.kind),
    ['after-all'],
  );
  assert.match(after.summary.runErrors[0].where ?? '', /global-hooks-afterall-error\.ts:\d+/);
  assert.match(after.summary.runErrors[0].message, /AfterAll hook went wrong/);
  assert.match(after.page.headline.text, /^An AfterAll hook failed/);
  const before = find('global-hooks-beforeall-error/global-hooks-beforeall-error.ndjson');
  assert.deepEqual(
    before.summary.runErrors.map((e) => e.kind),
    ['before-all'],
  );
  assert.match(
    renderSummaryHtml(before),
    /<li class="run-error" data-kind="before-all"><strong>BeforeAll hook failed<\/strong> at <code>/,
  );
  const run = find('test-run-exception/test-run-exception.ndjson');
  assert.deepEqual(
    run.summary.runErrors.map((e) => [e.kind, e.message]),
    [['run', 'Whoops!']],
  );
  assert.match(renderSummaryMarkdown(run), /^## ❌ tidal-uat: The run failed: Whoops!/);
});

test('cck: the committed table (src/report/summary/cck-table.md) is what the samples give', async () => {
  const committed = readFileSync(CCK_TABLE_FILE, 'utf8');
  assert.equal(
    committed,
    await cckTableFile(samples),
    'run: node -r ts-node/register scripts/cck-table.ts --write',
  );
});
