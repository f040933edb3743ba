// Unit tests for the run history: a record per run, read back bounded and never crashing, trend
// strips newest right, promises flagged flaky when their verdict changed on one commit, and no
// promise recorded as held by a run that checked nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendRecord,
  flakyPromises,
  HISTORY_VERSION,
  readHistory,
  trend,
  TREND_RUNS,
  withCurrent,
  type HistoryRecord,
} from './history';

function record(i: number, over: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    version: HISTORY_VERSION,
    runId: `run-${i}`,
    commit: 'c1',
    systemCommits: [],
    date: `2026-11-30T10:00:${String(i).padStart(2, '0')}.000Z`,
    selection: { kind: 'full' },
    outcome: 'passed',
    headline: 'All 2 scenarios passed',
    durationMs: 10,
    scenarios: 2,
    promises: [{ checker: 'lost-write', status: 'held', held: 2, checked: 2 }],
    capabilities: [{ capability: '@sessions', status: 'passed', scenarios: 2, durationMs: 10 }],
    failures: [],
    ...over,
  };
}

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tidal-history-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('history: one file per run, read back oldest first', () => {
  withDir((dir) => {
    appendRecord(dir, record(2));
    appendRecord(dir, record(1));
    appendRecord(dir, record(1)); // the same run again (a provisional page rewritten): one file
    assert.equal(readdirSync(join(dir, 'history')).length, 2);
    assert.deepEqual(
      readHistory(dir).records.map((r) => r.runId),
      ['run-1', 'run-2'],
    );
  });
});

test('history: reads the newest records only, skips and names unreadable files, never throws', () => {
  withDir((dir) => {
    for (let i = 0; i < 8; i += 1) appendRecord(dir, record(i));
    writeFileSync(join(dir, 'history', '2026-11-30T10_00_05.500Z-broken.json'), '{ not json');
    writeFileSync(
      join(dir, 'history', '2026-11-30T10_00_06.500Z-other.json'),
      JSON.stringify({ version: 99 }),
    );
    mkdirSync(join(dir, 'history', 'zz-a-directory.json'));
    const history = readHistory(dir, 6);
    assert.deepEqual(
      history.records.map((r) => r.runId),
      ['run-5', 'run-6', 'run-7'],
    );
    assert.equal(history.older, 5);
    assert.equal(history.skipped.length, 3);
    assert.match(history.skipped.join('\n'), /zz-a-directory\.json: /);
    assert.match(history.skipped.join('\n'), /broken\.json: .*JSON/);
    assert.match(history.skipped.join('\n'), /other\.json: not a history record of version 1/);
    assert.deepEqual(readHistory(join(dir, 'nowhere')), { records: [], skipped: [], older: 0 });
  });
});

test('history: trend strip per capability: the last runs, newest right, absent where not run', () => {
  const runs = Array.from({ length: TREND_RUNS + 5 }, (_, i) => record(i));
  runs[runs.length - 2] = record(23, { capabilities: [] });
  runs[runs.length - 1] = record(24, {
    capabilities: [{ capability: '@sessions', status: 'failed', scenarios: 2, durationMs: 1 }],
  });
  const cells = trend(runs, '@sessions');
  assert.equal(cells.length, TREND_RUNS);
  assert.deepEqual(
    cells.slice(-3).map((c) => c.status),
    ['passed', 'absent', 'failed'],
  );
  assert.equal(cells.at(-1)?.date, '2026-11-30T10:00:24.000Z');
});

test('history: a promise whose verdict changed between runs of the same commit is flaky', () => {
  const broken = [{ checker: 'lost-write', status: 'broken' as const, held: 1, checked: 2 }];
  assert.deepEqual(
    [...flakyPromises([record(1), record(2, { promises: broken })])],
    [['lost-write', ['c1']]],
  );
  assert.equal(
    flakyPromises([record(1), record(2, { commit: 'c2', promises: broken })]).size,
    0,
    'the code changed',
  );
  assert.equal(
    flakyPromises([record(1, { commit: 'unknown' }), record(2, { commit: 'unknown', promises: broken })])
      .size,
    0,
    'an unknown commit says nothing',
  );
  assert.equal(
    flakyPromises([record(1), record(2, { dirty: true, promises: broken })]).size,
    0,
    'a run with uncommitted edits is not a run of its commit',
  );
  // A dry run records no promise: it neither holds one nor makes one flaky.
  assert.equal(flakyPromises([record(1, { promises: broken }), record(2, { promises: [] })]).size, 0);
});

test('history: the page shows the history without this run, then this run', () => {
  const runs = withCurrent(
    { records: [record(1), record(2)], skipped: [], older: 0 },
    record(2, { outcome: 'failed' }),
  );
  assert.deepEqual(
    runs.map((r) => [r.runId, r.outcome]),
    [
      ['run-1', 'passed'],
      ['run-2', 'failed'],
    ],
  );
});
