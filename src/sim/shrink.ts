/**
 * Shrinking a failing schedule (delta debugging, Zeller & Hildebrandt 2002) to a small one that
 * still fails with the same checker: first cut the tail (the shortest failing prefix), then drop
 * chunks of items at finer and finer granularity down to single items, then shorten what is left
 * — fault durations, the gaps between items, and the details of each write (the region it enters,
 * its tenant, its key). Every candidate is a real run, so the result fails for real; runs are
 * bounded by a budget, and the best schedule so far is kept when it runs out.
 */
import type { BugName } from './bugs';
import { signatureOf } from './checkers';
import { runSchedule, type RunResult } from './runner';
import { withItems, type Item, type Schedule } from './schedule';

export interface ShrinkOptions {
  bug?: BugName;
  /** Most candidate runs. Default: 400. */
  maxRuns?: number;
  /** Stops early when it returns true (the caller's wall-clock budget). Default: never. */
  outOfTime?: () => boolean;
  onProgress?: (p: { runs: number; items: number }) => void;
}

export interface ShrinkResult {
  schedule: Schedule;
  /** The run of the shrunk schedule (it fails with the target checker). */
  result: RunResult;
  runs: number;
  /** Items before and after. */
  from: number;
  to: number;
}

/** Shrinks `original` while its run keeps failing with a violation of signature `target` (see `signatureOf`). */
export async function shrink(
  original: Schedule,
  target: string,
  opts: ShrinkOptions = {},
): Promise<ShrinkResult> {
  const maxRuns = opts.maxRuns ?? 400;
  let runs = 0;
  let best = original;
  let bestResult: RunResult | undefined;
  const exhausted = (): boolean => runs >= maxRuns || (opts.outOfTime?.() ?? false);
  /** Runs a candidate; keeps it as the best when it still fails with the target checker. */
  const fails = async (candidate: Schedule): Promise<boolean> => {
    if (exhausted()) return false;
    runs++;
    const r = await runSchedule(candidate, { bug: opts.bug });
    const failed = r.violations.some((v) => signatureOf(v) === target);
    if (failed) {
      best = candidate;
      bestResult = r;
      opts.onProgress?.({ runs, items: candidate.items.length });
    }
    return failed;
  };
  const items = (): Item[] => best.items;

  /** Removes chunks of items, halving their size down to single items. */
  const ddmin = async (): Promise<void> => {
    let n = 2;
    while (items().length >= 2 && !exhausted()) {
      const current = items();
      const size = Math.ceil(current.length / n);
      let removed = false;
      for (let start = 0; start < current.length && !exhausted(); start += size) {
        const rest = [...current.slice(0, start), ...current.slice(start + size)];
        if (await fails(withItems(best, rest))) {
          removed = true;
          n = Math.max(n - 1, 2);
          break;
        }
      }
      if (!removed) {
        if (size === 1) break;
        n = Math.min(n * 2, current.length);
      }
    }
    if (items().length === 1 && !exhausted()) await fails(withItems(best, []));
  };

  /** Shorter faults, shorter gaps between items, simpler writes. */
  const shorten = async (): Promise<void> => {
    for (let i = 0; i < items().length && !exhausted(); i++) {
      const d = durationOf(items()[i]!);
      if (d === undefined || d <= 1) continue;
      if (await fails(withDuration(best, i, 1))) continue;
      let hi = d;
      let lo = 1;
      // The shortest failing duration, by bisection between a passing and a failing one.
      while (hi - lo > 1 && !exhausted()) {
        const mid = (lo + hi) >> 1;
        if (await fails(withDuration(best, i, mid))) hi = mid;
        else lo = mid;
      }
    }
    for (let i = 0; i < items().length && !exhausted(); i++) {
      const gap = items()[i]!.atMs - (i === 0 ? 0 : items()[i - 1]!.atMs);
      if (gap === 0 || (await fails(shiftFrom(best, i, -gap)))) continue;
      let keep = gap; // shortest failing gap so far
      let lo = 0;
      while (keep - lo > 1 && !exhausted()) {
        const mid = (lo + keep) >> 1;
        if (await fails(shiftFrom(best, i, mid - keep))) keep = mid;
        else lo = mid;
      }
    }
    for (let i = 0; i < items().length && !exhausted(); i++) {
      const kind = items()[i]!.kind;
      for (const field of OPTIONAL_FIELDS[kind] ?? []) {
        const it = items()[i]! as unknown as Record<string, unknown>;
        if (!(field in it) || it[field] === false || (field === 'idempotencyKey' && 'retry' in it)) continue;
        const simpler = { ...it };
        delete simpler[field];
        if (field === 'tornWrite') simpler.tornWrite = false;
        await fails(replaceAt(best, i, simpler as unknown as Item));
      }
    }
  };

  // 1. The shortest failing prefix (binary search; failures often happen early).
  let lo = 0;
  let hi = items().length;
  const all = items();
  while (lo < hi && !exhausted()) {
    const mid = (lo + hi) >> 1;
    if (await fails(withItems(original, all.slice(0, mid)))) hi = mid;
    else lo = mid + 1;
  }

  // 2–3 until nothing changes: drop items (ddmin), then shorten and simplify what is left —
  // a shorter gap can make another item unnecessary, so the passes repeat.
  for (let round = 0; round < 8 && !exhausted(); round++) {
    const before = JSON.stringify(best.items);
    await ddmin();
    await shorten();
    if (JSON.stringify(best.items) === before) break;
  }

  if (!bestResult) bestResult = await runSchedule(best, { bug: opts.bug });
  return { schedule: best, result: bestResult, runs, from: original.items.length, to: best.items.length };
}

/** Details an item can do without (a write entering at the leader, a crash tearing nothing…). */
const OPTIONAL_FIELDS: Partial<Record<Item['kind'], readonly string[]>> = {
  write: ['via', 'tenant', 'idempotencyKey'],
  crash: ['tornWrite'],
  failover: ['to'],
};

function durationOf(item: Item): number | undefined {
  return 'durationMs' in item ? item.durationMs : undefined;
}

function withDuration(s: Schedule, i: number, durationMs: number): Schedule {
  return replaceAt(s, i, { ...s.items[i]!, durationMs } as Item);
}

function replaceAt(s: Schedule, i: number, item: Item): Schedule {
  const items = s.items.slice();
  items[i] = item;
  return withItems(s, items);
}

/** Moves item `i` and every later item by `deltaMs`. */
function shiftFrom(s: Schedule, i: number, deltaMs: number): Schedule {
  return withItems(
    s,
    s.items.map((it, j) => (j >= i ? { ...it, atMs: it.atMs + deltaMs } : it)),
  );
}
