/**
 * The run history: one JSON file per run under `<reports dir>/history/`, named so that name order
 * is time order (`<startedAt>-<runId>.json`). A record holds what the trend strips and the flaky
 * flags need: commit, date, selection, per-promise and per-capability status, durations, the
 * seeds of failures. Reading is bounded (the newest MAX_RECORDS files, each at most
 * MAX_RECORD_BYTES) and never throws: a file it cannot read is skipped and named.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCENARIO_STATUSES, type ScenarioStatus, type Selection } from './model';
import { uncheckedCount, type SignOff } from './signoff';
import type { RunSummary } from './model';

/** The newest records read back; older files stay on disk, unread. */
export const MAX_RECORDS = 50;
/** Bound on one record file (a record is a few KB; anything larger is not ours). */
const MAX_RECORD_BYTES = 1_000_000;
/** Runs a trend strip shows, newest right. */
export const TREND_RUNS = 20;
/** The record format; a reader skips files of another version. */
export const HISTORY_VERSION = 1;

export interface HistoryRecord {
  version: typeof HISTORY_VERSION;
  runId: string;
  /** The suite's commit ("unknown" outside git). */
  commit: string;
  /** The checkout had uncommitted edits: not a run of `commit` alone. */
  dirty?: boolean;
  /** The system under test's commit(s), if any scenario built a cluster. */
  systemCommits: string[];
  date: string;
  selection: Selection;
  /** The headline's class and text. */
  outcome: string;
  headline: string;
  durationMs: number;
  scenarios: number;
  /**
   * Per promise: held or broken in the scenarios that checked it, and in how many it was not
   * checked (a real deployment cannot report what some rules need); a promise no scenario checked
   * is absent. A run on real processes and one simulated on the same commit thus agree on 'held'
   * where both held it: not checking is not a change of verdict.
   */
  promises: {
    checker: string;
    status: 'held' | 'broken';
    held: number;
    checked: number;
    /** Scenarios whose verdict said not checked (absent: none, or a record older than the field). */
    notChecked?: number;
  }[];
  capabilities: { capability: string; status: ScenarioStatus; scenarios: number; durationMs: number }[];
  failures: { name: string; location: string; status: ScenarioStatus; seed?: number; replay?: string }[];
}

export interface History {
  records: HistoryRecord[];
  /** Files skipped, with why. */
  skipped: string[];
  /** Files older than the newest MAX_RECORDS, not read. */
  older: number;
}

/** The record of one run. Promises no scenario checked (a dry run, an empty run) are not recorded. */
export function historyRecord(summary: RunSummary, page: SignOff): HistoryRecord {
  return {
    version: HISTORY_VERSION,
    runId: summary.runId,
    commit: page.suiteCommit,
    dirty: page.suiteDirty,
    systemCommits: page.system.systems.map((s) => s.system.commit),
    date: page.date,
    selection: page.selection,
    outcome: page.headline.cls,
    headline: page.headline.text,
    durationMs: Math.round(summary.runDurationMs),
    scenarios: summary.total.scenarios,
    promises: page.promises.flatMap((p) =>
      p.status === 'not-checked'
        ? []
        : [
            {
              checker: p.checker,
              status: p.status === 'broken' ? ('broken' as const) : ('held' as const),
              held: p.held,
              checked: p.checked,
              ...(p.unchecked.length ? { notChecked: uncheckedCount(p) } : {}),
            },
          ],
    ),
    capabilities: [...page.product, ...page.technical].map((c) => ({
      capability: c.name,
      status: c.status,
      scenarios: Object.values(c.counts).reduce((a, b) => a + b, 0),
      durationMs: Math.round(c.durationMs),
    })),
    failures: summary.failures.map((f) => ({
      name: f.name,
      location: `${f.uri}:${f.line}`,
      status: f.status,
      seed: f.seed?.seed,
      replay: f.seed?.replay,
    })),
  };
}

export function historyDir(reportsDir: string): string {
  return path.join(reportsDir, 'history');
}

/** A file name that sorts by time, then run id; no character a file system refuses. */
export function recordFileName(record: HistoryRecord): string {
  const safe = (text: string): string => text.replace(/[^0-9A-Za-z.-]/g, '_').slice(0, 80);
  return `${safe(record.date)}-${safe(record.runId)}.json`;
}

/** Appends the record (one new file); the directory is made if missing. */
export function appendRecord(reportsDir: string, record: HistoryRecord): string {
  const dir = historyDir(reportsDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, recordFileName(record));
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** The newest MAX_RECORDS records, oldest first; never throws. */
export function readHistory(reportsDir: string, limit: number = MAX_RECORDS): History {
  const dir = historyDir(reportsDir);
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return { records: [], skipped: [], older: 0 }; // no history yet
  }
  const newest = names.slice(-limit);
  const records: HistoryRecord[] = [];
  const skipped: string[] = [];
  for (const name of newest) {
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).size > MAX_RECORD_BYTES) throw new Error(`larger than ${MAX_RECORD_BYTES} bytes`);
      const record = parseRecord(fs.readFileSync(file, 'utf8'));
      if (!record) throw new Error(`not a history record of version ${HISTORY_VERSION}`);
      records.push(record);
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { records, skipped, older: names.length - newest.length };
}

function parseRecord(text: string): HistoryRecord | undefined {
  const value = JSON.parse(text) as Partial<HistoryRecord> | null;
  if (typeof value !== 'object' || value === null || value.version !== HISTORY_VERSION) return undefined;
  if (typeof value.runId !== 'string' || typeof value.commit !== 'string' || typeof value.date !== 'string')
    return undefined;
  if (!Array.isArray(value.promises) || !Array.isArray(value.capabilities)) return undefined;
  const okPromise = value.promises.every(
    (p) => typeof p?.checker === 'string' && (p.status === 'held' || p.status === 'broken'),
  );
  const okCapability = value.capabilities.every(
    (c) => typeof c?.capability === 'string' && SCENARIO_STATUSES.includes(c.status),
  );
  return okPromise && okCapability ? (value as HistoryRecord) : undefined;
}

/** The runs a page shows: the history read back without this run's own record, then this run. */
export function withCurrent(history: History, current: HistoryRecord): HistoryRecord[] {
  return [...history.records.filter((r) => r.runId !== current.runId), current];
}

export interface TrendCell {
  status: ScenarioStatus | 'absent';
  commit: string;
  date: string;
}

/** One capability's last TREND_RUNS runs, oldest first (`absent` where a run did not select it). */
export function trend(runs: readonly HistoryRecord[], capability: string): TrendCell[] {
  return runs.slice(-TREND_RUNS).map((r) => ({
    status: r.capabilities.find((c) => c.capability === capability)?.status ?? 'absent',
    commit: r.commit,
    date: r.date,
  }));
}

/**
 * Promises whose status changed between runs on the same commit (a known commit: "unknown" says
 * nothing, and a run with uncommitted edits is not a run of its commit), with the commits where
 * they did: the code did not change, the verdict did.
 */
export function flakyPromises(runs: readonly HistoryRecord[]): Map<string, string[]> {
  const seen = new Map<string, Map<string, Set<string>>>(); // checker → commit → statuses
  for (const run of runs) {
    if (run.commit === 'unknown' || run.dirty) continue;
    for (const p of run.promises) {
      const byCommit = seen.get(p.checker) ?? new Map<string, Set<string>>();
      seen.set(p.checker, byCommit);
      const statuses = byCommit.get(run.commit) ?? new Set<string>();
      byCommit.set(run.commit, statuses);
      statuses.add(p.status);
    }
  }
  const flaky = new Map<string, string[]>();
  for (const [checker, byCommit] of seen) {
    const commits = [...byCommit].filter(([, statuses]) => statuses.size > 1).map(([commit]) => commit);
    if (commits.length > 0) flaky.set(checker, commits);
  }
  return flaky;
}
