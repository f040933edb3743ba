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
