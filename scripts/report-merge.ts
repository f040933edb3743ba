/**
 * `npm run report:merge -- [--out reports] [--shards N] <shard messages.ndjson or dir>...`
 *
 * Merges the message streams of `cucumber-js --shard i/N` runs into one and writes one set of
 * reports from it into --out (default reports/): cucumber.html, cucumber.json, junit.xml,
 * summary.html, summary.md, messages.ndjson. --shards (default: one per stream given) says how
 * many shards the run had, so that a missing one is refused. Exit 1, with the reason, when the
 * inputs are not the shards of one run (src/report/merge/errors.ts).
 */
import * as path from 'node:path';
import { ShardMergeError } from '../src/report/merge/errors';
import { mergeShards } from '../src/report/merge/merge';
import { readShardStream } from '../src/report/merge/read';
import { featureFiles, mergedSelection } from '../src/report/merge/selection';
import { writeMergedReports } from '../src/report/merge/write';

const USAGE =
  'usage: npm run report:merge -- [--out reports] [--shards N] shard-1/messages.ndjson shard-2/messages.ndjson …';

interface Args {
  out: string;
  shards?: number;
  inputs: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { out: 'reports', inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') args.out = argv[++i] ?? '';
    else if (arg === '--shards') args.shards = Number(argv[++i]);
    else if (arg === '--help' || arg === '-h') throw new ShardMergeError('no-input', USAGE);
    else if (arg.startsWith('--')) throw new ShardMergeError('no-input', `unknown option ${arg}\n${USAGE}`);
    else args.inputs.push(arg);
  }
  if (args.out === '') throw new ShardMergeError('no-input', `--out needs a directory\n${USAGE}`);
  if (args.shards !== undefined && !(Number.isSafeInteger(args.shards) && args.shards > 0))
    throw new ShardMergeError('no-input', `--shards needs a positive whole number\n${USAGE}`);
  if (args.inputs.length === 0) throw new ShardMergeError('no-input', `no shard stream given\n${USAGE}`);
  return args;
}

async function main(): Promise<void> {
  const startMs = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const streams = args.inputs.map(readShardStream);
  if (args.shards === undefined)
    process.stderr.write(
      `report:merge: no --shards given, so the ${streams.length} stream(s) are taken to be every shard; ` +
        `give --shards N to have a missing shard refused\n`,
    );
  const run = mergeShards(streams, { shards: args.shards });
  const selection = mergedSelection(run, featureFiles(process.cwd()));
  const sizes = await writeMergedReports(run.envelopes, args.out, { selection });
  const scenarios = run.testedPickleIds.length;
  process.stdout.write(
    `merged ${run.shards} shard(s), ${scenarios} scenario(s), selection ${selection.kind}, into ${path.resolve(args.out)} ` +
      `in ${Math.round(performance.now() - startMs)} ms:\n` +
      [...sizes]
        .map(([name, bytes]) => `  ${name.padEnd(16)} ${bytes.toLocaleString('en')} bytes\n`)
        .join(''),
  );
}

main().catch((err: unknown) => {
  if (err instanceof ShardMergeError) process.stderr.write(`report:merge: ${err.message}\n`);
  else process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
