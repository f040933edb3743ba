// Unit tests for the seed's log line: what a reader of cucumber.html sees, and that it stays text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedLogLine } from './seed-log';

test('seed log line: the seed and the command that replays the scenario', () => {
  assert.equal(
    seedLogLine(4242, 'features/demo/demo-failure.feature', 10),
    'seed 4242 — replay: TIDAL_SEED=4242 npx cucumber-js features/demo/demo-failure.feature:10',
  );
});

test('escaping: seed log line: a path with <, > or & stays text in the report (its log renderer writes HTML)', () => {
  const line = seedLogLine(1, 'features/<b>&.feature', 3);
  assert.ok(!line.includes('<b>'), line);
  assert.match(line, /'features\/&lt;b&gt;&amp;\.feature':3$/);
});
