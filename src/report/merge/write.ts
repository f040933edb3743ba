/**
 * Writes one set of reports from a merged message stream, the same files a run writes under
 * reports/: cucumber.html, cucumber.json, junit.xml, summary.html, summary.md, messages.ndjson.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { junitSuiteOf } from '../junit/report';
import { junitXml } from '../junit/xml';
import { renderSummaries, type SummaryOptions } from '../summary-formatter';
import { writeCucumberHtml } from './html';
import { renderCucumberJson } from './json';

export const MERGED_REPORTS = [
  'cucumber.html',
  'cucumber.json',
  'junit.xml',
  'summary.html',
  'summary.md',
  'messages.ndjson',
] as const;

type Selection = NonNullable<SummaryOptions['selection']>;

export interface WriteOptions {
  /** The selection the summary states (full or filtered, and how many shards were merged). */
  selection: Selection;
  /** The junit testsuite's name; default "tidal-uat". */
  suiteName?: string;
}

/** Writes the reports of `envelopes` into `dir` (created if need be); returns each file's size in bytes. */
export async function writeMergedReports(
  envelopes: readonly Envelope[],
  dir: string,
  options: WriteOptions,
): Promise<Map<(typeof MERGED_REPORTS)[number], number>> {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string): string => path.join(dir, name);
  const shards = options.selection.mergedShards;
  fs.writeFileSync(file('messages.ndjson'), envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''));
  fs.writeFileSync(file('cucumber.json'), renderCucumberJson(envelopes));
  const junit = junitSuiteOf(envelopes, {
    suiteName: options.suiteName,
    properties: shards === undefined ? [] : [['shards', String(shards)]],
  });
  fs.writeFileSync(file('junit.xml'), junitXml(junit));
  // The merged run is the run: its record joins <dir>/history/, and the page shows the trend.
  const { html, markdown } = renderSummaries(envelopes, {
    selection: options.selection,
    reportsDir: dir,
    appendsHistory: true,
  });
  fs.writeFileSync(file('summary.html'), html);
  fs.writeFileSync(file('summary.md'), markdown);
  await writeCucumberHtml(envelopes, file('cucumber.html'));
  return new Map(MERGED_REPORTS.map((name) => [name, fs.statSync(file(name)).size]));
}
