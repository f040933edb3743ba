/**
 * Entity → shard with jump consistent hashing (Lamping & Veach, 2014) over FNV-1a. The same key
 * maps to the same shard on every node and every run, loads are balanced, and growing from n to
 * n+1 shards moves only about 1/(n+1) of the keys. The per-key random sequence is a 32-bit
 * xorshift seeded by the key's hash, which keeps the algorithm's properties without 64-bit math.
 */
import { invariant } from '../assert';
import { fmix32, fnv1a32 } from '../hash';
import { checkShardId } from '../ids';

/** Jump consistent hash of a 32-bit key hash into [0, buckets). */
export function jumpHash(keyHash: number, buckets: number): number {
  invariant(
    Number.isInteger(buckets) && buckets >= 1,
    () => `jumpHash needs at least one bucket, got ${buckets}`,
  );
  let state = fmix32(keyHash) || 0x9e3779b9;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const r = (state + 1) / 0x1_0000_0001; // in (0, 1)
    j = Math.floor((b + 1) / r);
  }
  return b;
}

/** The routing key of an entity, namespaced by tenant ('' = no tenant). */
export function routingKeyHash(tenant: string, entity: string): number {
  return tenant === '' ? fnv1a32(entity) : fnv1a32(entity, fnv1a32(tenant) ^ 0x5bd1e995);
}

export class ShardRouter {
  constructor(readonly shardCount: number) {
    checkShardId(shardCount - 1, 'shard count');
  }

  /** The shard of `entity` (of `tenant`, if given). */
  shardFor(entity: string, tenant = ''): number {
    return jumpHash(routingKeyHash(tenant, entity), this.shardCount);
  }

  /** How many of `entities` land on each shard (index = shard). */
  loads(entities: Iterable<string>, tenant = ''): number[] {
    const out = new Array<number>(this.shardCount).fill(0);
    for (const e of entities) out[this.shardFor(e, tenant)]!++;
    return out;
  }
}

/** Spread of shard loads: max/min and the largest deviation from the mean, as a fraction. */
export function loadSpread(loads: readonly number[]): {
  min: number;
  max: number;
  mean: number;
  maxOverMin: number;
  maxDeviation: number;
} {
  const min = Math.min(...loads);
  const max = Math.max(...loads);
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  return {
    min,
    max,
    mean,
    maxOverMin: min === 0 ? Infinity : max / min,
    maxDeviation: mean === 0 ? 0 : Math.max(max - mean, mean - min) / mean,
  };
}
