/**
 * Which scenarios a run selected, stated so a reader knows whether "all passed" covers the suite.
 * Two witnesses: cucumber-js's command line (`--tags`, `--name`, `--shard`, a profile that narrows,
 * positional feature paths, `--dry-run`) and the message stream (cucumber-js 12 emits a pickle for
 * every scenario of the loaded features and a test case only for the selected ones). The profiles'
 * own exclusion (`not @demo-failure`, DEFAULT_EXCLUDED_TAGS) is the default selection, not a filter.
 */
import ArgvParser, { type IParsedArgv } from '@cucumber/cucumber/lib/configuration/argv_parser';
import { DEFAULT_EXCLUDED_TAGS, type RunSummary, type Selection } from './model';

/** Profiles that run the whole default selection. */
const FULL_PROFILES = new Set(['default', 'ci', 'parallel']);

/**
 * The selection as cucumber-js's command line states it, read by cucumber-js's own argument
 * parser (so an option reads as Cucumber reads it); undefined when this process is not cucumber-js.
 */
export function selectionFromArgv(argv: readonly string[] = process.argv): Selection | undefined {
  if (!/cucumber(-js)?(\.js)?$/.test(argv[1] ?? '')) return undefined;
  let parsed: IParsedArgv;
  try {
    parsed = ArgvParser.parse([...argv]);
  } catch {
    return undefined; // not a command line Cucumber would run
  }
  const { tags, name: names = [], paths = [], shard, dryRun } = parsed.configuration;
  const profile = parsed.options.profile.find((p) => !FULL_PROFILES.has(p));
  const selection: Selection = { kind: 'full' };
  // Cucumber wraps each --tags in parentheses and joins them with "and"; a single one reads as given.
  const tagOptions = argv.filter((a) => a === '--tags' || a === '-t' || a.startsWith('--tags=')).length;
  if (tags) selection.tags = tagOptions === 1 ? tags.slice(1, -1) : tags;
  if (names.length) selection.names = names;
  if (paths.length) selection.paths = paths;
  if (shard) selection.shard = shard;
  if (profile) selection.profile = profile;
  if (dryRun) selection.dryRun = true;
  if (tags || names.length || paths.length || shard || profile) selection.kind = 'filtered';
  return selection;
}

/**
 * The selection a summary states: what the caller said (a merge of shards), else the command
 * line, joined with what the stream shows (scenarios of the loaded features that did not run).
 */
export function resolveSelection(summary: RunSummary, given?: Selection): Selection {
  const selection: Selection = { ...(given ?? selectionFromArgv() ?? { kind: 'full' }) };
  // With a BeforeAll failure or a run error nothing ran: the missing test cases are not a filter.
  const aborted = summary.runErrors.some((e) => e.kind === 'before-all' || e.kind === 'run');
  const leftOut = summary.leftOut.filter((p) => !p.tags.some((t) => DEFAULT_EXCLUDED_TAGS.includes(t)));
  if (!aborted && leftOut.length > 0 && selection.mergedShards === undefined) {
    selection.leftOut = leftOut.length;
    selection.kind = 'filtered';
  }
  return selection;
}

/** One line: "full: every scenario of the suite" or "filtered: --tags @sessions (12 of 158 scenarios)". */
export function describeSelection(selection: Selection, ran: number): string {
  const parts: string[] = [];
  if (selection.profile) parts.push(`--profile ${selection.profile}`);
  if (selection.tags) parts.push(`--tags ${selection.tags}`);
  for (const name of selection.names ?? []) parts.push(`--name ${name}`);
  if (selection.paths?.length) parts.push(selection.paths.join(' '));
  if (selection.shard) parts.push(`--shard ${selection.shard}`);
  const of = selection.leftOut ? ` (${ran} of ${ran + selection.leftOut} scenarios)` : '';
  const merged = selection.mergedShards ? `; a merge of ${selection.mergedShards} shard runs` : '';
  const dry = selection.dryRun ? '; dry run: no step was run' : '';
  if (selection.kind === 'full') return `full: every scenario of the suite${merged}${dry}`;
  return `filtered: ${parts.join(' ') || 'fewer scenarios than the suite holds'}${of}${merged}${dry}`;
}
