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
import type { Envelope, Pickle, TestRunFinished, Timestamp } from '@cucumber/messages';
import { TimeConversion } from '@cucumber/messages';
import { ShardMergeError } from './errors';
import { pairIds, remapEnvelope, runIds, supportCodeKey, type IdMap } from './ids';
import { checkShardsComplete } from './shards';

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

/** Maps a later shard's static ids onto the first's, refusing sources or support code that differ. */
function mapStatics(
  first: Envelope[],
  firstLabel: string,
  later: Envelope[],
  label: string,
  map: IdMap,
): void {
  const sources = new Map(first.flatMap((e) => (e.source ? [[e.source.uri, e.source.data] as const] : [])));
  const laterSources = later.flatMap((e) => (e.source ? [e.source] : []));
  const uris = (list: Iterable<string>) => [...list].sort().join(', ');
  if (uris(sources.keys()) !== uris(laterSources.map((s) => s.uri)))
    throw new ShardMergeError(
      'different-sources',
      `${label} read other feature files than ${firstLabel} (${laterSources.length} against ${sources.size}): shards of one suite run the same paths with --shard i/n`,
    );
  for (const source of laterSources)
    if (sources.get(source.uri) !== source.data)
      throw new ShardMergeError(
        'different-source',
        `${source.uri} differs between ${firstLabel} and ${label}: the shards ran different versions of the suite; run every shard on one commit`,
      );

  const documents = new Map(
    first.flatMap((e) => (e.gherkinDocument ? [[e.gherkinDocument.uri, e.gherkinDocument] as const] : [])),
  );
  for (const { gherkinDocument } of later) {
    if (!gherkinDocument) continue;
    const ours = documents.get(gherkinDocument.uri);
    if (!pairIds(ours, gherkinDocument, map))
      throw new Error(
        `assertion: the Gherkin documents of ${gherkinDocument.uri} differ in shape though their texts are equal`,
      );
  }

  const pickleKey = (p: Pickle, ids: (id: string) => string) =>
    `${p.uri}\u0000${p.astNodeIds.map(ids).join(',')}`;
  const pickles = new Map(
    first.flatMap((e) => (e.pickle ? [[pickleKey(e.pickle, (id) => id), e.pickle] as const] : [])),
  );
  for (const { pickle } of later) {
    if (!pickle) continue;
    const ours = pickles.get(pickleKey(pickle, (id) => map.get(id) ?? id));
    if (ours === undefined || !pairIds(ours, pickle, map))
      throw new ShardMergeError(
        'different-source',
        `${label} has a scenario of ${pickle.uri} line ${pickle.location?.line ?? '?'} that ${firstLabel} does not: run every shard on one commit`,
      );
  }

  const support = new Map(
    first.flatMap((e) => {
      const key = supportCodeKey(e);
      return key ? [[key, e] as const] : [];
    }),
  );
  const laterKeys = new Set<string>();
  for (const envelope of later) {
    const key = supportCodeKey(envelope);
    if (key === undefined) continue;
    laterKeys.add(key);
    const ours = support.get(key);
    if (ours === undefined)
      throw new ShardMergeError(
        'different-support-code',
        `${label} has support code that ${firstLabel} does not (${key}): run every shard on one commit`,
      );
    pairIds(ours, envelope, map);
  }
  const lacking = [...support.keys()].find((key) => !laterKeys.has(key));
  if (lacking !== undefined)
    throw new ShardMergeError(
      'different-support-code',
      `${label} lacks support code that ${firstLabel} has (${lacking}): run every shard on one commit`,
    );
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
  const taken = new Set(runIds(first.run));
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

  const pickleOrder = new Map(statics.flatMap((e, i) => (e.pickle ? [[e.pickle.id, i] as const] : [])));
  const pickleOfStep = new Map(
    statics.flatMap((e) => e.pickle?.steps.map((step) => [step.id, e.pickle?.id ?? ''] as const) ?? []),
  );
  const ordered = orderRun(runs, streams, pickleOrder, pickleOfStep);
  const pickleAt = new Map(
    statics.flatMap((e) =>
      e.pickle ? [[e.pickle.id, `${e.pickle.uri}:${e.pickle.location?.line ?? '?'}`] as const] : [],
    ),
  );
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

/**
 * The shards' run messages as one run's: run hooks before the first test case, then each test
 * case with all its messages in pickle order, then the rest. Also which stream ran each pickle
 * (refusing a pickle run by two), in pickle order.
 */
function orderRun(
  runs: readonly Envelope[][],
  streams: readonly ShardStream[],
  pickleOrder: Map<string, number>,
  pickleOfStep: Map<string, string>,
): { envelopes: Envelope[]; owners: [string, number][] } {
  const before: Envelope[] = [];
  const after: Envelope[] = [];
  const byPickle = new Map<string, { shard: number; envelopes: Envelope[] }>();
  runs.forEach((run, shard) => {
    const pickleOfTestCase = new Map<string, string>();
    const pickleOfAttempt = new Map<string, string>();
    let begun = false;
    for (const e of run) {
      if (e.testCase) {
        pickleOfTestCase.set(e.testCase.id, e.testCase.pickleId);
        const owner = byPickle.get(e.testCase.pickleId);
        if (owner !== undefined && owner.shard !== shard)
          throw new ShardMergeError(
            'overlap',
            `${streams[owner.shard].label} and ${streams[shard].label} both ran the scenario of pickle ${e.testCase.pickleId}: merge the shards of one run (--shard 1/n … n/n), each once`,
          );
      }
      const attempt = e.testCaseStarted;
      if (attempt) pickleOfAttempt.set(attempt.id, pickleOfTestCase.get(attempt.testCaseId) ?? '');
      const startedId =
        e.testStepStarted?.testCaseStartedId ??
        e.testStepFinished?.testCaseStartedId ??
        e.testCaseFinished?.testCaseStartedId ??
        e.attachment?.testCaseStartedId ??
        e.externalAttachment?.testCaseStartedId;
      const pickleId =
        (e.testCase && e.testCase.pickleId) ||
        (attempt && pickleOfAttempt.get(attempt.id)) ||
        (startedId !== undefined && pickleOfAttempt.get(startedId)) ||
        (e.suggestion && pickleOfStep.get(e.suggestion.pickleStepId)) ||
        undefined;
      if (pickleId !== undefined && pickleId !== '') {
        begun = true;
        const chunk = byPickle.get(pickleId) ?? { shard, envelopes: [] };
        chunk.envelopes.push(e);
        byPickle.set(pickleId, chunk);
      } else (begun ? after : before).push(e);
    }
  });
  const pickles = [...byPickle.entries()].sort(
    ([a], [b]) => (pickleOrder.get(a) ?? Infinity) - (pickleOrder.get(b) ?? Infinity),
  );
  return {
    envelopes: [...before, ...pickles.flatMap(([, chunk]) => chunk.envelopes), ...after],
    owners: pickles.map(([pickleId, chunk]) => [pickleId, chunk.shard]),
  };
}
