/**
 * The one error a merge of shard runs throws for its caller's mistake: inputs that are not the
 * `--shard i/n` runs of one suite. Each names what differs and what to do.
 */

/** Why the inputs cannot be merged. */
export type ShardMergeProblem =
  | 'no-input' // no stream given
  | 'not-a-run' // a file that is not a Cucumber message stream, or one without meta/testRunStarted
  | 'unfinished-run' // a stream without testRunFinished: the run was cut short
  | 'different-sources' // the shards read different feature files
  | 'different-source' // one feature file's text differs between shards
  | 'different-support-code' // different step definitions, hooks or parameter types
  | 'overlap' // a scenario ran in two shards
  | 'missing-shard'; // fewer streams than shards, or the scenarios are not those of n round-robin shards

/** Inputs that are not the shard runs of one suite. */
export class ShardMergeError extends Error {
  constructor(
    readonly problem: ShardMergeProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ShardMergeError';
  }
}
