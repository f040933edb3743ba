// Unit tests for the selection a run states: cucumber-js's command line, the stream's left-out
// scenarios, and a merge's own word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSelection, resolveSelection, selectionFromArgv } from './selection';
import type { RunSummary } from './model';

const BIN = ['/usr/bin/node', '/repo/node_modules/.bin/cucumber-js'];

test('selection: argv: no filter is the full run, whatever the profile adds (default, ci, parallel)', () => {
  assert.deepEqual(selectionFromArgv([...BIN]), { kind: 'full' });
  assert.deepEqual(selectionFromArgv([...BIN, '--profile', 'ci', '--format', 'progress']), { kind: 'full' });
  assert.deepEqual(selectionFromArgv([...BIN, '--profile', 'parallel', '--parallel', '3']), { kind: 'full' });
});

test('selection: argv: tags, names, paths, shard, a narrowing profile and a dry run', () => {
  assert.deepEqual(
    selectionFromArgv([
      ...BIN,
      '--tags',
      '@sessions',
      '-t',
      'not @slow',
      '--name=reads',
      'features/x.feature:12',
      '--shard',
      '1/3',
      '-p',
      'smoke',
      '--dry-run',
    ]),
    {
      kind: 'filtered',
      tags: '(@sessions) and (not @slow)',
      names: ['reads'],
      paths: ['features/x.feature:12'],
      shard: '1/3',
      profile: 'smoke',
      dryRun: true,
    },
  );
  assert.deepEqual(selectionFromArgv([...BIN, '-d']), { kind: 'full', dryRun: true });
  assert.equal(
    selectionFromArgv(['/usr/bin/node', 'scripts/merge.ts', '--tags', '@x']),
    undefined,
    'not cucumber-js',
  );
});

function summaryWith(leftOut: string[][], runErrors: RunSummary['runErrors'] = []): RunSummary {
  return { leftOut: leftOut.map((tags) => ({ tags })), runErrors } as unknown as RunSummary;
}

test('selection: stream: scenarios left out make a filtered run, except the default exclusion (@demo-failure)', () => {
  assert.deepEqual(resolveSelection(summaryWith([['@demo-failure']]), { kind: 'full' }), { kind: 'full' });
  assert.deepEqual(resolveSelection(summaryWith([['@sessions'], ['@demo-failure']]), { kind: 'full' }), {
    kind: 'filtered',
    leftOut: 1,
  });
  const aborted = summaryWith([['@sessions']], [{ kind: 'before-all', message: 'x' }]);
  assert.deepEqual(
    resolveSelection(aborted, { kind: 'full' }),
    { kind: 'full' },
    'nothing ran: not a filter',
  );
  const merged = resolveSelection(summaryWith([['@a'], ['@b']]), { kind: 'full', mergedShards: 3 });
  assert.deepEqual(merged, { kind: 'full', mergedShards: 3 }, 'each shard run left the others out');
});

test('selection: one line for the page', () => {
  assert.equal(describeSelection({ kind: 'full' }, 158), 'full: every scenario of the suite');
  assert.equal(
    describeSelection({ kind: 'filtered', tags: '@sessions', leftOut: 146 }, 12),
    'filtered: --tags @sessions (12 of 158 scenarios)',
  );
  assert.equal(
    describeSelection({ kind: 'full', mergedShards: 3 }, 158),
    'full: every scenario of the suite; a merge of 3 shard runs',
  );
});
