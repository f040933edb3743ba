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
  /**
   * Some scenarios passed, none failed, but not everything was checked: some scenarios checked
   * nothing (skipped, empty), or some promises were not checked in some scenarios.
   */
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

/**
 * A promise over a run: broken somewhere; held in every scenario that checked it; held where
 * checked but not checked in some scenarios ('partly-checked'); or checked nowhere.
 */
export type PromiseStatus = 'held' | 'broken' | 'partly-checked' | 'not-checked';

/** Scenarios that could not check a promise, for one reason on one kind of system. */
export interface UncheckedGroup {
  /** The system they ran against, in words: "real processes", "simulated". */
  system: string;
  reason: string;
  scenarios: ScenarioResult[];
}

export interface PromiseRow {
  checker: string;
  promise: string;
  status: PromiseStatus;
  /** Scenarios that judged this promise (held or broken there). */
  checked: number;
  held: number;
  broken: ScenarioResult[];
  /** Scenarios whose verdict says the promise was not checked there, grouped by system and reason. */
  unchecked: UncheckedGroup[];
  /** Scenarios that did nothing the promise is about (sent no bad request): neither held nor unchecked. */
  notExercised: number;
  /** Where the promise is exercised, as the not-exercised verdicts say (undefined when none did). */
  exercisedWhere?: string;
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
  const promises = promiseRows(summary.scenarios);
  return {
    headline: withUnchecked(headline(summary, facts.selection), promises),
    product: capabilities(product),
    technical: capabilities(technical),
    promises,
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

/**
 * The headline, saying which promises some scenarios could not check (a real deployment does not
 * report what some rules need): "All 24 scenarios passed" must not read as "every promise held".
 */
export function withUnchecked(line: Headline, rows: readonly PromiseRow[]): Headline {
  const unchecked = rows.filter((r) => r.unchecked.length > 0);
  // A promise no scenario of the run exercised (none sent a bad request) was not checked either;
  // one exercised somewhere and held there is held, wherever else it had nothing to judge.
  const idle = rows.filter((r) => r.notExercised > 0 && r.checked === 0 && r.unchecked.length === 0);
  if (unchecked.length === 0 && idle.length === 0) return line;
  const scenarios = new Set<ScenarioResult>();
  const systems = new Set<string>();
  for (const row of unchecked)
    for (const g of row.unchecked) {
      systems.add(g.system);
      for (const s of g.scenarios) scenarios.add(s);
    }
  const parts = [line.text];
  if (unchecked.length)
    parts.push(
      `${plural(unchecked.length, 'promise')} not checked in ${plural(scenarios.size, 'scenario')} (${[...systems].join(', ')}): ${unchecked.map((r) => r.checker).join(', ')}`,
    );
  if (idle.length)
    parts.push(
      `${plural(idle.length, 'promise')} exercised by no scenario: ${idle.map((r) => r.checker).join(', ')}`,
    );
  return { cls: line.cls, partial: line.partial || line.cls === 'passed', text: parts.join('; ') };
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

/**
 * One row per promise, in the checker's order: held in how many scenarios, broken in which, not
 * checked in which and why. A scenario that did not check a promise never counts as holding it.
 */
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
          unchecked: [],
          notExercised: 0,
        };
        rows.set(verdict.checker, row);
      }
      if (verdict.status === 'not-exercised') {
        row.notExercised += 1;
        row.exercisedWhere ??= verdict.reason;
        continue;
      }
      if (verdict.status === 'not-checked') {
        const system = systemWords(scenario.system);
        const reason = verdict.reason ?? 'no reason given';
        const group = row.unchecked.find((g) => g.system === system && g.reason === reason);
        if (group) group.scenarios.push(scenario);
        else row.unchecked.push({ system, reason, scenarios: [scenario] });
        continue;
      }
      row.checked += 1;
      if (verdict.status === 'held') row.held += 1;
      else row.broken.push(scenario);
    }
  }
  for (const row of rows.values())
    row.status =
      row.broken.length > 0
        ? 'broken'
        : row.held === 0
          ? 'not-checked'
          : row.unchecked.length > 0
            ? 'partly-checked'
            : 'held';
  return [...rows.values()];
}

function systemWords(system: SystemUnderTest | undefined): string {
  if (!system) return 'system not named';
  return system.mode === 'simulated' ? 'simulated' : 'real processes';
}

/** Scenarios a row's promise was not checked in (over every reason). */
export function uncheckedCount(row: PromiseRow): number {
  return row.unchecked.reduce((n, g) => n + g.scenarios.length, 0);
}

/**
 * "held in 80 of 80 scenarios" / "broken in 2 of 80 scenarios" / "held in 10 of 10 scenarios;
 * not checked in 14 scenarios (real processes: needs every HLC stamp …)".
 */
export function promiseText(row: PromiseRow): string {
  const notChecked = row.unchecked.length
    ? `not checked in ${plural(uncheckedCount(row), 'scenario')} (${row.unchecked.map((g) => `${g.system}: ${g.reason}`).join('; ')})`
    : '';
  const idle = row.notExercised
    ? `not exercised in ${plural(row.notExercised, 'scenario')} (${row.exercisedWhere ?? 'no reason given'})`
    : '';
  if (row.status === 'not-checked')
    return [notChecked, idle].filter(Boolean).join('; ') || 'not checked: no scenario built a cluster';
  const judged =
    row.status === 'broken'
      ? `broken in ${row.broken.length} of ${plural(row.checked, 'scenario')}`
      : `held in ${row.held} of ${plural(row.checked, 'scenario')}`;
  return [judged, notChecked, idle].filter(Boolean).join('; ');
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

/**
 * "tidal-engine 0.1.0, commit 1d9879c, simulated (in-process)", "…, real processes: tidal-node
 * (protocol 1), etcd 3.4.23, …", or why there is none, or that scenarios disagree.
 */
export function systemText(facts: SystemFacts): string {
  const one = (s: SystemUnderTest): string =>
    `${s.engine} ${s.version}, commit ${s.commit.slice(0, 12)}, ${s.mode === 'simulated' ? 'simulated (in-process)' : `real processes${s.parts?.length ? `: ${s.parts.join(', ')}` : ''}`}`;
  if (facts.systems.length === 0) return 'no scenario built a cluster';
  if (facts.systems.length === 1) return one(facts.systems[0].system);
  return `scenarios disagree: ${facts.systems.map((e) => `${one(e.system)} (${plural(e.scenarios, 'scenario')})`).join('; ')}`;
}
