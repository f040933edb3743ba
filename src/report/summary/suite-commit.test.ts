// The suite's commit and whether its checkout has uncommitted edits, from git, bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suiteCommit, suiteTreeDirty } from './suite-commit';

test('suite commit: "unknown" outside git; HEAD inside; dirty once a tracked file changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidal-commit-'));
  try {
    assert.equal(suiteCommit(dir), 'unknown');
    assert.equal(suiteTreeDirty(dir), undefined);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: dir,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'one');
    git('add', 'a.txt');
    git('commit', '-qm', 'one');
    assert.equal(suiteCommit(dir), git('rev-parse', 'HEAD'));
    assert.equal(suiteTreeDirty(dir), false);
    writeFileSync(join(dir, 'a.txt'), 'two');
    assert.equal(suiteTreeDirty(dir), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
