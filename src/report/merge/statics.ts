/**
 * Pairs a later shard's static messages (Gherkin documents, pickles, support code) with the first
 * shard's, filling the id map (ids.ts), and refuses a shard that read other feature files, other
 * texts or other support code: it is not a shard of the same suite.
 */
import type { Envelope, Pickle } from '@cucumber/messages';
import { ShardMergeError } from './errors';
import { pairIds, supportCodeKey, type IdMap } from './ids';

/** Maps a later shard's static ids onto the first's, refusing sources or support code that differ. */
export function mapStatics(
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
