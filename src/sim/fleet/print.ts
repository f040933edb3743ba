/**
 * What a run prints, as lines: the progress status, a failing seed, a seed that could not be
 * judged, and the summary. The same lines for any number of workers, apart from wall-clock figures.
 */
import { replayCommand, type SimOptions } from '../options';
import type { FleetSummary, HeapFigures } from './fleet';
import { megabytes } from './heap';
import type { FailureRecord } from './outcome';
import { formatDuration, type Shard } from './plan';

export interface Progress {
  done: number;
  /** Seeds this run will run; undefined for a timed run. */
  total?: number;
  failing: number;
  simulatedMs: number;
  wallMs: number;
  /** A timed run's length, ms. */
  durationMs?: number;
}

export function statusLine(p: Progress): string {
  const rate = (p.done * 1000) / Math.max(1, p.wallMs);
  const count = p.total === undefined ? `${p.done} seeds` : `${p.done}/${p.total} seeds`;
  const clock =
    p.durationMs === undefined
      ? ''
      : ` · ${formatDuration(Math.min(p.wallMs, p.durationMs))} of ${formatDuration(p.durationMs)}`;
  return (
    `${count}${clock} · ${p.failing} failing · ${rate.toFixed(1)} seeds/s` +
    ` · ${(p.simulatedMs / 3_600_000).toFixed(2)} simulated h · ${Math.round(p.simulatedMs / Math.max(1, p.wallMs))}× real time`
  );
}

export function failureLines(f: FailureRecord, file: string): string[] {
  const out = [`✗ seed ${f.seed} broke ${f.violations.length} promise(s):`, `    drawn: ${f.drawn}`];
  for (const v of f.violations.slice(0, 5)) out.push(`    [${v.checker}] ${v.message}`);
  if (f.violations.length > 5) out.push(`    … and ${f.violations.length - 5} more (see the report)`);
  out.push(`  replay: ${f.replay}`);
  if (f.shrunk)
    out.push(
      `  shrunk from ${f.shrunk.from} to ${f.shrunk.to} items in ${f.shrunk.runs} runs; still breaks the ${f.checker} check:` +
        (f.shrunk.cutByTime ? ' (cut short by the shrinking budget: another run may shrink further)' : ''),
    );
  out.push(`  report: ${file} (history, fault timeline, violations, shrunk schedule)`);
  out.push(`  replay the shrunk schedule: npm run simulate -- --schedule ${file}`);
  out.push('  as a scenario (paste into a feature file):', '', f.gherkin);
  return out;
}

export function errorLines(seed: number, error: string, options: SimOptions): string[] {
  return [`✗ seed ${seed} could not be judged: ${error}`, `  replay: ${replayCommand(seed, 1, options)}`];
}

export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function heapLines(h: HeapFigures): string[] {
  const how = h.gc ? 'after a full GC' : 'without a GC (run node with --expose-gc to collect first)';
  const workers = h.workers
    .map(
      (w, i) =>
        `#${i + 1} ${w.startBytes === undefined ? '?' : megabytes(w.startBytes)} → ${w.endBytes === undefined ? '?' : megabytes(w.endBytes)}`,
    )
    .join(', ');
  return [
    `heap used (${how}):`,
    `  main thread:           ${megabytes(h.main.startBytes)} at start → ${megabytes(h.main.endBytes)} at end`,
    `  workers (loaded → end): ${workers || 'none'}`,
  ];
}

export function summaryLines(s: FleetSummary, shard: Shard): string[] {
  const range = s.seedsRun === 0 ? 'none' : `${s.firstSeed}..${s.lastSeed}`;
  const shardNote =
    shard.count > 1 ? `, shard ${shard.index}/${shard.count}: every ${shard.count}th seed` : '';
  const stop = s.interrupted
    ? ', interrupted'
    : s.stoppedEarly
      ? `, stopped after ${s.failures.length + s.errors.length} failing seeds`
      : '';
  const seeds = (list: { seed: number }[]) =>
    list.length ? ` (seeds ${list.map((f) => f.seed).join(', ')})` : '';
  return [
    '',
    `seeds run:               ${s.seedsRun} (${range}${shardNote})${stop}`,
    `failures:                ${s.failures.length}${seeds(s.failures)}`,
    ...(s.errors.length
      ? [`errors:                  ${s.errors.length}${seeds(s.errors)} (not judged: crashed or timed out)`]
      : []),
    `simulated time:          ${duration(s.simulatedMs)} (${Math.round(s.simulatedMs)} virtual ms)`,
    `wall time:               ${duration(s.wallMs)} on ${s.workers} worker${s.workers === 1 ? '' : 's'} (start-up included)`,
    `simulated-to-wall ratio: ${s.ratio.toFixed(0)}× (virtual ms per wall ms)`,
    `seeds per second:        ${s.seedsPerSecond.toFixed(2)}`,
    `simulation tasks:        ${s.tasks} (${Math.round((s.tasks * 1000) / Math.max(1, s.wallMs))} per wall second)`,
    ...heapLines(s.heap),
  ];
}
