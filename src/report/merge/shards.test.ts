/**
 * The round-robin check of a merge: the scenarios, in file order, must be dealt to the streams as
 * `--shard i/n` deals them, or a shard is missing or the streams come from different selections.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShardMergeError } from './errors';
import { checkShardsComplete } from './shards';

const labels = ['a.ndjson', 'b.ndjson', 'c.ndjson'];
const owners = (streams: number[]): [string, number][] => streams.map((s, i) => [`f.feature:${i + 1}`, s]);
const problem = (streams: number[], shards: number): string | undefined => {
  try {
    checkShardsComplete(owners(streams), labels.slice(0, shards), shards);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ShardMergeError);
    return `${err.problem}: ${err.message}`;
  }
};

test('shards: round robin: scenarios dealt 1, 2, 3, 1, 2, 3 … in any stream order pass', () => {
  assert.equal(problem([0, 1, 2, 0, 1, 2, 0], 3), undefined);
  assert.equal(problem([2, 0, 1, 2, 0], 3), undefined);
  assert.equal(problem([0, 1], 3), undefined, 'fewer scenarios than shards: the last shard ran none');
});

test('shards: round robin: a scenario dealt out of turn is refused, named by uri:line', () => {
  assert.match(
    problem([0, 1, 1, 0], 2) ?? '',
    /^missing-shard: .*scenario f\.feature:3, number 3 in file order, ran in b\.ndjson, but --shard deals it to the shard that ran number 1, a\.ndjson/,
  );
  assert.match(problem([0, 0, 1], 3) ?? '', /^missing-shard: .*f\.feature:2/);
});

test('shards: round robin: two streams that share the turns of three shards are refused', () => {
  assert.match(
    problem([0, 1, 0, 1], 3) ?? '',
    /^missing-shard: .*number 3 in file order.*3 different shards/,
  );
});
