/**
 * Id remapping for a merge of shard runs. Every shard parses the same feature files and loads the
 * same support code, but gives every node its own random id (UUIDs in cucumber-js). The first
 * shard's ids are kept; a later shard's are mapped onto them:
 *   - a Gherkin document: walked in parallel with the first shard's document of the same uri
 *     (same text, so the same tree), pairing the `id` of every node at the same place;
 *   - a pickle: found by uri and its (remapped) astNodeIds, then walked in parallel the same way
 *     (its steps' ids);
 *   - a step definition, hook or parameter type: found by what it is and where it is defined;
 *   - the run: every shard's testRunStarted id becomes the merged run's.
 * The ids of what ran (test cases, test steps, attempts, run hooks, suggestions) are kept: with
 * UUIDs they are unique across shards already. One that equals an id the merged stream already
 * holds (any id of the first shard, or a run id of an earlier one: an id generator that counts
 * from 0 in every process would do that) gets a suffix, `<id>.shard<k>`, in every message of its shard.
 */
import type { Envelope } from '@cucumber/messages';

/** Later shard's id → merged id. */
export type IdMap = Map<string, string>;

/** Fields that hold an id or a list of ids, wherever they occur in a message. */
const ID_KEYS = new Set([
  'id',
  'astNodeId',
  'astNodeIds',
  'pickleId',
  'pickleStepId',
  'hookId',
  'stepDefinitionIds',
  'testCaseId',
  'testStepId',
  'testCaseStartedId',
  'testRunStartedId',
  'testRunHookStartedId',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Pairs the `id`s of two trees of one shape (two parses of one text): theirs → ours. Returns
 * false, pairing nothing further, where the shapes differ.
 */
export function pairIds(ours: unknown, theirs: unknown, map: IdMap): boolean {
  if (Array.isArray(ours) || Array.isArray(theirs)) {
    if (!Array.isArray(ours) || !Array.isArray(theirs) || ours.length !== theirs.length) return false;
    return ours.every((item, i) => pairIds(item, theirs[i], map));
  }
  if (isObject(ours) || isObject(theirs)) {
    if (!isObject(ours) || !isObject(theirs)) return false;
    const keys = Object.keys(ours);
    if (keys.length !== Object.keys(theirs).length) return false;
    return keys.every((key) => {
      if (key === 'id' && typeof ours.id === 'string' && typeof theirs.id === 'string') {
        map.set(theirs.id, ours.id);
        return true;
      }
      return key in theirs && pairIds(ours[key], theirs[key], map);
    });
  }
  return true; // leaves: the texts are equal, so are they (checked by the caller through the source)
}

function remapValue(value: unknown, map: IdMap, key: string | undefined): unknown {
  if (typeof value === 'string')
    return key !== undefined && ID_KEYS.has(key) ? (map.get(value) ?? value) : value;
  if (Array.isArray(value)) return value.map((item) => remapValue(item, map, key));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = remapValue(v, map, k);
    return out;
  }
  return value;
}

/** A copy of `envelope` with every id and id reference in `map` replaced. */
export function remapEnvelope(envelope: Envelope, map: IdMap): Envelope {
  return map.size === 0 ? envelope : (remapValue(envelope, map, undefined) as Envelope);
}

/** Every `id` the messages define, at any depth (Gherkin nodes, pickles and their steps, support code). */
export function definedIds(envelopes: readonly Envelope[]): string[] {
  const ids: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (isObject(value))
      for (const [key, v] of Object.entries(value)) {
        if (key === 'id' && typeof v === 'string') ids.push(v);
        else walk(v);
      }
  };
  envelopes.forEach(walk);
  return ids;
}

/** The ids of what ran in a shard (test cases and their steps, attempts, run hooks, suggestions). */
export function runIds(envelopes: readonly Envelope[]): string[] {
  return envelopes.flatMap((e) => [
    ...(e.testCase ? [e.testCase.id, ...e.testCase.testSteps.map((s) => s.id)] : []),
    ...(e.testCaseStarted ? [e.testCaseStarted.id] : []),
    ...(e.testRunHookStarted ? [e.testRunHookStarted.id] : []),
    ...(e.suggestion ? [e.suggestion.id] : []),
  ]);
}

/** What a piece of support code is and where it is defined: equal across shards of one suite. */
export function supportCodeKey(envelope: Envelope): string | undefined {
  const at = (ref: { uri?: string; location?: { line: number } }): string =>
    `${ref.uri ?? '?'}:${ref.location?.line ?? '?'}`;
  const { stepDefinition: step, hook, parameterType: type } = envelope;
  if (step)
    return `step ${step.pattern.type} ${JSON.stringify(step.pattern.source)} at ${at(step.sourceReference)}`;
  if (hook)
    return `hook ${hook.type ?? ''} ${hook.name ?? ''} ${hook.tagExpression ?? ''} at ${at(hook.sourceReference)}`;
  if (type)
    return `parameter type {${type.name}} ${JSON.stringify(type.regularExpressions)} at ${at(type.sourceReference ?? {})}`;
  return undefined;
}
