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
  NodeStateError,
  Schema,
  segmentName,
  TidalDb,
  UnavailableError,
  type AckPolicy,
  type EngineEvent,
  type NetworkPartition,
  type RecoveryReport,
  type SchemaSpec,
  type SessionOptions,
  type ShipperOptions,
  type TenantPlacement,
  type WalOptions,
  type WalStorage,
  type WriteAck,
} from '../engine';
import { History } from './checkers/history';
import { HlcMonitor } from './checkers/hlc';
import { NodeClock } from './clock';
import { ClusterFaults } from './faults';
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

export class SimulatedCluster extends ClusterFaults {
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
    super(
      config,
      regions,
      cp,
      schema,
      config.logger ?? silent,
      new History(config.recordHistory ?? true),
      new HlcMonitor(),
    );
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
    this.history.recordWrite(ack, write, this.now());
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

  /**
   * Crashes a replica: volatile state is gone, its WAL stays on disk. With `tornWrite`, the crash
   * interrupts a write in flight, so only part of it reaches the disk (seeded length); returns
   * how many bytes of it did (0 without a torn write).
   */
  crash(region: string, shard: number, opts: { tornWrite?: boolean } = {}): number {
    const node = this.node(this.checkRegion(region), shard);
    if (!node.up) throw new NodeStateError(`${node.name} is already down`);
    node.db.flush(); // a crash takes effect at the end of the instant, after group commit
    node.timers.alive = false;
    node.db.close();
    if (node.storage instanceof FileStorage) node.storage.close();
    node.up = false;
    let tornBytes = 0;
    if (opts.tornWrite) tornBytes = this.tearWriteInFlight(node);
    this.nemesis.crashed(node.name);
    this.log.info({ node: node.name, tornBytes }, 'replica crashed');
    return tornBytes;
  }

  /** Restarts a crashed replica: it recovers from its WAL and catches up from the leader. */
  restart(region: string, shard: number): RecoveryReport {
    const node = this.node(this.checkRegion(region), shard);
    if (node.up) throw new NodeStateError(`${node.name} is running; crash it first`);
    node.timers = new NodeTimers(this.scheduler);
    node.up = true;
    this.openNode(node);
    this.nemesis.restarted(node.name);
    return node.lastRecovery!;
  }

  /** Crashes every running replica in `region` (a region-wide outage); returns the bytes torn. */
  crashRegion(region: string, opts: { tornWrite?: boolean } = {}): number {
    const up = this.nodesIn(this.checkRegion(region)).filter((n) => n.up);
    if (up.length === 0) throw new NodeStateError(`every replica in ${region} is already down`);
    return up.reduce((torn, n) => torn + this.crash(region, n.shardId, opts), 0);
  }

  /** Restarts every crashed replica in `region`; returns what they recovered, summed. */
  restartRegion(region: string): RecoveryReport {
    const down = this.nodesIn(this.checkRegion(region)).filter((n) => !n.up);
    if (down.length === 0) throw new NodeStateError(`no replica in ${region} is down; crash it first`);
    const sum: RecoveryReport = { segments: 0, batches: 0, events: 0, truncatedBytes: 0 };
    for (const n of down) {
      const r = this.restart(region, n.shardId);
      sum.segments += r.segments;
      sum.batches += r.batches;
      sum.events += r.events;
      sum.truncatedBytes += r.truncatedBytes;
    }
    return sum;
  }

  private openNode(node: SimulatedNode): void {
    const { regionId: region, shardId: shard } = node;
    const cfg = this.config;
    node.db = TidalDb.builder()
      .withStorage(node.storage, cfg.durable !== undefined)
      .withSchema(this.schema)
      .withCluster({
        regionId: region,
        shardId: shard,
        role: this.controlPlane.leaderOf(shard) === region ? 'leader' : 'follower',
      })
      .withTransport(this.transport.connect(region, shard))
      .withControlPlane(this.controlPlane)
      .withClock(node.clock, node.timers)
      .withOptions({
        ackPolicy: this.ackPolicy,
        maxDriftMs: cfg.maxDriftMs,
        idempotencyRetentionMs: cfg.idempotencyRetentionMs,
        reconcileEveryMs: cfg.reconcileEveryMs ?? (this.partitionPolicy === 'accept-local' ? 250 : 0),
        shipper: cfg.shipper,
        wal: cfg.wal,
      })
      .onEvent((e) => this.onEngineEvent(node, e))
      .open();
    node.lastRecovery = node.db.recovery;
    this.hlcMonitor.watch(node.name, node.db.hlc);
  }

  /**
   * Leaves part of a write in flight at the end of a crashed node's log (seeded length): the
   * next batch a follower was receiving from its leader, or a copy of the node's last record.
   * Only a write that was never acknowledged can tear: one whose fsync had not returned.
   */
  private tearWriteInFlight(node: SimulatedNode): number {
    const wal = node.db.wal;
    const leader = this.leader(node.shardId);
    const next = leader === node ? undefined : leader.db.wal.recordHolding(wal.lastSeq + 1);
    const bytes = next?.bytes ?? wal.records[wal.records.length - 1]?.bytes;
    if (!bytes || bytes.length < 2) return 0;
    const written = this.nemesis.rng.int(1, bytes.length - 1);
    const seg = wal.currentSegment() ?? segmentName(node.shardId, wal.lastSeq + 1);
    node.storage.append(wal.dir, seg, bytes.slice(0, written));
    if (node.storage instanceof FileStorage) node.storage.close();
    return written;
  }

  /**
   * Delivers raw bytes to `to`'s replica of `shard` as if `from` had sent them, at once and
   * past any partition: how bad-input scenarios put a crafted batch on the wire.
   */
  injectBytes(from: string, to: string, shard: number, bytes: Uint8Array): void {
    const node = this.node(this.checkRegion(to), shard);
    this.checkRegion(from);
    if (!node.up) throw new NodeStateError(`${node.name} is down; restart it first`);
    this.log.info({ from, to: node.name, bytes: bytes.length }, 'raw bytes injected');
    node.db.receive(from, bytes);
  }

  /** Stops every replica and closes their files (the cluster is unusable afterwards). */
  close(): void {
    for (const node of this.allNodes()) {
      node.timers.alive = false;
      if (node.up) node.db.close();
      if (node.storage instanceof FileStorage) node.storage.close();
    }
  }

  private onEngineEvent(node: SimulatedNode, e: EngineEvent): void {
    switch (e.type) {
      case 'rejected': {
        const level = e.error.name === 'OutOfOrderBatchError' ? 'debug' : 'warn';
        this.rejections.push({ atMs: this.now(), replica: node.name, from: e.from, error: e.error });
        if (this.rejections.length > 10_000) this.rejections.shift();
        this.log[level](
          { replica: node.name, from: e.from, error: e.error.name, detail: e.error.message },
          'message refused',
        );
        break;
      }
      case 'epoch':
        for (const ev of e.dropped)
          this.history.recordDropped({ replica: node.name, epoch: e.epoch, event: ev, atMs: this.now() });
        this.log.info(
          {
            replica: node.name,
            epoch: e.epoch,
            leader: e.leader,
            wasLeader: e.wasLeader,
            droppedEvents: e.dropped.length,
          },
          e.wasLeader ? 'deposed leader stepped down' : 'replica adopted new epoch',
        );
        break;
      case 'recovered':
        this.log.info({ replica: node.name, ...e.report }, 'replica recovered from its WAL');
        break;
      case 'leader':
        this.log.info({ replica: node.name, epoch: e.epoch, lastSeq: e.lastSeq }, 'replica leads its shard');
        break;
      case 'merged':
        this.log.debug({ replica: node.name, states: e.states }, 'reconciled states merged');
        break;
    }
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
