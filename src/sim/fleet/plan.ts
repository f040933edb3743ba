/**
 * Which seeds a run draws: a range (`--seeds`, `--from`), one shard of it (`--shard i/n`), or as
 * many as fit in a time (`--duration`). Shards split a range as cucumber-js's `--shard` splits
 * scenarios, round robin: seed k goes to shard ((k - from) mod n) + 1, so every shard gets seeds
 * from the whole range (its cost evens out across shards) and n shards together run each seed once.
 */

/** A caller's mistake in --shard, --duration or --workers: the message says what to pass. */
export class PlanError extends Error {
  override readonly name = 'PlanError';
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new PlanError(`--shard needs i/n with 1 ≤ i ≤ n (e.g. --shard 2/3), got "${text}"`);
  return { index, count };
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Parses `30s`, `10m`, `1h` (a whole number and one unit) into ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : 0;
  if (!m || ms <= 0) throw new PlanError(`--duration needs a time such as 30s, 10m or 1h, got "${text}"`);
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** The seed at position `index` (0-based) of a shard's sequence. */
export function seedAt(from: number, shard: Shard, index: number): number {
  return from + (shard.index - 1) + index * shard.count;
}

/** How many of the range's `seeds` seeds fall to `shard`. */
export function seedsInShard(seeds: number, shard: Shard): number {
  return Math.max(0, Math.ceil((seeds - (shard.index - 1)) / shard.count));
}

/** The seeds `shard` runs of the range (for tests and reports). */
export function shardSeeds(from: number, seeds: number, shard: Shard): number[] {
  return Array.from({ length: seedsInShard(seeds, shard) }, (_, i) => seedAt(from, shard, i));
}
