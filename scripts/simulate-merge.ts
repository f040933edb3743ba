/**
 * `npm run simulate:merge -- [--out reports/simulate/merged.json] [--markdown <file>] <json files…>`
 *
 * Merges the JSON reports of a range's shards (`npm run simulate -- --shard i/n --json <file>`
 * on n machines) into one summary: every failing seed with its replay command. Prints it, writes
 * the merged JSON and, with --markdown, a Markdown summary for a CI job's page. Exits 1 when a
 * seed failed or could not be judged, 2 when the inputs do not make one run (a MergeError: a
 * file that is not a run report, different options or ranges, a shard missing or given twice).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MergeError, asRunReport, mergeReports, mergedMarkdown, mergedText } from '../src/sim';

const USAGE =
  'usage: npm run simulate:merge -- [--out reports/simulate/merged.json] [--markdown summary.md] <shard reports…>';

function main(): number {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { out: { type: 'string' }, markdown: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const inputs = positionals.map((file) => {
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new MergeError('not-a-report', `${file}: cannot read it as JSON (${(err as Error).message})`);
    }
    return { file, report: asRunReport(value, file) };
  });
  const merged = mergeReports(inputs);
  const out = values.out ?? path.join('reports', 'simulate', 'merged.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
  if (values.markdown) {
    fs.mkdirSync(path.dirname(values.markdown), { recursive: true });
    fs.writeFileSync(values.markdown, mergedMarkdown(merged));
  }
  process.stdout.write(`${[...mergedText(merged), '', `merged report: ${out}`].join('\n')}\n`);
  return merged.failures.length + merged.errors.length ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(
    `simulate:merge: ${(err as Error).message}\n${err instanceof MergeError ? '' : `${USAGE}\n`}`,
  );
  process.exitCode = 2;
}
