// Unit tests for the summary: envelopes in, capability × status table, failures with seeds, escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Envelope } from '@cucumber/messages';
import { SummaryCollector } from './collect';
import { renderSummaryHtml } from './html';
import { renderSummaryMarkdown } from './markdown';
import { capabilityOf } from './model';
import { seedAttachment } from '../seed';
import { summaryFormatter } from '../summary-formatter';
import { summaryView } from './view';
import type { RunSummary } from './model';

/** The view of a summary with fixed facts (no git, no command line, no history). */
function view(summary: RunSummary) {
  return summaryView(summary, { suiteCommit: 'c0ffee', selection: { kind: 'full' } });
}

const EVIL = '<script>alert(1)</script>';

interface ScenarioSpec {
  name: string;
  line: number;
  statuses: string[];
  message?: string;
  seed?: number;
  retriedFirst?: boolean;
}

/** A message stream as Cucumber emits it, for one feature file. */
function stream(uri: string, featureTags: string[], scenarios: ScenarioSpec[]): Envelope[] {
  const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  const out: Envelope[] = [
    {
      meta: {
        protocolVersion: '32',
        implementation: { name: 'cucumber-js', version: '12.9.0' },
        runtime: { name: 'node' },
        os: { name: 'linux' },
        cpu: { name: 'x64' },
      },
    },
    {
      gherkinDocument: {
        uri,
        comments: [],
        feature: {
          location: { line: 2 },
          language: 'en',
          keyword: 'Feature',
          name: 'F',
          description: '',
          tags: featureTags.map((name, i) => ({ name, id: `t${i}`, location: { line: 1 } })),
          children: scenarios.map((s) => ({
            scenario: {
              id: `ast-${s.line}`,
              location: { line: s.line },
              tags: [],
              keyword: 'Scenario',
              name: s.name,
              description: '',
              steps: [],
              examples: [],
            },
          })),
        },
      },
    },
  ] as Envelope[];
  let clock = 1_000;
  scenarios.forEach((s, i) => {
    const steps = s.statuses.map((_, j) => ({
      id: `ps-${i}-${j}`,
      text: `step ${j} of ${s.name}`,
      type: 'Action',
      astNodeIds: [],
    }));
    out.push({
      pickle: {
        id: `p${i}`,
        uri,
        name: s.name,
        language: 'en',
        steps,
        tags: [],
        astNodeIds: [`ast-${s.line}`],
      },
    } as Envelope);
    out.push({
      testCase: {
        id: `tc${i}`,
        pickleId: `p${i}`,
        testSteps: steps.map((st, j) => ({ id: `ts-${i}-${j}`, pickleStepId: st.id })),
      },
    } as Envelope);
  });
  out.push({ testRunStarted: { timestamp: ts(clock) } } as Envelope);
  scenarios.forEach((s, i) => {
    const attempts = s.retriedFirst ? [['FAILED'], s.statuses] : [s.statuses];
    attempts.forEach((statuses, attempt) => {
      const id = `tcs${i}-${attempt}`;
      out.push({ testCaseStarted: { id, testCaseId: `tc${i}`, attempt, timestamp: ts(clock) } } as Envelope);
      if (s.seed !== undefined) {
        const { body, mediaType } = seedAttachment(s.seed, uri, s.line);
        // Cucumber attaches only while a step or hook runs, so an attachment always names its step.
        out.push({
          attachment: {
            testCaseStartedId: id,
            testStepId: `ts-${i}-0`,
            body,
            mediaType,
            contentEncoding: 'IDENTITY',
          },
        } as Envelope);
      }
      statuses.forEach((status, j) => {
        clock += 100;
        const message = status === 'FAILED' ? (s.message ?? 'boom') : undefined;
        out.push({
          testStepFinished: {
            testCaseStartedId: id,
            testStepId: `ts-${i}-${j}`,
            testStepResult: { status, duration: { seconds: 0, nanos: 1e8 }, message },
            timestamp: ts(clock),
          },
        } as Envelope);
      });
      out.push({
        testCaseFinished: {
          testCaseStartedId: id,
          timestamp: ts(clock),
          willBeRetried: attempt < attempts.length - 1,
        },
      } as Envelope);
    });
  });
  out.push({ testRunFinished: { success: false, timestamp: ts(clock + 50) } } as Envelope);
  return out;
}

function summarize(...envelopes: Envelope[][]) {
  const collector = new SummaryCollector();
  for (const e of envelopes.flat()) collector.add(e);
  return collector.summary();
}

const replication = () =>
  stream(
    'features/replication/replication.feature',
    ['@phase-8.6', '@replication', '@smoke'],
    [
      { name: 'writes reach every follower', line: 5, statuses: ['PASSED', 'PASSED'], seed: 1 },
      {
        name: 'a partitioned follower catches up',
        line: 9,
        statuses: ['PASSED', 'FAILED', 'SKIPPED'],
        message: '\u001b[31mexpected 0, got 3\u001b[39m',
        seed: 42,
      },
      { name: 'not written yet', line: 14, statuses: ['PASSED', 'UNDEFINED'] },
    ],
  );

test('capability: first feature tag that is not a meta tag, else the features/ folder', () => {
  assert.equal(
    capabilityOf(['@phase-8.6', '@task-01', '@smoke', '@partitions', '@slow'], 'x'),
    '@partitions',
  );
  assert.equal(capabilityOf(['@phase-8.6'], 'features/sessions/read-your-writes.feature'), 'sessions');
  assert.equal(capabilityOf([], 'elsewhere/x.feature'), 'untagged');
});

test('summary: capability × status counts, scenario counts and durations', () => {
  const s = summarize(
    replication(),
    stream('features/decay/decay.feature', ['@decay'], [{ name: 'halves', line: 3, statuses: ['PASSED'] }]),
  );
  assert.deepEqual(
    s.capabilities.map((r) => [
      r.capability,
      r.scenarios,
      r.counts.passed,
      r.counts.failed,
      r.counts.undefined,
    ]),
    [
      ['@decay', 1, 1, 0, 0],
      ['@replication', 3, 1, 1, 1],
    ],
  );
  assert.equal(s.total.scenarios, 4);
  assert.equal(s.capabilities[1].durationMs, 700);
  assert.equal(s.success, false);
});

test('summary: failing scenarios carry step, error without ANSI, seed and replay; undefined ones too', () => {
  const [failed, undef] = summarize(replication()).failures;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.failedStep, 'step 1 of a partitioned follower catches up');
  assert.equal(failed.error, 'expected 0, got 3');
  assert.deepEqual(failed.seed, {
    seed: 42,
    replay: 'TIDAL_SEED=42 npx cucumber-js features/replication/replication.feature:9',
  });
  assert.equal(undef.status, 'undefined');
  assert.equal(undef.seed, undefined);
  assert.match(undef.error ?? '', /Undefined step/);
});

test('summary: a retried scenario counts once, with its last outcome and both attempts', () => {
  const s = summarize(
    stream(
      'features/x/x.feature',
      ['@crash'],
      [{ name: 'flaky', line: 3, statuses: ['PASSED'], retriedFirst: true }],
    ),
  );
  assert.equal(s.total.scenarios, 1);
  assert.equal(s.scenarios[0].status, 'passed');
  assert.equal(s.scenarios[0].attempts, 2);
});

test('html: verdict, capability table, failure with seed and replay; self-contained', () => {
  const html = renderSummaryHtml(view(summarize(replication())));
  assert.match(html, /<table id="capabilities">/);
  assert.match(html, /2 of 3 scenarios failing/);
  assert.match(
    html,
    /<code class="replay">TIDAL_SEED=42 npx cucumber-js features\/replication\/replication.feature:9<\/code>/,
  );
  assert.ok(!/<script|<link|src=|@import|url\(/i.test(html), 'no script and nothing fetched');
});

test('markdown: headline, table, failure with seed and replay command in a sh block', () => {
  const md = renderSummaryMarkdown(view(summarize(replication())));
  assert.match(md, /^## ❌ tidal-uat: 2 of 3 scenarios failing \(1 failed, 1 undefined, 1 passed\)/);
  assert.match(md, /\| `@replication` \| ❌ failed \| 1 of 3 \| 1 failed, 1 undefined \|/);
  assert.match(md, /- seed: `42`\n/);
  assert.match(md, /```sh\nTIDAL_SEED=42 npx cucumber-js features\/replication\/replication.feature:9\n```/);
});

test('escaping: a <script> scenario name, tag and error stay text in HTML and Markdown', () => {
  const evil = stream(
    `features/${EVIL}/x.feature`,
    [`@${EVIL}`],
    [{ name: EVIL, line: 3, statuses: ['FAILED'], message: `${EVIL}\n\`\`\`\n| pipe`, seed: 7 }],
  );
  const html = renderSummaryHtml(view(summarize(evil)));
  assert.ok(!html.includes('<script'), 'raw <script> in summary.html');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  const md = renderSummaryMarkdown(view(summarize(evil)));
  assert.ok(md.includes('#### ❌ &lt;script>alert(1)&lt;/script>'), 'name as text');
  assert.ok(
    md.includes('````\n<script>alert(1)</script>\n```\n| pipe\n````'),
    'error in a fence it cannot close',
  );
  const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '');
  assert.ok(!outsideCode.includes('<script'), `unescaped outside code:\n${outsideCode}`);
});

test('formatter: writes once at testRunFinished, from the message stream', () => {
  const handlers: Array<(e: Envelope) => void> = [];
  const chunks: string[] = [];
  const plugin = summaryFormatter((v) => `${v.summary.total.scenarios} scenarios`);
  const cleanup = plugin.formatter({
    on: (_key, h) => handlers.push(h),
    write: (c) => chunks.push(c),
    stream: process.stdout,
  });
  for (const e of replication()) handlers.forEach((h) => h(e));
  cleanup();
  assert.deepEqual(chunks, ['3 scenarios']);
});
