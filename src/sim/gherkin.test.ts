import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { toGherkin } from './gherkin';
import { networkFaultsFromRow } from './tables';
import { DEFAULT_OPTIONS } from './options';
import { runSchedule } from './runner';
import type { Schedule } from './schedule';
import { everySentence, SMALL_CLUSTER as cluster } from './testing/every-sentence';
import { simulate } from './simulate';

test('gherkin: a schedule prints as a scenario in the product words, gaps as time passing', () => {
  const s: Schedule = {
    format: 1,
    seed: 77,
    cluster,
    sessions: [{ id: 1, region: 'eu-west', policy: 'wait', timeoutMs: 200 }],
    items: [
      { kind: 'write', atMs: 0, signal: 'click', entity: 'e-1', weight: -0.5, via: 'eu-west' },
      { kind: 'partition', atMs: 5, durationMs: 20, a: 'us-east', b: 'eu-west' },
      { kind: 'session-read', atMs: 5, session: 1, signal: 'click', entity: 'e-1' },
      { kind: 'network', atMs: 30, durationMs: 10, faults: { dropRate: 0.2, delayMs: 50 } },
    ],
  };
  assert.equal(
    toGherkin(s, { outcomes: [{ start: 'refused' }] }),
    `  @seed-77
  Scenario: Seed 77 replayed
    Given a cluster drawn by the simulator:
      | regions           | 2           |
      | shards per region | 1           |
      | acks              | leader      |
      | partitions        | leader-only |
      | latency           | 5 ms        |
      | jitter            | 0 ms        |
      | max clock drift   | 1000 ms     |
      | key retention     | 600000 ms   |
      | batch size        | 512 events  |
      | window            | 8 batches   |
      | storage           | ephemeral   |
    And client s1 has a session in eu-west that waits up to 200 ms for stale replicas
    When a client tries to write a click of weight -0.5 to e-1 through eu-west
    And 5 ms pass
    And the link between us-east and eu-west is cut
    And client s1 reads e-1 "click" through its session
    And 20 ms pass
    And the link between us-east and eu-west heals
    And 5 ms pass
    And every link misbehaves:
      | drop rate | delay |
      | 0.2       | 50 ms |
    And 10 ms pass
    And every link behaves again
    Then every promise holds once every fault has healed
`,
  );
});

test('gherkin: a misbehaving-link table reads back as the faults it printed', () => {
  assert.deepEqual(
    networkFaultsFromRow({
      'drop rate': '0.2',
      'reordering window': '20 ms',
      jitter: '5 ms',
      'corrupt rate': '0',
    }),
    { dropRate: 0.2, reorderWindowMs: 20, reorder: true, jitterMs: 5, corruptRate: 0 },
  );
  assert.throws(() => networkFaultsFromRow({ 'drop chance': '0.2' }), /unknown column "drop chance"/);
});

test('gherkin: printed scenarios run under Cucumber, and a shrunk failure fails there the same way', async () => {
  const every = everySentence();
  const run = await runSchedule(every);
  assert.deepEqual(run.violations, []);
  assert.ok(run.outcomes.some((o) => o.start === 'refused') && run.outcomes.some((o) => o.start === 'ok'));
  const caught = await simulate(
    {
      from: 1,
      seeds: 20,
      options: { ...DEFAULT_OPTIONS, ops: 60, bug: 'idempotency-forgets' },
      maxFailures: 1,
      shrinkMaxRuns: 100,
    },
    { now: () => 0 },
  );
  assert.ok(caught.failures[0], 'the idempotency bug switch was not caught in 20 seeds');

  // Inside the checkout (.tmp is git-ignored): Cucumber resolves its config from the working directory.
  const root = path.resolve(__dirname, '..', '..');
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, '.tmp', 'sim-gherkin-'));
  try {
    const feature = path.join(dir, 'printed.feature');
    fs.writeFileSync(
      feature,
      [
        'Feature: Printed schedules',
        '  Scenarios the simulator printed, run as they are.',
        '',
        toGherkin(every, { outcomes: run.outcomes, title: 'Every sentence the printer has' }),
        caught.failures[0]!.gherkin,
      ].join('\n'),
    );
    const config = path.join(dir, 'cucumber.js');
    const out = path.join(dir, 'result.json');
    fs.writeFileSync(
      config,
      `module.exports = { default: ${JSON.stringify({
        requireModule: ['ts-node/register'],
        require: [path.join(root, 'steps/**/*.ts')],
        paths: [feature],
        strict: true,
        format: [`json:${out}`],
      })} };`,
    );
    const res = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules/@cucumber/cucumber/bin/cucumber.js'),
        '--config',
        path.relative(root, config),
      ],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (!fs.existsSync(out)) assert.fail(`cucumber did not run: ${res.stderr}${res.stdout}`);
    const results = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      elements: {
        name: string;
        steps: { name?: string; result: { status: string; error_message?: string } }[];
      }[];
    }[];
    const [printed, failing] = results[0]!.elements;
    const bad = printed!.steps.filter((s) => s.result.status !== 'passed');
    assert.deepEqual(
      bad.map((s) => `${s.name}: ${s.result.status} ${s.result.error_message ?? ''}`),
      [],
      res.stderr,
    );
    const statuses = failing!.steps.map((s) => s.result.status);
    assert.ok(!statuses.includes('undefined') && !statuses.includes('ambiguous'), statuses.join(','));
    const errors = failing!.steps.map((s) => s.result.error_message ?? '').join('\n');
    assert.match(errors, /\[idempotency\] a retry with idempotency key/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
