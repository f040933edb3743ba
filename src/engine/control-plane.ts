/**
 * The control plane (DESIGN §3): the cluster's topology (regions, shards, each shard's leader
 * and epoch), its routers, and the replication-lag gauge. It plays the part of the consensus
 * service a real deployment keeps topology in: every node reads the same answer.
 * Failover promotes a replica, bumps the shard's epoch and records where the new epoch's log
 * starts, which is how replicas that ran ahead of the new leader find their fork point.
 */
import { InvalidInputError } from './errors';
import { checkRegionId } from './ids';
import { ShardRouter } from './routing/shard-router';
import { TenantRouter, type TenantPlacement } from './routing/tenant-router';

export interface ShardTopology {
  shard: number;
  leader: string;
  epoch: number;
  /** First SeqNo of each epoch (epoch → SeqNo). */
  epochStart: Map<number, number>;
  /** The leader of each epoch (epoch → region). */
  epochLeader: Map<number, string>;
}

export interface Topology {
  regions: readonly string[];
  shardCount: number;
}

/** Per (region, shard) replication lag: in events (leaderSeq − appliedSeq) and in ms behind. */
export class ReplicationLagGauge {
  private readonly leaderSeq = new Map<number, number>();
  // region → shard → gauge (nested, so the per-write lookup builds no key string)
  private readonly replicas = new Map<string, Map<number, { applied: number; behindSinceMs: number }>>();

  /** The leader of `shard` appended `seq` at `nowMs`. */
  leaderAppended(shard: number, seq: number, nowMs: number, followers: readonly string[]): void {
    this.leaderSeq.set(shard, seq);
    for (const region of followers) {
      const r = this.replica(region, shard);
      if (r.applied === seq - 1) r.behindSinceMs = nowMs;
    }
  }

  /** A replica reports its applied SeqNo. */
  applied(region: string, shard: number, seq: number, nowMs: number): void {
    const r = this.replica(region, shard);
    r.applied = seq;
    if (seq >= (this.leaderSeq.get(shard) ?? 0)) r.behindSinceMs = nowMs;
  }

  /** Lag in events of `region`'s replica of `shard`. */
  lagFor(region: string, shard: number): number {
    return Math.max(0, (this.leaderSeq.get(shard) ?? 0) - this.replica(region, shard).applied);
  }

  /** How long `region`'s replica of `shard` has been behind the leader, in ms (0 when caught up). */
  lagMsFor(region: string, shard: number, nowMs: number): number {
    return this.lagFor(region, shard) === 0
      ? 0
      : Math.max(0, nowMs - this.replica(region, shard).behindSinceMs);
  }

  leaderSeqNo(shard: number): number {
    return this.leaderSeq.get(shard) ?? 0;
  }

  appliedSeqNo(region: string, shard: number): number {
    return this.replica(region, shard).applied;
  }

  private replica(region: string, shard: number): { applied: number; behindSinceMs: number } {
    let shards = this.replicas.get(region);
    if (!shards) this.replicas.set(region, (shards = new Map()));
    let r = shards.get(shard);
    if (!r) shards.set(shard, (r = { applied: 0, behindSinceMs: 0 }));
    return r;
  }
}

export class ControlPlane {
  readonly shardRouter: ShardRouter;
  readonly tenantRouter: TenantRouter;
  readonly lag = new ReplicationLagGauge();
  private readonly shards: ShardTopology[] = [];

  constructor(
    readonly topology: Topology,
    leaders: (shard: number) => string,
    tenants: Record<string, TenantPlacement> = {},
  ) {
    topology.regions.forEach((r) => checkRegionId(r));
    if (new Set(topology.regions).size !== topology.regions.length)
      throw new InvalidInputError('regions', topology.regions, 'region ids must be distinct');
    this.shardRouter = new ShardRouter(topology.shardCount);
    for (let s = 0; s < topology.shardCount; s++) {
      const leader = leaders(s);
      this.checkRegion(leader);
      this.shards.push({
        shard: s,
        leader,
        epoch: 1,
        epochStart: new Map([[1, 1]]),
        epochLeader: new Map([[1, leader]]),
      });
    }
    this.tenantRouter = new TenantRouter(
      this.shardRouter,
      topology.regions,
      this.shards[0]?.leader ?? topology.regions[0]!,
      tenants,
    );
  }

  get regions(): readonly string[] {
    return this.topology.regions;
  }

  shard(shard: number): ShardTopology {
    const t = this.shards[shard];
    if (!t)
      throw new InvalidInputError('shard', shard, `this cluster has shards 0 to ${this.shards.length - 1}`);
    return t;
  }

  leaderOf(shard: number): string {
    return this.shard(shard).leader;
  }

  epochOf(shard: number): number {
    return this.shard(shard).epoch;
  }

  /** The first SeqNo of `epoch` on `shard` (undefined for an epoch that never began). */
  epochStart(shard: number, epoch: number): number | undefined {
    return this.shard(shard).epochStart.get(epoch);
  }

  followersOf(shard: number): string[] {
    const leader = this.leaderOf(shard);
    return this.topology.regions.filter((r) => r !== leader);
  }

  /** The region that led `shard` during `epoch` (undefined for an epoch that never began). */
  leaderAt(shard: number, epoch: number): string | undefined {
    return this.shard(shard).epochLeader.get(epoch);
  }

  /** Makes `region` the leader of `shard` from SeqNo `nextSeq` on; returns the new epoch. */
  promote(shard: number, region: string, nextSeq: number): number {
    this.checkRegion(region);
    const t = this.shard(shard);
    t.epoch += 1;
    t.leader = region;
    t.epochStart.set(t.epoch, nextSeq);
    t.epochLeader.set(t.epoch, region);
    return t.epoch;
  }

  /**
   * Takes a shard's leadership as an outside consensus service recorded it (a real deployment's
   * etcd): leader, epoch, where each epoch's log starts and who led it. Only ever moves forward:
   * a record older than what this control plane holds is ignored (returns false).
   */
  adopt(
    shard: number,
    record: {
      leader: string;
      epoch: number;
      epochStarts: readonly (readonly [number, number])[];
      epochLeaders: readonly (readonly [number, string])[];
    },
  ): boolean {
    const t = this.shard(shard);
    this.checkRegion(record.leader);
    if (!Number.isSafeInteger(record.epoch) || record.epoch < 1)
      throw new InvalidInputError('epoch', record.epoch, 'an epoch is a positive integer (the first is 1)');
    if (record.epoch < t.epoch) return false;
    for (const [e, seq] of record.epochStarts) {
      if (!Number.isSafeInteger(e) || e < 1 || !Number.isSafeInteger(seq) || seq < 1)
        throw new InvalidInputError('epoch start', [e, seq], 'each is [epoch ≥ 1, first SeqNo ≥ 1]');
    }
    for (const [, region] of record.epochLeaders) this.checkRegion(region);
    t.epoch = record.epoch;
    t.leader = record.leader;
    for (const [e, seq] of record.epochStarts) t.epochStart.set(e, seq);
    for (const [e, region] of record.epochLeaders) t.epochLeader.set(e, region);
    return true;
  }

  private checkRegion(region: string): void {
    if (!this.topology.regions.includes(region)) {
      throw new InvalidInputError(
        'region',
        region,
        `not a region of this cluster (${this.topology.regions.join(', ')})`,
      );
    }
  }
}
