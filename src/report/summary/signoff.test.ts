// Unit tests for the sign-off arrangement: headline words, capability → feature → rule, promise
// rows, the system under test, and the merge seam (renderSummaries with a selection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capabilities, headline, promiseRows, promiseText, systemText, signOff } from './signoff';
import { emptyCounts, tallyCapabilities, type RunSummary, type ScenarioResult } from './model';
import { renderSummaries } from '../summary-formatter';
import { cckSamples } from './cck';
import { renderSummaryHtml } from './html';
import { renderSummaryMarkdown } from './markdown';
import { glossaryLimits, summaryView } from './view';
import { appendRecord } from './history';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function scenario(name: string, over: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    name,
    uri: 'features/sessions/s.feature',
    line: 3,
    capability: '@sessions',
    feature: 'A session reads its own writes',
    rule: 'A session reads its own writes, even in a region that lags',
    tags: ['@sessions'],
    featureTags: ['@sessions'],
    ruleTags: ['@sessions'],
    technical: false,
    knownLimit: false,
    status: 'passed',
    durationMs: 5,
    attempts: 1,
    ...over,
  };
}

function summaryOf(scenarios: ScenarioResult[], over: Partial<RunSummary> = {}): RunSummary {
  const { rows, total } = tallyCapabilities(scenarios);
  return {
    capabilities: rows,
    total,
    scenarios,
    failures: scenarios.filter((s) => ['failed', 'ambiguous', 'undefined', 'pending'].includes(s.status)),
    runErrors: [],
    runDurationMs: 10,
    success: true,
    finished: true,
    runId: 'r',
    leftOut: [],
    ...over,
  };
}

test('headline: passed only for scenarios that passed; the rest named; a filter said', () => {
  const full = { kind: 'full' } as const;
  assert.deepEqual(headline(summaryOf([scenario('a'), scenario('b')]), full), {
    cls: 'passed',
    partial: false,
    text: 'All 2 scenarios passed',
  });
  assert.deepEqual(headline(summaryOf([scenario('a'), scenario('b', { status: 'skipped' })]), full), {
    cls: 'passed',
    partial: true,
    text: '1 of 2 scenarios passed; 1 skipped: not checked',
  });
  assert.equal(
    headline(summaryOf([scenario('a', { status: 'skipped' })]), { kind: 'filtered', dryRun: true }).text,
    '1 selected scenario skipped (dry run): nothing was checked (filtered run)',
  );
  const pending = summaryOf([scenario('a', { status: 'pending' })], { success: true });
  assert.equal(
    headline(pending, full).cls,
    'failed',
    'a pending step fails the page even in a non-strict run',
  );
  assert.equal(
    headline(summaryOf([scenario('a')], { success: false }), full).text,
    'Cucumber reports the run as failed (1 scenario: 1 passed)',
  );
  assert.equal(headline(summaryOf([scenario('a')], { finished: false }), full).cls, 'failed');
});

test('sign-off: capability → feature promise → rule → examples; @technical apart', () => {
  const nodes = capabilities([
    scenario('a'),
    scenario('b', { status: 'failed' }),
    scenario('c', { rule: undefined }),
    scenario('d', { capability: '@decay', feature: 'Scores decay', rule: 'Half-lives' }),
  ]);
  assert.deepEqual(
    nodes.map((c) => [
      c.name,
      c.status,
      c.features.map((f) => [
        f.name,
        f.status,
        f.rules.map((r) => [r.name, r.isRule, r.status, r.scenarios.length]),
      ]),
    ]),
    [
      ['@decay', 'passed', [['Scores decay', 'passed', [['Half-lives', true, 'passed', 1]]]]],
      [
        '@sessions',
        'failed',
        [
          [
            'A session reads its own writes',
            'failed',
            [
              ['A session reads its own writes, even in a region that lags', true, 'failed', 2],
              ['Examples under no rule', false, 'passed', 1],
            ],
          ],
        ],
      ],
    ],
  );
  const page = signOff(
    summaryOf([scenario('a'), scenario('t', { technical: true, capability: '@harness' })]),
    {
      selection: { kind: 'full' },
      suiteCommit: 'c',
    },
  );
  assert.deepEqual(
    page.product.map((c) => c.name),
    ['@sessions'],
  );
  assert.deepEqual(
    page.technical.map((c) => c.name),
    ['@harness'],
  );
});

test('sign-off: promise rows: held in N of M, broken in which, not checked when no scenario built a cluster', () => {
  const verdict = (held: boolean) => [
    {
      checker: 'lost-write',
      promise: 'no acknowledged write is lost',
      status: held ? ('held' as const) : ('broken' as const),
      held,
      violations: held ? 0 : 1,
    },
  ];
  const rows = promiseRows([
    scenario('a', { promises: verdict(true) }),
    scenario('b', { promises: verdict(false) }),
    scenario('c'),
  ]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].status, 'broken');
  assert.deepEqual(
    rows[0].broken.map((s) => s.name),
    ['b'],
  );
  assert.equal(promiseText(rows[0]), 'broken in 1 of 2 scenarios');
  assert.equal(
    promiseText(promiseRows([scenario('a', { promises: verdict(true) })])[0]),
    'held in 1 of 1 scenario',
  );
  assert.deepEqual(promiseRows([scenario('a')]), []);
});

test('sign-off: promise rows: a scenario that did not check a promise never counts as holding it', () => {
  const real = {
    mode: 'real-processes' as const,
    engine: 'tidal-node',
    version: '0.1.0',
    commit: 'abc',
    description: '',
  };
  const sim = { ...real, mode: 'simulated' as const, engine: 'tidal-engine' };
  const row = (status: 'held' | 'broken' | 'not-checked') => [
    {
      checker: 'epoch',
      promise: "a replica's epoch never goes backwards",
      status,
      held: status === 'held',
      violations: status === 'broken' ? 1 : 0,
      ...(status === 'not-checked' ? { reason: 'needs every term a replica had' } : {}),
    },
  ];
  const rows = (...list: ScenarioResult[]) => promiseRows(list)[0]!;
  const unchecked = scenario('r', { promises: row('not-checked'), system: real });
  const nowhere = rows(unchecked, scenario('r2', { promises: row('not-checked'), system: real }));
  assert.equal(nowhere.status, 'not-checked');
  assert.equal(nowhere.held, 0);
  assert.equal(
    promiseText(nowhere),
    'not checked in 2 scenarios (real processes: needs every term a replica had)',
  );
  const partly = rows(scenario('s', { promises: row('held'), system: sim }), unchecked);
  assert.equal(partly.status, 'partly-checked');
  assert.equal(
    promiseText(partly),
    'held in 1 of 1 scenario; not checked in 1 scenario (real processes: needs every term a replica had)',
  );
  const broken = rows(scenario('s', { promises: row('broken'), system: sim }), unchecked);
  assert.equal(broken.status, 'broken');
  assert.match(promiseText(broken), /^broken in 1 of 1 scenario; not checked in 1 scenario/);
  // A run that only simulated says nothing of unchecked promises in its headline.
  const page = signOff(summaryOf([scenario('s', { promises: row('held'), system: sim })]), {
    selection: { kind: 'full' },
    suiteCommit: 'c',
  });
  assert.equal(page.headline.text, '1 scenario passed');
  const realPage = signOff(summaryOf([unchecked]), { selection: { kind: 'full' }, suiteCommit: 'c' });
  assert.equal(
    realPage.headline.text,
    '1 scenario passed; 1 promise not checked in 1 scenario (real processes): epoch',
  );
  assert.equal(realPage.headline.partial, true);
});

test('sign-off: promise rows: a scenario that did not exercise a promise neither holds it nor leaves it unchecked', () => {
  const sim = {
    mode: 'simulated' as const,
    engine: 'tidal-engine',
    version: '0.1.0',
    commit: 'abc',
    description: '',
  };
  const where = 'judged where a scenario sends a bad request and sees it refused';
  const row = (status: 'held' | 'not-exercised') => [
    {
      checker: 'bad-input',
      promise: 'a bad request is refused with a typed error and changes nothing',
      status,
      held: status === 'held',
      violations: 0,
      ...(status === 'not-exercised' ? { reason: where } : {}),
    },
  ];
  const sent = scenario('sent', { promises: row('held'), system: sim });
  const idle = scenario('idle', { promises: row('not-exercised'), system: sim });
  const held = promiseRows([
    sent,
    idle,
    scenario('idle2', { promises: row('not-exercised'), system: sim }),
  ])[0]!;
  assert.equal(held.status, 'held');
  assert.deepEqual([held.checked, held.held, held.notExercised, held.unchecked.length], [1, 1, 2, 0]);
  assert.equal(promiseText(held), `held in 1 of 1 scenario; not exercised in 2 scenarios (${where})`);
  const page = signOff(summaryOf([sent, idle]), { selection: { kind: 'full' }, suiteCommit: 'c' });
  assert.equal(page.headline.text, 'All 2 scenarios passed');
  assert.equal(page.headline.partial, false);
  // Exercised by no scenario of the run: not checked, and the headline says so.
  const nowhere = promiseRows([idle])[0]!;
  assert.equal(nowhere.status, 'not-checked');
  assert.equal(promiseText(nowhere), `not exercised in 1 scenario (${where})`);
  const idlePage = signOff(summaryOf([idle]), { selection: { kind: 'full' }, suiteCommit: 'c' });
  assert.equal(idlePage.headline.text, '1 scenario passed; 1 promise exercised by no scenario: bad-input');
  assert.equal(idlePage.headline.partial, true);
});

test('sign-off: the system under test: none, one, or scenarios that disagree', () => {
  const sut = (commit: string) => ({
    mode: 'simulated' as const,
    engine: 'tidal-engine',
    version: '0.1.0',
    commit,
    description: '',
  });
  const page = (list: ScenarioResult[]) =>
    signOff(summaryOf(list), { selection: { kind: 'full' }, suiteCommit: 'c' });
  assert.equal(systemText(page([scenario('a')]).system), 'no scenario built a cluster');
  assert.equal(
    systemText(page([scenario('a', { system: sut('abc') })]).system),
    'tidal-engine 0.1.0, commit abc, simulated (in-process)',
  );
  assert.match(
    systemText(page([scenario('a', { system: sut('abc') }), scenario('b', { system: sut('def') })]).system),
    /^scenarios disagree: tidal-engine 0\.1\.0, commit abc, simulated \(in-process\) \(1 scenario\); .*commit def/,
  );
  const real = {
    ...sut('abc'),
    mode: 'real-processes' as const,
    parts: ['tidal-node (protocol 1)', 'etcd 3.4.23'],
  };
  assert.equal(
    systemText(page([scenario('a', { system: real })]).system),
    'tidal-engine 0.1.0, commit abc, real processes: tidal-node (protocol 1), etcd 3.4.23',
  );
});

test('renderSummaries: the merge seam states the selection it is given', () => {
  const sample = cckSamples().find((s) => s.name === 'minimal/minimal.ndjson')!;
  const { html, markdown } = renderSummaries(sample.envelopes, {
    selection: { kind: 'full', mergedShards: 3 },
    suiteCommit: 'c0ffee',
  });
  assert.match(
    html,
    /<dd id="selection" data-kind="full">full: every scenario of the suite; a merge of 3 shard runs<\/dd>/,
  );
  assert.match(markdown, /- selection: full: every scenario of the suite; a merge of 3 shard runs/);
  assert.equal(emptyCounts().empty, 0);
});

test('escaping: feature, rule, promise, system, tags and descriptions stay text in both renderings', () => {
  const evil = '<script>alert(1)</script>';
  const s = scenario(evil, {
    feature: evil,
    rule: evil,
    description: evil,
    knownLimit: true,
    tags: [`@${evil}`],
    featureTags: [`@${evil}`],
    ruleTags: [`@${evil}`],
    capability: `@${evil}`,
    promises: [{ checker: evil, promise: evil, status: 'broken', held: false, violations: 1 }],
    system: { mode: 'simulated', engine: evil, version: evil, commit: evil, description: evil },
    status: 'failed',
    error: evil,
  });
  const view = summaryView(summaryOf([s], { success: false }), {
    selection: { kind: 'filtered', tags: evil, names: [evil], paths: [evil] },
    suiteCommit: evil,
  });
  const html = renderSummaryHtml(view);
  assert.ok(!html.includes('<script'), 'raw <script> in summary.html');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  const md = renderSummaryMarkdown(view);
  const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '');
  assert.ok(!outsideCode.includes('<script'), `unescaped outside code:\n${outsideCode}`);
});

test('page: a promise whose verdict changed on the same commit is flagged flaky; the trend reads the history', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidal-flaky-'));
  try {
    const verdict = (held: boolean) => [
      {
        checker: 'lost-write',
        promise: 'no acknowledged write is lost',
        status: held ? ('held' as const) : ('broken' as const),
        held,
        violations: held ? 0 : 1,
      },
    ];
    const earlier = summaryView(summaryOf([scenario('a', { promises: verdict(true) })], { runId: 'r1' }), {
      selection: { kind: 'full' },
      suiteCommit: 'c0ffee',
    });
    appendRecord(dir, earlier.record);
    writeFileSync(join(dir, 'history', 'zz-unreadable.json'), '{');
    const now = summaryView(
      summaryOf([scenario('a', { promises: verdict(false), status: 'failed' })], {
        runId: 'r2',
        success: false,
      }),
      { selection: { kind: 'full' }, suiteCommit: 'c0ffee', reportsDir: dir },
    );
    const html = renderSummaryHtml(now);
    assert.match(
      html,
      /<tr class="promise" data-status="broken" data-checker="lost-write">.*<span class="flaky" title="its verdict changed between runs of the same commit \(c0ffee\)">flaky<\/span>/,
    );
    assert.match(
      html,
      /<span class="trend"[^>]*><i class="t-passed"[^>]*><\/i><i class="t-failed"[^>]*><\/i><\/span>/,
    );
    assert.match(html, /<li>skipped zz-unreadable\.json: /);
    assert.match(
      renderSummaryMarkdown(now),
      /⚠️ flaky: its verdict changed between runs of the same commit \(c0ffee\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('page: the glossary\'s "Known limits" section is quoted when it has one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidal-glossary-'));
  try {
    assert.equal(glossaryLimits(dir), undefined, 'no glossary');
    mkdirSync(join(dir, 'features'));
    writeFileSync(join(dir, 'features', 'GLOSSARY.md'), '# Glossary\n\n## Tags\n\nx\n');
    assert.equal(glossaryLimits(dir), undefined, 'no such section');
    writeFileSync(
      join(dir, 'features', 'GLOSSARY.md'),
      '# Glossary\n\n## Known limits\n\nA failover under leader acks can lose writes.\n\n## Tags\n\nx\n',
    );
    assert.equal(glossaryLimits(dir), 'A failover under leader acks can lose writes.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
