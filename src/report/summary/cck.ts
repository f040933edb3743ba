/**
 * The Cucumber Compatibility Kit's sample message streams (@cucumber/compatibility-kit: one
 * `.ndjson` per Gherkin feature of Cucumber's own conformance suite) and the row the CCK table
 * shows for each: what the summary counts, what it says, and Cucumber's verdict of the run.
 * Read by the CCK test (cck.test.ts) and by scripts/cck-table.ts, which prints the table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import type { Envelope } from '@cucumber/messages';
import { SummaryCollector } from './collect';
import { describeCounts } from './model';
import { summaryView } from './view';

export interface CckSample {
  /** `<feature dir>/<file>.ndjson`, relative to the kit's features/ directory. */
  name: string;
  envelopes: Envelope[];
}

/** Every sample of the kit, sorted by name. */
export function cckSamples(): CckSample[] {
  const root = path.join(
    path.dirname(require.resolve('@cucumber/compatibility-kit/package.json')),
    'features',
  );
  return fs
    .readdirSync(root)
    .sort()
    .flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir))
        .filter((f) => f.endsWith('.ndjson'))
        .sort()
        .map((f) => ({
          name: `${dir}/${f}`,
          envelopes: fs
            .readFileSync(path.join(root, dir, f), 'utf8')
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as Envelope),
        })),
    );
}

/** The sample's summary, with fixed facts (no git, no command line, no history). */
export function cckView(sample: CckSample) {
  const collector = new SummaryCollector();
  for (const envelope of sample.envelopes) collector.add(envelope);
  return summaryView(collector.summary(), { selection: { kind: 'full' }, suiteCommit: 'unknown' });
}

/** The CCK table as Markdown: sample → scenarios, their statuses, run errors, Cucumber's success, the headline. */
export function cckTable(samples: readonly CckSample[] = cckSamples()): string {
  const rows = samples.map((sample) => {
    const { summary, page } = cckView(sample);
    const errors = summary.runErrors.map((e) => e.kind).join(', ') || '—';
    const cells = [
      sample.name,
      String(summary.total.scenarios),
      summary.total.scenarios ? describeCounts(summary.total.counts) : '—',
      errors,
      String(summary.success),
      `${page.headline.cls}: ${page.headline.text}`,
    ];
    return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  });
  return [
    '| sample | scenarios | statuses | run errors | Cucumber success | headline |',
    '| --- | ---: | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Where the committed table lies. */
export const CCK_TABLE_FILE = path.join(__dirname, 'cck-table.md');

/** The table as committed: laid out by prettier with the project's settings (npm run lint checks it). */
export async function cckTableFile(samples: readonly CckSample[] = cckSamples()): Promise<string> {
  const options = (await prettier.resolveConfig(CCK_TABLE_FILE)) ?? {};
  const intro =
    "# The summary against the Cucumber Compatibility Kit\n\nWritten by `node -r ts-node/register scripts/cck-table.ts --write`; `cck.test.ts` checks every row against Cucumber's own verdicts and that this file is current.\n\n";
  return prettier.format(`${intro}${cckTable(samples)}\n`, { ...options, parser: 'markdown' });
}
