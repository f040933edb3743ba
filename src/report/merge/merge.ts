/**
 * Merges the message streams of `cucumber-js --shard i/n` runs into the one stream of a single
 * run. Each shard emits every source, Gherkin document and pickle of the suite (with its own
 * ids), the support code, and the test cases of its share. The merge keeps the first shard's
 * sources, documents, pickles and support code, maps every later shard's ids onto them (ids.ts),
 * and writes: one meta, the static messages once, one testRunStarted (the earliest), each test
 * case with its attempts in the order of its pickle (as a run of the whole selection would), the
 * shards' BeforeAll/AfterAll hooks, and one testRunFinished (the latest; success when every shard
 * succeeded). It refuses, with a ShardMergeError, inputs that are not the shards of one suite:
 * other feature files or texts, other support code, a scenario run twice, a shard missing.
 */
import type { Envelope, TestRunFinished, Timestamp } from '@cucumber/messages';
import { TimeConversion } from '@cucumber/messages';
import { ShardMergeError } from './errors';
import { definedIds, remapEnvelope, runIds, type IdMap } from './ids';
import { describePickle, orderRun } from './order';
import { checkShardsComplete } from './shards';
import { mapStatics } from './statics';

/** One shard's message stream and the name it is known by in errors (its file). */
export interface ShardStream {
  label: string;
  envelopes: readonly Envelope[];
}

export interface MergeOptions {
  /** How many shards the run had (`--shard i/N`); default: one per stream given. */
  shards?: number;
}

export interface MergedRun {
  envelopes: Envelope[];
  shards: number;
  /** Pickle ids (merged) that ran, in pickle order. */
  testedPickleIds: string[];
}

const STATIC_KINDS = [
  'source',
  'gherkinDocument',
  'pickle',
  'stepDefinition',
  'hook',
  'parameterType',
] as const;

function millis(timestamp: Timestamp): number {
  return TimeConversion.timestampToMillisecondsSinceEpoch(timestamp);
}

/** The parts of one shard's stream: before and after its testRunStarted, and its run's ends. */
function split(shard: ShardStream): {
  statics: Envelope[];
  run: Envelope[];
  finished: TestRunFinished;
  startedAt: Timestamp;
} {
  const startIndex = shard.envelopes.findIndex((e) => e.testRunStarted);
  if (!shard.envelopes.some((e) => e.meta) || startIndex < 0)
    throw new ShardMergeError(
      'not-a-run',
      `${shard.label} is not the message stream of a Cucumber run (no meta or testRunStarted message); give the messages.ndjson a shard run wrote`,
    );
  const finished = shard.envelopes.find((e) => e.testRunFinished)?.testRunFinished;
  if (finished === undefined)
    throw new ShardMergeError(
      'unfinished-run',
      `${shard.label} has no testRunFinished message: that shard's run was cut short; run it again before merging`,
    );
  const startedAt = shard.envelopes[startIndex].testRunStarted?.timestamp as Timestamp;
  return {
    statics: shard.envelopes.slice(0, startIndex).filter((e) => !e.meta),
    run: shard.envelopes.slice(startIndex + 1).filter((e) => !e.testRunFinished),
    finished,
    startedAt,
  };
}

/** The one stream of the run the shards split. */
export function mergeShards(streams: readonly ShardStream[], options: MergeOptions = {}): MergedRun {
  if (streams.length === 0)
    throw new ShardMergeError(
      'no-input',
      'no message stream to merge: give the messages.ndjson of each shard',
    );
  const shards = options.shards ?? streams.length;
  if (streams.length !== shards)
    throw new ShardMergeError(
      'missing-shard',
      `${streams.length} message stream(s) given for ${shards} shards: give one messages.ndjson per shard (--shard 1/${shards} to ${shards}/${shards})`,
    );

  const parts = streams.map(split);
  const first = parts[0];
  const mergedRunId = streams[0].envelopes.find((e) => e.testRunStarted)?.testRunStarted?.id;
  const taken = new Set([...definedIds(first.statics), ...runIds(first.run)]);
  const runs: Envelope[][] = [first.run];
  const extras: Envelope[] = [];
  for (let k = 1; k < parts.length; k++) {
    const map: IdMap = new Map();
    mapStatics(first.statics, streams[0].label, parts[k].statics, streams[k].label, map);
    const runStartedId = streams[k].envelopes.find((e) => e.testRunStarted)?.testRunStarted?.id;
    if (runStartedId !== undefined && mergedRunId !== undefined) map.set(runStartedId, mergedRunId);
    for (const id of runIds(parts[k].run)) {
      const merged = taken.has(id) ? `${id}.shard${k + 1}` : id;
      if (merged !== id) map.set(id, merged);
      taken.add(merged);
    }
    runs.push(parts[k].run.map((e) => remapEnvelope(e, map)));
    const unpaired = parts[k].statics.filter((e) => !STATIC_KINDS.some((kind) => e[kind] !== undefined));
    extras.push(...unpaired.map((e) => remapEnvelope(e, map)));
  }

  // Static messages once: the first shard's; anything else a later shard emitted before its run
  // started (an undefined parameter type, a parse error) once per distinct message.
  const statics = [...first.statics];
  const seen = new Set(statics.map((e) => JSON.stringify(e)));
  for (const e of extras) {
    const text = JSON.stringify(e);
    if (seen.has(text)) continue;
    statics.push(e);
    seen.add(text);
  }

  const pickles = statics.flatMap((e) => (e.pickle ? [e.pickle] : []));
  const ordered = orderRun(
    runs,
    streams.map((s) => s.label),
    pickles,
  );
  const pickleAt = new Map(pickles.map((p) => [p.id, describePickle(p)]));
  checkShardsComplete(
    ordered.owners.map(([pickleId, stream]) => [pickleAt.get(pickleId) ?? pickleId, stream]),
    streams.map((s) => s.label),
    shards,
  );

  const startedAt = parts.map((p) => p.startedAt).reduce((a, b) => (millis(b) < millis(a) ? b : a));
  const last = parts
    .map((p) => p.finished)
    .reduce((a, b) => (millis(b.timestamp) > millis(a.timestamp) ? b : a));
  const failing = parts
    .map((p) => p.finished)
    .find((f) => f.exception !== undefined || f.message !== undefined);
  const testRunFinished: TestRunFinished = {
    ...(mergedRunId === undefined ? {} : { testRunStartedId: mergedRunId }),
    timestamp: last.timestamp,
    success: parts.every((p) => p.finished.success),
    ...(failing?.message === undefined ? {} : { message: failing.message }),
    ...(failing?.exception === undefined ? {} : { exception: failing.exception }),
  };
  const meta = streams[0].envelopes.find((e) => e.meta) as Envelope;
  return {
    envelopes: [
      meta,
      ...statics,
      { testRunStarted: { ...(mergedRunId === undefined ? {} : { id: mergedRunId }), timestamp: startedAt } },
      ...ordered.envelopes,
      { testRunFinished },
    ],
    shards,
    testedPickleIds: ordered.owners.map(([pickleId]) => pickleId),
  };
}
