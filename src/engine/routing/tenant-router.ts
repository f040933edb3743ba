/**
 * Tenant placement: each tenant has a home region and a set of shards. A tenant's entities are
 * routed only within its shard set, under its own namespace, so a read through one tenant can
 * never return another's data; a request that reaches a shard outside the tenant's set is a
 * `CrossTenantAccessError`. The routing key is the same as ShardRouter's (tenant, 0x00, entity);
 * the jump picks an index into the tenant's shard set, sorted ascending.
 */
import { CrossTenantAccessError, InvalidInputError } from '../errors';
import { checkKey, checkRegionId } from '../ids';
import { routeKey, type ShardRouter } from './shard-router';

export interface TenantPlacement {
  homeRegion: string;
  /** Shards of this tenant; default: every shard. */
  shards?: readonly number[];
}

export class TenantRouter {
  private readonly placements = new Map<string, { homeRegion: string; shards: readonly number[] }>();

  constructor(
    readonly shards: ShardRouter,
    readonly regions: readonly string[],
    readonly defaultHome: string,
    placements: Record<string, TenantPlacement> = {},
  ) {
    for (const [tenant, p] of Object.entries(placements)) this.place(tenant, p);
  }

  /** Declares (or moves) a tenant's placement. */
  place(tenant: string, p: TenantPlacement): void {
    checkKey(tenant, 'tenant');
    const home = checkRegionId(p.homeRegion, 'home region');
    if (!this.regions.includes(home))
      throw new InvalidInputError(
        'home region',
        home,
        `not a region of this cluster (${this.regions.join(', ')})`,
      );
    const shards = p.shards ?? this.allShards();
    if (
      shards.length === 0 ||
      shards.some((s) => !Number.isInteger(s) || s < 0 || s >= this.shards.shardCount) ||
      new Set(shards).size !== shards.length
    ) {
      throw new InvalidInputError(
        'tenant shards',
        shards,
        `a non-empty list of distinct shards from 0 to ${this.shards.shardCount - 1}`,
      );
    }
    this.placements.set(tenant, { homeRegion: home, shards: [...shards].sort((a, b) => a - b) });
  }

  placement(tenant: string): { homeRegion: string; shards: readonly number[] } {
    return this.placements.get(tenant) ?? { homeRegion: this.defaultHome, shards: this.allShards() };
  }

  homeOf(tenant: string): string {
    return this.placement(tenant).homeRegion;
  }

  /** The shard of a tenant's entity, within the tenant's shard set. */
  shardFor(tenant: string, entity: string): number {
    if (tenant === '') return this.shards.shardFor(entity);
    const { shards } = this.placement(tenant);
    return shards[routeKey(tenant, entity, shards.length)]!; // jump over the sorted shard set
  }

  /** Throws unless `shard` belongs to `tenant` (the replica-side isolation check). */
  checkOwns(tenant: string, shard: number, entity: string): void {
    if (tenant === '') return;
    const { shards } = this.placement(tenant);
    if (!shards.includes(shard)) {
      const owner =
        [...this.placements.entries()].find(([, p]) => p.shards.includes(shard))?.[0] ?? 'another tenant';
      throw new CrossTenantAccessError(tenant, owner, `${entity} (shard ${shard})`);
    }
  }

  private allShards(): number[] {
    return Array.from({ length: this.shards.shardCount }, (_, i) => i);
  }
}
