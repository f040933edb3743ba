// A checkout's commit and whether it has uncommitted edits, from git, bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkoutCommit, checkoutDirty } from './checkout';

test('checkout: "unknown" outside git; HEAD inside; dirty once a tracked file changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidal-commit-'));
  try {
    assert.equal(checkoutCommit(dir), 'unknown');
    assert.equal(checkoutDirty(dir), undefined);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: dir,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'one');
    git('add', 'a.txt');
    git('commit', '-qm', 'one');
    assert.equal(checkoutCommit(dir), git('rev-parse', 'HEAD'));
    assert.equal(checkoutDirty(dir), false);
    writeFileSync(join(dir, 'a.txt'), 'two');
    assert.equal(checkoutDirty(dir), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
