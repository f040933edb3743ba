/**
 * What the sign-off page says, as plain data. Per scenario: its status (one word per outcome,
 * never "passed" for one that did not run every step), where it sits in the specification
 * (capability → feature promise → rule), the promise checker's verdict and the system it ran
 * against. Per run: errors outside any scenario, the selection, the suite's commit. Built from
 * Cucumber's message stream by collect.ts, arranged by signoff.ts, rendered by html.ts and
 * markdown.ts.
 */
import type { SeedInfo } from '../seed';
import type { PromiseVerdict, SystemUnderTest } from '../verdicts';

/**
 * Scenario outcomes, most severe first. A scenario's status is its most severe step result in
 * its last attempt, ranked as @cucumber/query's findMostSevereTestStepResultBy ranks them, except
 * that `unknown` (a step that reported no outcome) ranks above `passed`; `empty` is a scenario
 * with no steps at all (Cucumber counts it as a success, but nothing was checked).
 */
export const SCENARIO_STATUSES = [
  'failed',
  'ambiguous',
  'undefined',
  'pending',
  'skipped',
  'unknown',
  'empty',
  'passed',
] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

/** Statuses that fail a strict run, and so list the scenario under "failing scenarios". */
export const FAILING_STATUSES: readonly ScenarioStatus[] = ['failed', 'ambiguous', 'undefined', 'pending'];

/** What each status word means to a reader. */
export const STATUS_MEANING: Record<ScenarioStatus, string> = {
  failed: 'a step or hook failed',
  ambiguous: 'a step matched more than one step definition',
  undefined: 'a step has no step definition',
  pending: 'a step is not implemented yet',
  skipped: 'its steps were skipped: nothing was checked',
  unknown: 'a step reported no outcome',
  empty: 'it has no steps: nothing was checked',
  passed: 'it ran and every step passed',
};

/**
 * Tags that say something about a feature other than the capability it checks: the phase, the
 * task, the run subset, the audience, the modes it runs in. A feature's capability is its first tag that matches none.
 */
export const META_TAG_PATTERNS: readonly RegExp[] = [
  /^@phase-/,
  /^@task-/,
  /^@smoke$/,
  /^@wip$/,
  /^@slow$/,
  /^@flaky$/,
  /^@technical$/,
  /^@known-limit$/,
  /^@simulator-only$/,
  /^@durable$/,
  /^@seed-\d+$/,
];

/** The tag of features and rules written for engineers, counted apart from the product's. */
export const TECHNICAL_TAG = '@technical';
/** The tag of an example that shows a documented limit of the product. */
export const KNOWN_LIMIT_TAG = '@known-limit';
/**
 * Tags the suite's profiles leave out of every run unless asked for (cucumber.js: `not
 * @demo-failure`): a scenario they leave out is not a filter of the run.
 */
export const DEFAULT_EXCLUDED_TAGS: readonly string[] = ['@demo-failure'];

/**
 * Which scenarios a run selected, as the sign-off page states it at the top. `full`: the suite's
 * default selection (every scenario but the on-purpose failing demo); `filtered`: fewer, by tags,
 * paths, names or a shard. A merge of `--shard i/n` runs says how many shards it merged.
 */
export interface Selection {
  kind: 'full' | 'filtered';
  /** The tag expression given on the command line, if any. */
  tags?: string;
  /** Feature paths (with :line) given on the command line, if any. */
  paths?: string[];
  /** Scenario name patterns given on the command line, if any. */
  names?: string[];
  /** `--shard i/n` of this run, if any. */
  shard?: string;
  /** The number of shard runs a merge combined, if this summary is a merge. */
  mergedShards?: number;
  /** A profile other than `default` or `ci` that narrows the run (`smoke`). */
  profile?: string;
  /** `--dry-run`: every step skipped, nothing checked. */
  dryRun?: boolean;
  /** Scenarios of the loaded features the run left out (not counting DEFAULT_EXCLUDED_TAGS). */
  leftOut?: number;
}

export interface ScenarioResult {
  name: string;
  uri: string;
  /** Line of the scenario, or of the example row for an outline: what `cucumber-js uri:line` takes. */
  line: number;
  capability: string;
  /** The Feature's name: the promise it checks, in the product's words. */
  feature: string;
  /** The Rule's name, if the scenario sits under one. */
  rule?: string;
  /** The scenario's tags (its feature's, rule's, examples' and its own), as Cucumber filters by them. */
  tags: string[];
  /** The feature's tags, and the rule's (feature's and rule's), for links that filter by them. */
  featureTags: string[];
  ruleTags: string[];
  /** The feature or the rule is tagged @technical. */
  technical: boolean;
  /** The scenario (or its rule or feature) is tagged @known-limit. */
  knownLimit: boolean;
  /** The scenario's own description (what a @known-limit example shows). */
  description?: string;
  status: ScenarioStatus;
  /** Wall-clock time of all attempts. */
  durationMs: number;
  attempts: number;
  /** The step (or hook) that decided the status, when it is not `passed`. */
  failedStep?: string;
  error?: string;
  seed?: SeedInfo;
  /** The promise checker's verdict, when the scenario built a cluster. */
  promises?: PromiseVerdict[];
  system?: SystemUnderTest;
}

/** Something that went wrong outside every scenario. */
export interface RunError {
  kind: 'before-all' | 'after-all' | 'run' | 'nothing-selected';
  /** Where: the hook's file and line, when a hook failed. */
  where?: string;
  message: string;
}

export type StatusCounts = Record<ScenarioStatus, number>;

export interface CapabilityRow {
  capability: string;
  counts: StatusCounts;
  scenarios: number;
  durationMs: number;
}

export interface RunSummary {
  capabilities: CapabilityRow[];
  total: CapabilityRow;
  /** Every finished scenario, ordered by file and line. */
  scenarios: ScenarioResult[];
  failures: ScenarioResult[];
  runErrors: RunError[];
  /** From the first message to the last, wall clock (parallel runs overlap scenarios). */
  runDurationMs: number;
  /** Cucumber's own verdict (testRunFinished.success); without it, whether nothing failed. */
  success: boolean;
  /** The run finished (testRunFinished came). */
  finished: boolean;
  startedAt?: string;
  /** testRunStarted's id, else its time: tells this run's history record from others. */
  runId: string;
  cucumberVersion?: string;
  /** Pickles left out of the run, by uri and tags (to tell a filter from the default exclusion). */
  leftOut: { tags: string[] }[];
}

export function isMetaTag(tag: string): boolean {
  return META_TAG_PATTERNS.some((pattern) => pattern.test(tag));
}

/** First non-meta feature tag; else the folder under features/ (the layout is features/<capability>/); else "untagged". */
export function capabilityOf(featureTags: readonly string[], uri: string): string {
  const tag = featureTags.find((t) => !isMetaTag(t));
  if (tag !== undefined) return tag;
  const folder = /(?:^|\/)features\/([^/]+)\/[^/]+$/.exec(uri.replace(/\\/g, '/'));
  return folder ? folder[1] : 'untagged';
}

export function emptyCounts(): StatusCounts {
  return { failed: 0, ambiguous: 0, undefined: 0, pending: 0, skipped: 0, unknown: 0, empty: 0, passed: 0 };
}

/** The most severe of some statuses (`empty` for none). */
export function worstStatus(statuses: Iterable<ScenarioStatus>): ScenarioStatus {
  let worst: ScenarioStatus = 'empty';
  let seen = false;
  for (const s of statuses) {
    if (!seen || SCENARIO_STATUSES.indexOf(s) < SCENARIO_STATUSES.indexOf(worst)) worst = s;
    seen = true;
  }
  return worst;
}

/** The status of a group of scenarios: the worst, but `passed` only when every one passed. */
export function groupStatus(counts: StatusCounts): ScenarioStatus {
  return worstStatus(SCENARIO_STATUSES.filter((s) => counts[s] > 0));
}

/** Rows per capability (sorted by name) and the total row. */
export function tallyCapabilities(scenarios: readonly ScenarioResult[]): {
  rows: CapabilityRow[];
  total: CapabilityRow;
} {
  const rows = new Map<string, CapabilityRow>();
  const total: CapabilityRow = { capability: 'Total', counts: emptyCounts(), scenarios: 0, durationMs: 0 };
  for (const scenario of scenarios) {
    let row = rows.get(scenario.capability);
    if (row === undefined) {
      row = { capability: scenario.capability, counts: emptyCounts(), scenarios: 0, durationMs: 0 };
      rows.set(scenario.capability, row);
    }
    for (const r of [row, total]) {
      r.counts[scenario.status] += 1;
      r.scenarios += 1;
      r.durationMs += scenario.durationMs;
    }
  }
  return { rows: [...rows.values()].sort((a, b) => a.capability.localeCompare(b.capability)), total };
}

/** "3 passed, 1 skipped": the non-zero counts, most severe first. */
export function describeCounts(counts: StatusCounts): string {
  const parts = SCENARIO_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.join(', ') || 'none';
}

/** "1.2 s", "340 ms", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
