/**
 * What the stakeholder summary says, as plain data: per capability, how many scenarios passed,
 * failed, are pending, undefined or skipped and how long they took; and every scenario that did
 * not pass, with its error, seed and replay command. Built from Cucumber's message stream by
 * collect.ts, rendered by html.ts and markdown.ts.
 */
import type { SeedInfo } from '../seed';

/** Scenario outcomes, in the order the summary shows them. */
export const SCENARIO_STATUSES = ['passed', 'failed', 'pending', 'undefined', 'skipped'] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

/** Statuses that fail a strict run, and so list the scenario under "failing scenarios". */
export const FAILING_STATUSES: readonly ScenarioStatus[] = ['failed', 'pending', 'undefined'];

/**
 * Tags that say something about a feature other than the capability it checks: the phase, the
 * task, the run subset. A feature's capability is its first tag that matches none of these.
 */
export const META_TAG_PATTERNS: readonly RegExp[] = [
  /^@phase-/,
  /^@task-/,
  /^@smoke$/,
  /^@wip$/,
  /^@slow$/,
  /^@flaky$/,
];

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
}

export interface ScenarioResult {
  name: string;
  uri: string;
  /** Line of the scenario, or of the example row for an outline: what `cucumber-js uri:line` takes. */
  line: number;
  capability: string;
  status: ScenarioStatus;
  /** Wall-clock time of all attempts. */
  durationMs: number;
  attempts: number;
  /** The step (or hook) that decided the status, when it is not `passed`. */
  failedStep?: string;
  error?: string;
  seed?: SeedInfo;
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
  /** From the first message to the last, wall clock (parallel runs overlap scenarios). */
  runDurationMs: number;
  success: boolean;
  startedAt?: string;
  cucumberVersion?: string;
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
  return { passed: 0, failed: 0, pending: 0, undefined: 0, skipped: 0 };
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

/** "1.2 s", "340 ms", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
