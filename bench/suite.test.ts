// The suite benchmark reads the run's Cucumber message stream: start and finish of the run, and
// one status per scenario (its worst step), retried attempts left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMessages } from './suite';

const ts = (ms: number): { seconds: number; nanos: number } => ({
  seconds: Math.floor(ms / 1000),
  nanos: (ms % 1000) * 1e6,
});

test('bench suite: scenario statuses and run times come from the message stream', () => {
  const lines = [
    { testRunStarted: { timestamp: ts(10_000) } },
    { testCaseStarted: { id: 'a1', testCaseId: 'A', timestamp: ts(10_001) } },
    { testStepFinished: { testCaseStartedId: 'a1', testStepResult: { status: 'PASSED' } } },
    { testCaseFinished: { testCaseStartedId: 'a1', willBeRetried: false } },
    { testCaseStarted: { id: 'b1', testCaseId: 'B', timestamp: ts(10_002) } },
    { testStepFinished: { testCaseStartedId: 'b1', testStepResult: { status: 'PASSED' } } },
    { testStepFinished: { testCaseStartedId: 'b1', testStepResult: { status: 'FAILED' } } },
    { testStepFinished: { testCaseStartedId: 'b1', testStepResult: { status: 'SKIPPED' } } },
    { testCaseFinished: { testCaseStartedId: 'b1', willBeRetried: true } },
    { testCaseStarted: { id: 'b2', testCaseId: 'B', timestamp: ts(10_003) } },
    { testStepFinished: { testCaseStartedId: 'b2', testStepResult: { status: 'PASSED' } } },
    { testCaseFinished: { testCaseStartedId: 'b2', willBeRetried: false } },
    { testRunFinished: { timestamp: ts(12_500) } },
  ];
  const r = parseMessages(lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.equal(r.finishedMs - r.startedMs, 2_500);
  assert.equal(r.scenarios, 2);
  assert.deepEqual(r.statuses, { passed: 2 });
});

test('bench suite: each parallel worker’s first scenario, from the message stream', () => {
  const lines = [
    { testRunStarted: { timestamp: ts(20_000) } },
    { testCaseStarted: { id: 'a', testCaseId: 'A', workerId: '0', timestamp: ts(21_100) } },
    { testCaseStarted: { id: 'b', testCaseId: 'B', workerId: '1', timestamp: ts(21_250) } },
    { testCaseStarted: { id: 'c', testCaseId: 'C', workerId: '0', timestamp: ts(21_900) } },
    { testRunFinished: { timestamp: ts(30_000) } },
  ];
  const r = parseMessages(lines.map((l) => JSON.stringify(l)).join('\n'));
  assert.deepEqual(r.firstCaseMs, { '0': 21_100, '1': 21_250 });
  const serial = parseMessages(
    JSON.stringify({ testCaseStarted: { id: 'a', testCaseId: 'A', timestamp: ts(5) } }),
  );
  assert.deepEqual(serial.firstCaseMs, { '': 5 });
});
