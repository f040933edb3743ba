/**
 * The client side of a simulated cluster: writes, reads, sessions and tenants, as a client in
 * a region sees them. A client call enters one replica directly and at once; forwarding to a
 * shard's leader succeeds or fails on the link state at that instant (a region cut off from
 * the leader refuses the write, or accepts it locally under 'accept-local'). Every write a
 * client is told about is recorded in the history the checkers judge.
 */
import {
  checkKey,
  IdempotencyConflictError,
  UnavailableError,
  type ControlPlane,
  type Schema,
  type SessionOptions,
  type WriteAck,
} from '../engine';
import type { History } from './checkers/history';
import type { ClusterWriteOptions, PartitionPolicy } from './config';
import type { SimulatedNetwork } from './network';
import type { SimulatedNode } from './node';
import type { Replicas } from './replicas';
import type { Scheduler } from './scheduler';
import { ClusterSession, TenantView, type SessionHost } from './sessions';
import type { SimWorld } from './world';

/** The options of a write that gives none (one object, not one per call). */
const NO_OPTIONS: Readonly<ClusterWriteOptions> = Object.freeze({});

export class Clients implements SessionHost {
  readonly controlPlane: ControlPlane;
  readonly regions: readonly string[];
  readonly scheduler: Scheduler;
  private sessions = 0;

  constructor(
    private readonly world: SimWorld,
    private readonly replicas: Replicas,
    private readonly network: SimulatedNetwork,
    readonly schema: Schema,
    readonly history: History,
    private readonly partitionPolicy: PartitionPolicy,
  ) {
    this.controlPlane = replicas.controlPlane;
    this.regions = replicas.regions;
    this.scheduler = world.scheduler;
  }

  now(): number {
    return this.world.now();
  }

  node(region: string, shard: number): SimulatedNode {
    return this.replicas.node(region, shard);
  }

  leader(shard: number): SimulatedNode {
    return this.replicas.leader(shard);
  }

  checkRegion(region: string): string {
    return this.replicas.checkRegion(region);
  }

  /** Session ids count per cluster, so a seed replays the same ids whatever ran before. */
  nextSessionId(): number {
    return ++this.sessions;
  }

  /** Writes through the cluster: enters at `via` (default the leader) and is routed to the shard's leader. */
  writeSignal(
    signal: string,
    entity: string,
    weight: number,
    opts: ClusterWriteOptions = NO_OPTIONS,
  ): WriteAck {
    const tenant = opts.tenant === undefined ? '' : checkKey(opts.tenant, 'tenant');
    checkKey(entity, 'entity');
    this.schema.signalIndex(signal);
    const shard = this.controlPlane.tenantRouter.shardFor(tenant, entity);
    const leaderRegion = this.controlPlane.leaderOf(shard);
    const via = opts.via === undefined ? leaderRegion : this.checkRegion(opts.via);
    const entry = this.node(via, shard);
    if (!entry.up) throw new UnavailableError(via, shard, 'its replica is down');
    let target = entry;
    let local = false;
    let ackLost = false;
    if (via !== leaderRegion) {
      const leader = this.node(leaderRegion, shard);
      if (!leader.up || this.network.isCut(via, leaderRegion)) {
        if (this.partitionPolicy !== 'accept-local') {
          throw new UnavailableError(
            via,
            shard,
            leader.up
              ? `it cannot reach the leader in ${leaderRegion} (partitioned)`
              : `its leader in ${leaderRegion} is down`,
          );
        }
        local = true;
      } else {
        target = leader;
        ackLost = this.network.isCut(leaderRegion, via);
      }
    }
    // A key is the tenant's, not a shard's: reused for an entity on another shard, it is a conflict.
    for (let s = 0; opts.idempotencyKey !== undefined && s < this.replicas.shardCount; s++) {
      const other = this.leader(s);
      if (
        s !== shard &&
        other.up &&
        other.db.idempotency.has(tenant, opts.idempotencyKey, other.clock.nowMs())
      )
        throw new IdempotencyConflictError(tenant, opts.idempotencyKey);
    }
    // Not local: the options as given (the engine's WriteOptions plus `via`, which it ignores),
    // rather than a copy made per write.
    const ack = target.db.signal(
      signal,
      entity,
      weight,
      local ? { tenant: opts.tenant, idempotencyKey: opts.idempotencyKey, timeMs: opts.timeMs, local } : opts,
    );
    // Built only when a history is kept: the record's literal cost about 0.7 µs a write.
    if (this.history.enabled)
      this.history.recordWrite(
        ack,
        {
          via,
          tenant,
          entity,
          signal,
          weight,
          idempotencyKey: opts.idempotencyKey ?? '',
          acceptedBy: target.regionId,
          ackReachedClient: !ackLost,
        },
        this.now(),
        target.clock.nowMs(),
      );
    if (ackLost) {
      throw new UnavailableError(
        via,
        shard,
        `the leader in ${leaderRegion} applied the write (SeqNo ${ack.seqNo}) but its acknowledgement cannot reach ${via}; retry with the same idempotency key`,
      );
    }
    return ack;
  }

  /** The decay score of `entity`'s `signal` read in `region`, at cluster time. */
  readDecayScore(region: string, entity: string, signal: string, tenant?: string): number | undefined {
    const shard = this.controlPlane.tenantRouter.shardFor(tenant ?? '', checkKey(entity, 'entity'));
    const node = this.node(this.checkRegion(region), shard);
    if (!node.up) throw new UnavailableError(region, shard, 'its replica is down');
    return node.db.readDecayScore(entity, signal, this.now(), tenant);
  }

  /** A client session entering at `region`. */
  session(region: string, opts: SessionOptions = {}): ClusterSession {
    return new ClusterSession(this, this.checkRegion(region), opts);
  }

  /** A view of the cluster through one tenant's namespace and shards. */
  tenant(id: string): TenantView {
    return new TenantView(this, id);
  }
}
