/**
 * Merging the JSON reports of a range's shards (one per machine) into one summary: every failing
 * seed of every shard with its replay command, the totals, and the shards that stopped early.
 * Inputs that do not make one run are refused with a MergeError that says which file and why: a
 * file that is not a run report, runs with different options or ranges, a shard given twice, a
 * shard missing.
 */
import { formatFaults } from '../options';
import { FAULT_KINDS } from '../schedule';
import { RUN_REPORT_FORMAT, type RunIdentity, type RunReport } from './run-report';
import { duration } from './print';
import { formatDuration } from './plan';

export type MergeProblem =
  | 'not-a-report'
  | 'different-runs'
  | 'different-shard-counts'
  | 'repeated-shard'
  | 'missing-shard'
  | 'no-input';

/** The inputs do not make one run; `problem` says how, the message what to pass instead. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
  constructor(
    readonly problem: MergeProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface MergedRun {
  run: RunIdentity;
  shards: number;
  seedsRun: number;
  failures: (RunReport['failures'][number] & { shard: number })[];
  errors: (RunReport['errors'][number] & { shard: number })[];
  simulatedMs: number;
  tasks: number;
  faultsByKind: RunReport['faultsByKind'];
  /** The slowest shard's wall time (shards run side by side). */
  wallMs: number;
  /** Seeds per second of all shards together. */
  seedsPerSecond: number;
  /** Shards that did not run their whole share: stopped after failures, or interrupted. */
  incomplete: { shard: number; why: string }[];
}

/** Canonical JSON (sorted keys), so that two identities compare by content. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Checks that `value` (parsed from `file`) is a run report. */
export function asRunReport(value: unknown, file: string): RunReport {
  const r = value as Partial<RunReport> | null;
  if (!r || typeof r !== 'object' || r.format !== RUN_REPORT_FORMAT || !r.run || !r.shard)
    throw new MergeError(
      'not-a-report',
      `${file} is not a simulation run report (format ${RUN_REPORT_FORMAT}); pass the --json files of npm run simulate`,
    );
  return r as RunReport;
}

export function describeRun(run: RunIdentity): string {
  const what =
    run.seeds === null
      ? `seeds from ${run.from} for ${formatDuration(run.durationMs ?? 0)}`
      : `seeds ${run.from}..${run.from + run.seeds - 1}`;
  return `${what}, ${run.options.ops} operations, faults ${formatFaults(run.options.faults)}${run.options.bug ? `, bug ${run.options.bug}` : ''}`;
}

/** Merges the reports (with the files they came from, for messages) of every shard of one run. */
export function mergeReports(inputs: { file: string; report: RunReport }[]): MergedRun {
  if (inputs.length === 0)
    throw new MergeError('no-input', "no report to merge; pass every shard's --json file");
  const [first] = inputs as [{ file: string; report: RunReport }];
  const identity = canonical(first.report.run);
  const count = first.report.shard.count;
  const byShard = new Map<number, string>();
  for (const { file, report } of inputs) {
    if (canonical(report.run) !== identity)
      throw new MergeError(
        'different-runs',
        `${file} ran ${describeRun(report.run)} (${canonical(report.run)}) but ${first.file} ran ${describeRun(first.report.run)} (${identity}); merge only the shards of one run`,
      );
    if (report.shard.count !== count)
      throw new MergeError(
        'different-shard-counts',
        `${file} is shard ${report.shard.index}/${report.shard.count} but ${first.file} is shard ${first.report.shard.index}/${count}; merge the shards of one split`,
      );
    const seen = byShard.get(report.shard.index);
    if (seen !== undefined)
      throw new MergeError(
        'repeated-shard',
        `shard ${report.shard.index}/${count} is given twice (${seen} and ${file}); its seeds would count twice`,
      );
    byShard.set(report.shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byShard.has(i));
  if (missing.length)
    throw new MergeError(
      'missing-shard',
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing; pass all ${count} shards' reports (their seeds would go unchecked)`,
    );
  const reports = inputs.map((i) => i.report).sort((a, b) => a.shard.index - b.shard.index);
  const faultsByKind = Object.fromEntries(
    FAULT_KINDS.map((k) => [k, reports.reduce((n, r) => n + (r.faultsByKind[k] ?? 0), 0)]),
  ) as RunReport['faultsByKind'];
  const seedsRun = reports.reduce((n, r) => n + r.seedsRun, 0);
  const wallMs = Math.max(...reports.map((r) => r.wallMs));
  return {
    run: first.report.run,
    shards: count,
    seedsRun,
    failures: reports
      .flatMap((r) => r.failures.map((f) => ({ ...f, shard: r.shard.index })))
      .sort((a, b) => a.seed - b.seed),
    errors: reports
      .flatMap((r) => r.errors.map((e) => ({ ...e, shard: r.shard.index })))
      .sort((a, b) => a.seed - b.seed),
    simulatedMs: reports.reduce((n, r) => n + r.simulatedMs, 0),
    tasks: reports.reduce((n, r) => n + r.tasks, 0),
    faultsByKind,
    wallMs,
    seedsPerSecond: (seedsRun * 1000) / Math.max(1, wallMs),
    incomplete: reports.flatMap((r) =>
      r.interrupted
        ? [{ shard: r.shard.index, why: 'interrupted' }]
        : r.stoppedEarly
          ? [
              {
                shard: r.shard.index,
                why: `stopped after ${r.failures.length + r.errors.length} failing seeds`,
              },
            ]
          : [],
    ),
  };
}

/** The merged run as text (stdout). */
/** The violation a failing seed was shrunk for (its checker's first), else its first. */
function headline(f: MergedRun['failures'][number]): string {
  return (f.violations.find((v) => v.checker === f.checker) ?? f.violations[0])?.message ?? '';
}

export function mergedText(m: MergedRun): string[] {
  const out = [`simulation: ${describeRun(m.run)}, ${m.shards} shard${m.shards === 1 ? '' : 's'}`];
  out.push(`seeds run:      ${m.seedsRun}`);
  out.push(
    `failures:       ${m.failures.length}${m.failures.length ? ` (seeds ${m.failures.map((f) => f.seed).join(', ')})` : ''}`,
  );
  if (m.errors.length)
    out.push(`errors:         ${m.errors.length} (seeds ${m.errors.map((e) => e.seed).join(', ')})`);
  for (const i of m.incomplete) out.push(`shard ${i.shard}/${m.shards}: ${i.why}`);
  out.push(
    `simulated time: ${duration(m.simulatedMs)}; wall ${duration(m.wallMs)} (slowest shard); ${m.seedsPerSecond.toFixed(2)} seeds/s together`,
  );
  for (const f of m.failures)
    out.push(
      '',
      `✗ seed ${f.seed} (shard ${f.shard}) breaks the ${f.checker} check: ${headline(f)}`,
      `  replay: ${f.replay}`,
      `  report: ${f.report} (in shard ${f.shard}'s artifact)`,
    );
  for (const e of m.errors)
    out.push(
      '',
      `✗ seed ${e.seed} (shard ${e.shard}) could not be judged: ${e.error.split('\n')[0]}`,
      `  replay: ${e.replay}`,
    );
  return out;
}

/** The merged run as Markdown, for a CI job's summary page. */
export function mergedMarkdown(m: MergedRun): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const verdict =
    m.failures.length + m.errors.length === 0
      ? '✅ every seed kept every promise'
      : `❌ ${m.failures.length} failing seed(s), ${m.errors.length} error(s)`;
  const out = [
    `## Simulation: ${describeRun(m.run)}`,
    '',
    `${verdict} — ${m.seedsRun} seeds in ${m.shards} shard${m.shards === 1 ? '' : 's'}, ${duration(m.simulatedMs)} simulated, ${m.seedsPerSecond.toFixed(1)} seeds/s together.`,
    '',
  ];
  if (m.incomplete.length)
    out.push(...m.incomplete.map((i) => `- shard ${i.shard}/${m.shards}: ${i.why}`), '');
  if (m.failures.length + m.errors.length) {
    out.push('| seed | shard | check | first violation | replay |', '| ---: | ---: | --- | --- | --- |');
    for (const f of m.failures)
      out.push(`| ${f.seed} | ${f.shard} | ${f.checker} | ${cell(headline(f))} | \`${f.replay}\` |`);
    for (const e of m.errors)
      out.push(
        `| ${e.seed} | ${e.shard} | error | ${cell(e.error.split('\n')[0] ?? '')} | \`${e.replay}\` |`,
      );
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
