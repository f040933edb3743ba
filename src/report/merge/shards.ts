/**
 * Checks that the scenarios of the merged streams are those of n complete `--shard i/n` runs.
 * Cucumber deals the selected scenarios out round-robin, in file order: the j-th goes to shard
 * (j mod n) + 1. So, in pickle order, the stream that ran the j-th scenario must be the one that
 * ran the (j mod n)-th, and the first n scenarios come from n different streams. A stream of a
 * run with other paths, tags or shard count, or one standing in for a missing shard, breaks the
 * pattern. (Fewer streams than --shards N is refused before this, by count.)
 */
import { ShardMergeError } from './errors';

/**
 * `owners`: for each scenario that ran, in pickle order, its description (uri:line) and the
 * index of the stream that ran it; `labels`: the streams' names; `shards`: n.
 */
export function checkShardsComplete(
  owners: readonly [string, number][],
  labels: readonly string[],
  shards: number,
): void {
  const firstOwners = owners.slice(0, shards).map(([, stream]) => stream);
  const repeated = firstOwners.findIndex((stream, i) => firstOwners.indexOf(stream) !== i);
  const fail = (at: number): never => {
    const [scenario, stream] = owners[at];
    const rule =
      at < shards
        ? `--shard deals the first ${shards} scenarios to ${shards} different shards`
        : `--shard deals it to the shard that ran number ${(at % shards) + 1}, ${labels[owners[at % shards][1]]}`;
    throw new ShardMergeError(
      'missing-shard',
      `the streams are not ${shards} complete shards of one run: scenario ${scenario}, number ${at + 1} in file order, ` +
        `ran in ${labels[stream]}, but ${rule}. Give the messages.ndjson of every shard ` +
        `(--shard 1/${shards} to ${shards}/${shards}), each run with the same paths and tags.`,
    );
  };
  if (repeated >= 0) fail(repeated);
  for (let j = shards; j < owners.length; j++) if (owners[j][1] !== owners[j % shards][1]) fail(j);
}
