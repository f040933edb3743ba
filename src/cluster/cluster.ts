/**
 * SimulatedCluster (DESIGN §4): N regions × M shards of real `TidalDb` replicas connected by
 * the engine's in-process transport over a simulated network, all driven by one seeded PRNG
 * and one virtual clock. A scenario that waits two seconds takes microseconds, and the same
 * seed replays the same run message for message.
 *
 * Client calls enter one node directly and instantly; forwarding to a shard's leader succeeds
 * or fails on the link state at that instant. Replication, acks and reconciliation travel over
 * the simulated network with its latency and faults. Harness reads evaluate at the cluster's
 * virtual time, a reference common to all regions.
 */
import {
  checkKey,
  checkRegionId,
  ControlPlane,
  FileStorage,
  IdempotencyConflictError,
  InProcessTransportFactory,
  InvalidInputError,
  MemoryStorage,
  Schema,
  UnavailableError,
  type AckPolicy,
  type NetworkPartition,
  type SchemaSpec,
  type SessionOptions,
  type ShipperOptions,
  type TenantPlacement,
  type WalOptions,
  type WalStorage,
  type WriteAck,
} from '../engine';
import { History } from './checkers/history';
import { NodeClock } from './clock';
import { ClusterLifecycle } from './lifecycle';
import type { NetworkConfig } from './network';
import { SimulatedNode } from './node';
import { NodeTimers } from './scheduler';
import { ClusterSession, TenantView } from './sessions';

export type PartitionPolicy = 'leader-only' | 'accept-local';

/** Minimal structured logger (pino's shape). */
export interface ClusterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ClusterConfig {
  regions: string[];
  shardsPerRegion: number;
  /** Region that leads every shard, and the shard `leader()` returns. Default: [regions[0], 0]. */
  leader?: [string, number];
  schema: SchemaSpec | Schema;
  /** Root seed of every random choice. Default: 1. */
  seed?: number;
  /** What a region cut off from a shard's leader does with writes. Default: 'leader-only'. */
  partitionPolicy?: PartitionPolicy;
  /** When a write counts as committed. Default: 'leader'. */
  ackPolicy?: AckPolicy;
  /** Latency 5 ms and jitter 0 ms by default. */
  network?: NetworkConfig;
  /** Largest accepted lead of a remote HLC stamp. Default: 1000 ms. */
  maxDriftMs?: number;
  /** WAL segments as real files under this directory. Default: in-memory simulated disk. */
  durable?: { dataDir: string };
  tenants?: Record<string, TenantPlacement>;
  /** Default: 600_000 ms. */
  idempotencyRetentionMs?: number;
  /** Anti-entropy period. Default: 250 ms under 'accept-local', off under 'leader-only'. */
  reconcileEveryMs?: number;
  shipper?: ShipperOptions;
  wal?: WalOptions;
  logger?: ClusterLogger;
  /** Keep every write and read for the checkers. Default: true (benchmarks turn it off). */
  recordHistory?: boolean;
  /** Lag timeline sampling period for reports; 0 turns it off. Default: 50 ms. */
  sampleLagEveryMs?: number;
}

export interface ClusterWriteOptions {
  /** Region whose node the client call enters. Default: the shard leader's. */
  via?: string;
  idempotencyKey?: string;
  /** Explicit event time (ms); default: the accepting node's physical clock. */
  timeMs?: number;
  tenant?: string;
}

const silent: ClusterLogger = { debug() {}, info() {}, warn() {}, error() {} };

export class SimulatedCluster extends ClusterLifecycle {
  /** Builds and starts a cluster; WAL shipping begins at once. */
  static async build(config: ClusterConfig): Promise<SimulatedCluster> {
    return new SimulatedCluster(config);
  }

  private constructor(config: ClusterConfig) {
    const regions = validateConfig(config);
    const leaderRegion = config.leader?.[0] ?? regions[0]!;
    const cp = new ControlPlane(
      { regions, shardCount: config.shardsPerRegion },
      () => leaderRegion,
      config.tenants,
    );
    const schema = config.schema instanceof Schema ? config.schema : new Schema(config.schema);
    super(config, regions, cp, schema, config.logger ?? silent, new History(config.recordHistory ?? true));
    this.primaryShard = config.leader?.[1] ?? 0;
    const sharedDisk = new MemoryStorage();
    for (const region of regions) {
      for (let shard = 0; shard < config.shardsPerRegion; shard++) {
        const storage: WalStorage = config.durable ? new FileStorage(config.durable.dataDir) : sharedDisk;
        const clock = new NodeClock(this.scheduler);
        const node = new SimulatedNode(
          region,
          shard,
          undefined as never,
          clock,
          new NodeTimers(this.scheduler),
          storage,
        );
        this.nodes.set(`${region}/${shard}`, node);
        this.openNode(node);
      }
    }
    this.startSampling();
    this.log.info(
      {
        seed: this.seed,
        regions,
        shards: config.shardsPerRegion,
        leader: leaderRegion,
        partitionPolicy: this.partitionPolicy,
        ackPolicy: this.ackPolicy,
      },
      'cluster built',
    );
  }

  /** Writes through the cluster: enters at `via` (default the leader) and is routed to the shard's leader. */
  writeSignal(signal: string, entity: string, weight: number, opts: ClusterWriteOptions = {}): WriteAck {
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
      if (!leader.up || this.transport.isCut(via, leaderRegion)) {
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
        ackLost = this.transport.isCut(leaderRegion, via);
      }
    }
    const write = { via, tenant, entity, signal, weight, idempotencyKey: opts.idempotencyKey ?? '' };
    // A key is the tenant's, not a shard's: reused for an entity on another shard, it is a conflict.
    for (let s = 0; opts.idempotencyKey !== undefined && s < this.shardCount; s++) {
      const other = this.leader(s);
      if (
        s !== shard &&
        other.up &&
        other.db.idempotency.has(tenant, opts.idempotencyKey, other.clock.nowMs())
      )
        throw new IdempotencyConflictError(tenant, opts.idempotencyKey);
    }
    const ack = target.db.signal(signal, entity, weight, {
      tenant: opts.tenant,
      idempotencyKey: opts.idempotencyKey,
      timeMs: opts.timeMs,
      local,
    });
    this.history.recordWrite(ack, write, this.now(), target.clock.nowMs());
    if (ackLost) {
      throw new UnavailableError(
        via,
        shard,
        `the leader in ${leaderRegion} applied the write (SeqNo ${ack.seqNo}) but its acknowledgement cannot reach ${via}; retry with the same idempotency key`,
      );
    }
    return ack;
  }

  /** A client session entering at `region`. */
  session(region: string, opts: SessionOptions = {}): ClusterSession {
    return new ClusterSession(this, this.checkRegion(region), opts);
  }

  /** A view of the cluster through one tenant's namespace and shards. */
  tenant(id: string): TenantView {
    return new TenantView(this, id);
  }

  /** The decay score of `entity`'s `signal` read in `region`, at cluster time. */
  readDecayScore(region: string, entity: string, signal: string, tenant?: string): number | undefined {
    const shard = this.controlPlane.tenantRouter.shardFor(tenant ?? '', checkKey(entity, 'entity'));
    const node = this.node(this.checkRegion(region), shard);
    if (!node.up) throw new UnavailableError(region, shard, 'its replica is down');
    return node.db.readDecayScore(entity, signal, this.now(), tenant);
  }

  injectPartition(a: string, b: string): NetworkPartition {
    this.log.info({ a, b }, 'partition injected');
    return this.nemesis.partition(this.checkRegion(a), this.checkRegion(b));
  }

  /** Drops traffic from `from` to `to` only. */
  injectOneWayPartition(from: string, to: string): NetworkPartition {
    this.log.info({ from, to }, 'one-way partition injected');
    return this.nemesis.oneWayPartition(this.checkRegion(from), this.checkRegion(to));
  }

  healAllPartitions(): void {
    this.transport.healAll();
    this.log.info({}, 'all partitions healed');
  }
}

function validateConfig(config: ClusterConfig): string[] {
  if (!config || !Array.isArray(config.regions) || config.regions.length === 0) {
    throw new InvalidInputError('regions', config?.regions, 'a cluster needs at least one region');
  }
  const regions = config.regions.map((r) => checkRegionId(r));
  const n = config.shardsPerRegion;
  if (!Number.isInteger(n) || n < 1 || n > 65536)
    throw new InvalidInputError('shardsPerRegion', n, 'an integer from 1 to 65536');
  if (config.leader) {
    checkRegionId(config.leader[0], 'leader region');
    if (!regions.includes(config.leader[0]))
      throw new InvalidInputError(
        'leader region',
        config.leader[0],
        `not one of the regions (${regions.join(', ')})`,
      );
    if (!Number.isInteger(config.leader[1]) || config.leader[1] < 0 || config.leader[1] >= n) {
      throw new InvalidInputError('leader shard', config.leader[1], `a shard from 0 to ${n - 1}`);
    }
  }
  if (config.seed !== undefined && (!Number.isSafeInteger(config.seed) || config.seed < 0)) {
    throw new InvalidInputError('seed', config.seed, 'a seed is a non-negative safe integer');
  }
  if (config.partitionPolicy && !['leader-only', 'accept-local'].includes(config.partitionPolicy)) {
    throw new InvalidInputError('partitionPolicy', config.partitionPolicy, "'leader-only' or 'accept-local'");
  }
  if (config.ackPolicy && !['leader', 'quorum'].includes(config.ackPolicy))
    throw new InvalidInputError('ackPolicy', config.ackPolicy, "'leader' or 'quorum'");
  return regions;
}

export { InProcessTransportFactory };
