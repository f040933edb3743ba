/**
 * Orders the merged shards' run messages as a single run of the whole selection would emit them,
 * and finds which shard ran each scenario (refusing a scenario run by two shards).
 */
import type { Envelope, Pickle } from '@cucumber/messages';
import { ShardMergeError } from './errors';

/** A scenario (or example row) as `cucumber-js` takes it: uri:line. */
export function describePickle(pickle: Pickle): string {
  return `${pickle.uri}:${pickle.location?.line ?? '?'}`;
}

/**
 * The shards' run messages as one run's: run hooks before the first test case, then each test
 * case with all its messages in pickle order, then the rest. Also which stream ran each pickle
 * (refusing a pickle run by two), in pickle order.
 */
export function orderRun(
  runs: readonly Envelope[][],
  labels: readonly string[],
  pickles: readonly Pickle[],
): { envelopes: Envelope[]; owners: [string, number][] } {
  const pickleOrder = new Map(pickles.map((p, i) => [p.id, i]));
  const pickleOfStep = new Map(pickles.flatMap((p) => p.steps.map((step) => [step.id, p.id])));
  const pickleAt = new Map(pickles.map((p) => [p.id, describePickle(p)]));
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
            `${labels[owner.shard]} and ${labels[shard]} both ran the scenario at ${pickleAt.get(e.testCase.pickleId) ?? e.testCase.pickleId}: merge the shards of one run (--shard 1/n … n/n), each once`,
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
  const chunks = [...byPickle.entries()].sort(
    ([a], [b]) => (pickleOrder.get(a) ?? Infinity) - (pickleOrder.get(b) ?? Infinity),
  );
  return {
    envelopes: [...before, ...chunks.flatMap(([, chunk]) => chunk.envelopes), ...after],
    owners: chunks.map(([pickleId, chunk]) => [pickleId, chunk.shard]),
  };
}
