/**
 * The sign-off page's content, arranged from a RunSummary: the headline; the specification as
 * capability → feature promise → rule → examples, product apart from @technical; one row per
 * promise the checker holds every run to; the @known-limit examples; the system under test. Pure
 * data: html.ts and markdown.ts render it, history.ts records it.
 */
import type { SystemUnderTest } from '../verdicts';
import {
  describeCounts,
  emptyCounts,
  groupStatus,
  type RunSummary,
  type ScenarioResult,
  type ScenarioStatus,
  type Selection,
  type StatusCounts,
} from './model';
import { describeSelection } from './selection';

export type HeadlineClass = 'passed' | 'failed' | 'nothing-checked';

export interface Headline {
  cls: HeadlineClass;
  /** Some scenarios passed, none failed, but some checked nothing (skipped, empty). */
  partial: boolean;
  text: string;
}

export interface Group {
  name: string;
  status: ScenarioStatus;
  counts: StatusCounts;
  durationMs: number;
}

export interface RuleNode extends Group {
  /** False for the examples of a feature that sit under no Rule. */
  isRule: boolean;
  scenarios: ScenarioResult[];
}

export interface FeatureNode extends Group {
  uri: string;
  rules: RuleNode[];
}

export interface CapabilityNode extends Group {
  features: FeatureNode[];
}

export type PromiseStatus = 'held' | 'broken' | 'not-checked';

export interface PromiseRow {
  checker: string;
  promise: string;
  status: PromiseStatus;
  /** Scenarios whose verdict names this promise. */
  checked: number;
  held: number;
  broken: ScenarioResult[];
}

export interface SystemFacts {
  /** Each distinct system, with how many scenarios ran against it. */
  systems: { system: SystemUnderTest; scenarios: number }[];
}

export interface SignOff {
  headline: Headline;
  product: CapabilityNode[];
  technical: CapabilityNode[];
  promises: PromiseRow[];
  knownLimits: ScenarioResult[];
  system: SystemFacts;
  selection: Selection;
  selectionText: string;
  suiteCommit: string;
  /** Tracked files differed from the suite's commit (undefined: not known). */
  suiteDirty?: boolean;
  /** When the run started (else when the page was made). */
  date: string;
}

export function signOff(
  summary: RunSummary,
  facts: { selection: Selection; suiteCommit: string; suiteDirty?: boolean; now?: Date },
): SignOff {
  const product = summary.scenarios.filter((s) => !s.technical);
  const technical = summary.scenarios.filter((s) => s.technical);
  return {
    headline: headline(summary, facts.selection),
    product: capabilities(product),
    technical: capabilities(technical),
    promises: promiseRows(summary.scenarios),
    knownLimits: summary.scenarios.filter((s) => s.knownLimit),
    system: systems(summary.scenarios),
    selection: facts.selection,
    selectionText: describeSelection(facts.selection, summary.total.scenarios),
    suiteCommit: facts.suiteCommit,
    suiteDirty: facts.suiteDirty,
    date: summary.startedAt ?? (facts.now ?? new Date()).toISOString(),
  };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The one sentence at the top: never "passed" for a scenario that did not run every step. */
export function headline(summary: RunSummary, selection: Selection): Headline {
  const { total } = summary;
  const n = total.scenarios;
  const failing = summary.failures.length;
  const problems: string[] = [];
  if (failing > 0)
    problems.push(`${failing} of ${plural(n, 'scenario')} failing (${describeCounts(total.counts)})`);
  for (const error of summary.runErrors) {
    if (error.kind === 'before-all') problems.push('a BeforeAll hook failed');
    if (error.kind === 'after-all') problems.push('an AfterAll hook failed');
    if (error.kind === 'run') problems.push(`the run failed: ${error.message.split('\n')[0]}`);
    if (error.kind === 'nothing-selected') problems.push('no scenario selected: nothing was checked');
  }
  // cucumber-js stops the process at a failing BeforeAll/AfterAll hook: that error says why it did not finish.
  const hookFailed = summary.runErrors.some((e) => e.kind === 'before-all' || e.kind === 'after-all');
  if (!summary.finished && !hookFailed) problems.push('the run did not finish');
  if (problems.length === 0 && !summary.success) problems.push('Cucumber reports the run as failed');
  if (problems.length > 0) {
    const ran =
      failing > 0 || summary.runErrors.some((e) => e.kind === 'nothing-selected')
        ? ''
        : n > 0
          ? ` (${plural(n, 'scenario')}: ${describeCounts(total.counts)})`
          : ': no scenario ran';
    return { cls: 'failed', partial: false, text: capitalize(`${problems.join('; ')}${ran}`) };
  }
  const passed = total.counts.passed;
  const filtered = selection.kind === 'filtered';
  const suffix = filtered ? ' (filtered run)' : '';
  const scenarios = (k: number): string => plural(k, filtered ? 'selected scenario' : 'scenario');
  if (passed === 0) {
    const dry = selection.dryRun ? ' (dry run)' : '';
    const what =
      n === total.counts.skipped
        ? `${scenarios(n)} skipped`
        : n === total.counts.empty
          ? `${scenarios(n)} without steps`
          : `${scenarios(n)}: ${describeCounts(total.counts)}`;
    return {
      cls: 'nothing-checked',
      partial: false,
      text: `${capitalize(what)}${dry}: nothing was checked${suffix}`,
    };
  }
  if (passed === n)
    return { cls: 'passed', partial: false, text: `${n === 1 ? '' : 'All '}${scenarios(n)} passed${suffix}` };
  const rest = describeCounts({ ...total.counts, passed: 0 });
  return {
    cls: 'passed',
    partial: true,
    text: `${passed} of ${scenarios(n)} passed; ${rest}: not checked${suffix}`,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function group(name: string, scenarios: readonly ScenarioResult[]): Group {
  const counts = emptyCounts();
  let durationMs = 0;
  for (const s of scenarios) {
    counts[s.status] += 1;
    durationMs += s.durationMs;
  }
  return { name, status: groupStatus(counts), counts, durationMs };
}

/** Groups items by a key, in order of first appearance. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Capability → feature → rule → scenarios; capabilities by name, features and rules in file order. */
export function capabilities(scenarios: readonly ScenarioResult[]): CapabilityNode[] {
  const byCapability = groupBy(scenarios, (s) => s.capability);
  return [...byCapability.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([capability, inCapability]) => ({
      ...group(capability, inCapability),
      features: [...groupBy(inCapability, (s) => `${s.uri}\u0000${s.feature}`).values()].map((inFeature) => ({
        ...group(inFeature[0].feature, inFeature),
        uri: inFeature[0].uri,
        rules: [...groupBy(inFeature, (s) => s.rule ?? '').entries()].map(([rule, inRule]) => ({
          ...group(rule || 'Examples under no rule', inRule),
          isRule: rule !== '',
          scenarios: inRule,
        })),
      })),
    }));
}

/** One row per promise, in the checker's order: held in how many scenarios, broken in which. */
export function promiseRows(scenarios: readonly ScenarioResult[]): PromiseRow[] {
  const rows = new Map<string, PromiseRow>();
  for (const scenario of scenarios) {
    for (const verdict of scenario.promises ?? []) {
      let row = rows.get(verdict.checker);
      if (!row) {
        row = {
          checker: verdict.checker,
          promise: verdict.promise,
          status: 'not-checked',
          checked: 0,
          held: 0,
          broken: [],
        };
        rows.set(verdict.checker, row);
      }
      row.checked += 1;
      if (verdict.held) row.held += 1;
      else row.broken.push(scenario);
    }
  }
  for (const row of rows.values())
    row.status = row.broken.length > 0 ? 'broken' : row.checked > 0 ? 'held' : 'not-checked';
  return [...rows.values()];
}

/** "held in 80 of 80 scenarios" / "broken in 2 of 80 scenarios". */
export function promiseText(row: PromiseRow): string {
  if (row.status === 'not-checked') return 'not checked: no scenario built a cluster';
  if (row.status === 'broken') return `broken in ${row.broken.length} of ${plural(row.checked, 'scenario')}`;
  return `held in ${row.held} of ${plural(row.checked, 'scenario')}`;
}

function systems(scenarios: readonly ScenarioResult[]): SystemFacts {
  const seen = new Map<string, { system: SystemUnderTest; scenarios: number }>();
  for (const s of scenarios) {
    if (!s.system) continue;
    const key = JSON.stringify([s.system.mode, s.system.engine, s.system.version, s.system.commit]);
    const entry = seen.get(key);
    if (entry) entry.scenarios += 1;
    else seen.set(key, { system: s.system, scenarios: 1 });
  }
  return { systems: [...seen.values()] };
}

/** "tidal-engine 0.1.0, commit 1d9879c, simulated", or why there is none, or that scenarios disagree. */
export function systemText(facts: SystemFacts): string {
  const one = (s: SystemUnderTest): string =>
    `${s.engine} ${s.version}, commit ${s.commit.slice(0, 12)}, ${s.mode === 'simulated' ? 'simulated (in-process)' : 'real processes'}`;
  if (facts.systems.length === 0) return 'no scenario built a cluster';
  if (facts.systems.length === 1) return one(facts.systems[0].system);
  return `scenarios disagree: ${facts.systems.map((e) => `${one(e.system)} (${plural(e.scenarios, 'scenario')})`).join('; ')}`;
}
