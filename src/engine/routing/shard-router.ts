/**
 * Entity → shard with the published algorithms, so that every implementation of tidalDB places an
 * entity alike (docs/wire-format.md, "Routing"): the routing key is the entity's UTF-8 bytes, or,
 * for a tenant's entity, the tenant's UTF-8 bytes, one 0x00 byte, then the entity's; its FNV-1a 64
 * picks the shard with Lamping & Veach's jump consistent hash. A tenant confined to a shard set
 * jumps over that set, sorted ascending. The same key maps to the same shard on every node and
 * run, loads are balanced, and growing from n to n+1 shards moves only about 1/(n+1) of the keys.
 *
 * Tenant ids are never empty (checkKey), so '' stands for "no tenant" and an untenanted key is
 * hashed alike only by accident of a collision; an id holding U+0000 can make two keys' bytes equal
 * (tenant "a", entity "b" and entity "a\0b"), which places them on one shard and never mixes their
 * data (the store keys by tenant and entity, not by routing key).
 */
import { fnv64Byte, fnv64Hi, fnv64Lo, fnv64Reset, fnv64String, fnv64Value } from '../hash';
import { checkShardId } from '../ids';
import { jumpHashHiLo } from './jump-hash';

export { jumpHash, jumpHashHiLo } from './jump-hash';

/** Hashes the routing key of (tenant, entity) into the running FNV-1a 64 ('' = no tenant). */
function hashRoutingKey(tenant: string, entity: string): void {
  fnv64Reset();
  if (tenant !== '') {
    fnv64String(tenant);
    fnv64Byte(0);
  }
  fnv64String(entity);
}

/** FNV-1a 64 of the routing key of (tenant, entity) ('' = no tenant). */
export function routingKeyHash(tenant: string, entity: string): bigint {
  hashRoutingKey(tenant, entity);
  return fnv64Value();
}

/** The bucket in [0, buckets) of (tenant, entity): jump hash of its routing key's FNV-1a 64. */
export function routeKey(tenant: string, entity: string, buckets: number): number {
  hashRoutingKey(tenant, entity);
  return jumpHashHiLo(fnv64Hi(), fnv64Lo(), buckets);
}

export class ShardRouter {
  constructor(readonly shardCount: number) {
    checkShardId(shardCount - 1, 'shard count');
  }

  /** The shard of `entity` (of `tenant`, if given). */
  shardFor(entity: string, tenant = ''): number {
    return routeKey(tenant, entity, this.shardCount);
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
