/**
 * Measuring tools for the benchmarks: a wall clock (benchmarks are the one place that reads real
 * time), a heap tracker that samples the peak of V8 heap plus typed-array backing stores, and the
 * log-log least-squares fit that turns a series into a growth exponent.
 */
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';

/** Wall-clock milliseconds (monotonic). */
export function wallMs(): number {
  return performance.now();
}

/**
 * CPU milliseconds this process has used (all its threads: the JS thread and V8's GC helpers).
 * Reported beside wall time: on a machine shared with other work, wall time also counts the
 * time the process waited for a core.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Runs a full (mark-compact) garbage collection when the process was started with --expose-gc.
 * `gc({ type: 'major' })`, not a bare `gc()`: the bare call is V8's memory-reducing collection,
 * which also throws away compiled code, and the next run measured would be twice as slow.
 */
export function fullGc(): void {
  const gc = (globalThis as { gc?: (opts?: { type: 'major' | 'minor' }) => void }).gc;
  if (gc) {
    gc({ type: 'major' });
    gc({ type: 'major' });
  }
}

export function hasGc(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

/**
 * Collects everything, array buffer backing stores included, before a memory measurement
 * (V8's memory-reducing collection; it also discards compiled code, so never time right after).
 */
export function settleHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Bytes the program holds: the V8 heap plus external memory (ArrayBuffer backing stores: batches, WAL, typed arrays). */
export function heldBytes(): number {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** Tracks the peak of `heldBytes()` above a baseline taken (after a full GC) at construction. */
export class PeakTracker {
  readonly baseline: number;
  private peak: number;
  private calls = 0;

  constructor(private readonly every = 1) {
    settleHeap();
    this.baseline = heldBytes();
    this.peak = this.baseline;
  }

  /** Samples the heap (every `every` calls). */
  sample(): void {
    if (++this.calls % this.every !== 0) return;
    const h = heldBytes();
    if (h > this.peak) this.peak = h;
  }

  /** Peak bytes above the baseline seen so far. */
  get peakBytes(): number {
    this.sample();
    return Math.max(0, this.peak - this.baseline);
  }
}

/** Least-squares slope of log(y) against log(x): the exponent k of y ∝ x^k. */
export function growthExponent(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) throw new RangeError('need two or more (x, y) points');
  const lx = xs.map(Math.log);
  const ly = ys.map((y) => Math.log(Math.max(y, Number.MIN_VALUE)));
  const mx = mean(lx);
  const my = mean(ly);
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  if (den === 0) throw new RangeError('x values must not all be equal');
  return num / den;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Rounds to `digits` significant digits (for readable JSON). */
export function sig(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/** The best (lowest-wall) of `n` runs of `fn`, which returns its own wall time as `wallMs`. */
export async function bestOf<T extends { wallMs: number }>(n: number, fn: () => Promise<T> | T): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < n; i++) {
    fullGc();
    const r = await fn();
    if (!best || r.wallMs < best.wallMs) best = r;
  }
  return best!;
}

/** The median and range of a figure over several runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median (the mean of the middle two for an even count), minimum and maximum of `xs`. */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) throw new RangeError('no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2,
    min: s[0]!,
    max: s[s.length - 1]!,
  };
}

/** `x` and its range rounded for the JSON report: `{ [name]: median, [name_range]: [min, max] }`. */
export function reported(name: string, x: Spread, digits = 3): Record<string, number | number[]> {
  return { [name]: sig(x.median, digits), [`${name}_range`]: [sig(x.min, digits), sig(x.max, digits)] };
}

/** Every result of `n` runs of `fn`, each after a full GC. */
export async function runsOf<T>(n: number, fn: (run: number) => Promise<T> | T): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    fullGc();
    out.push(await fn(i));
  }
  return out;
}
