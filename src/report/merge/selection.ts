/**
 * What the merged run selected, as the summary states it: `full` when the shards together ran the
 * suite's default selection — every feature file under features/ and every scenario in them but
 * the on-purpose failing @demo-failure one — else `filtered`; and how many shards were merged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Envelope } from '@cucumber/messages';
import type { SummaryOptions } from '../summary-formatter';
import type { MergedRun } from './merge';

const OUT_OF_DEFAULT_SELECTION = '@demo-failure';

/** The feature files under `dir` (relative to `cwd`, with forward slashes), as Cucumber names them. */
export function featureFiles(cwd: string, dir = 'features'): string[] {
  const root = path.join(cwd, dir);
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.feature'))
    .map((file) => path.posix.join(dir, file.split(path.sep).join('/')))
    .sort();
}

/** The selection of a merged run, given the suite's feature files. */
export function mergedSelection(
  run: MergedRun,
  suiteFeatures: readonly string[],
): NonNullable<SummaryOptions['selection']> {
  const sources = new Set(run.envelopes.flatMap((e: Envelope) => (e.source ? [e.source.uri] : [])));
  const expected = run.envelopes.flatMap((e) =>
    e.pickle && !e.pickle.tags.some((t) => t.name === OUT_OF_DEFAULT_SELECTION) ? [e.pickle.id] : [],
  );
  const tested = new Set(run.testedPickleIds);
  const full =
    suiteFeatures.every((uri) => sources.has(uri)) &&
    expected.length === tested.size &&
    expected.every((id) => tested.has(id));
  return { kind: full ? 'full' : 'filtered', mergedShards: run.shards };
}
