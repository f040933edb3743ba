/**
 * The replicas of a simulated cluster: one `SimulatedNode` per (region, shard), each a real
 * `TidalDb` on its simulated disk, clock and timers. This part opens them, crashes them
 * (volatile state gone, the WAL stays; optionally a write torn in flight), restarts them
 * (recovery from the WAL, then catch-up), finds them (by region and shard, the leader of a
 * shard) and answers how far each has got (applied SeqNo, lag, convergence).
 */
import {
  checkRegionId,
  FileStorage,
  InvalidInputError,
  MemoryStorage,
  NodeStateError,
  segmentName,
  TidalDb,
  type ControlPlane,
  type EngineEvent,
  type InProcessTransportFactory,
  type RecoveryReport,
  type Schema,
  type WalStorage,
} from '../engine';
import { NodeClock } from './clock';
import type { ClusterConfig } from './config';
import type { LaggingReplica } from './errors';
import type { Nemesis } from './nemesis';
import { SimulatedNode } from './node';
import { NodeTimers } from './scheduler';
import type { SimWorld } from './world';

/** What the replicas report as they live: an incarnation opened, and each engine event. */
export interface ReplicaHooks {
  opened(node: SimulatedNode): void;
  event(node: SimulatedNode, e: EngineEvent): void;
}

export class Replicas {
  private readonly nodes = new Map<string, SimulatedNode>();
  /** By region, then shard index: every client write looks its replica up, with no key string. */
  private readonly index = new Map<string, SimulatedNode[]>();
  /** The shard `leader()` returns by default (the config's `leader[1]`). */
  readonly primaryShard: number;

  constructor(
    private readonly world: SimWorld,
    readonly regions: readonly string[],
    readonly controlPlane: ControlPlane,
    private readonly schema: Schema,
    private readonly transport: InProcessTransportFactory,
    private readonly nemesis: Nemesis,
    private readonly config: ClusterConfig,
    private readonly hooks: ReplicaHooks,
  ) {
    this.primaryShard = config.leader?.[1] ?? 0;
  }

  /** Opens every replica (once, when the cluster is built). */
  openAll(): void {
    const sharedDisk = new MemoryStorage();
    for (const region of this.regions) {
      for (let shard = 0; shard < this.shardCount; shard++) {
        const storage: WalStorage = this.config.durable
          ? new FileStorage(this.config.durable.dataDir)
          : sharedDisk;
        const clock = new NodeClock(this.world.scheduler);
        const timers = new NodeTimers(this.world.scheduler);
        const node = new SimulatedNode(region, shard, clock, timers, storage, (n) => this.openDb(n));
        this.nodes.set(node.name, node);
        this.hooks.opened(node);
      }
    }
  }

  get shardCount(): number {
    return this.controlPlane.topology.shardCount;
  }

  /** `region`, checked to be one of this cluster's; throws `InvalidInputError` otherwise. */
  checkRegion(region: string): string {
    checkRegionId(region);
    if (!this.regions.includes(region))
      throw new InvalidInputError(
        'region',
        region,
        `not a region of this cluster (${this.regions.join(', ')})`,
      );
    return region;
  }

  node(region: string, shard: number): SimulatedNode {
    let byShard = this.index.get(region);
    if (byShard === undefined) this.index.set(region, (byShard = []));
    let n: SimulatedNode | undefined = byShard[shard];
    if (n === undefined) {
      n = this.nodes.get(`${region}/${shard}`);
      if (n) byShard[shard] = n;
    }
    if (!n)
      throw new InvalidInputError(
        'replica',
        `${region}/${shard}`,
        `no such replica (regions ${this.regions.join(', ')}, shards 0..${this.shardCount - 1})`,
      );
    return n;
  }

  /** The leader of `shard` (default: the primary shard named in the config). */
  leader(shard = this.primaryShard): SimulatedNode {
    return this.node(this.controlPlane.leaderOf(shard), shard);
  }

  /** A follower of `shard` (default: the primary shard) in `region`, or undefined. */
  followerIn(region: string, shard = this.primaryShard): SimulatedNode | undefined {
    const node = this.nodes.get(`${region}/${shard}`);
    return node && this.controlPlane.leaderOf(shard) !== region ? node : undefined;
  }

  nodesIn(region: string): SimulatedNode[] {
    return [...this.nodes.values()].filter((n) => n.regionId === region);
  }

  all(): SimulatedNode[] {
    return [...this.nodes.values()];
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
    node.stop();
    const tornBytes = opts.tornWrite ? this.tearWriteInFlight(node) : 0;
    this.nemesis.crashed(node.name, node.regionId);
    this.world.log.info({ node: node.name, tornBytes }, 'replica crashed');
    return tornBytes;
  }

  /** Restarts a crashed replica: it recovers from its WAL and catches up from the leader. */
  restart(region: string, shard: number): RecoveryReport {
    const node = this.node(this.checkRegion(region), shard);
    if (node.up) throw new NodeStateError(`${node.name} is running; crash it first`);
    node.start(new NodeTimers(this.world.scheduler));
    this.hooks.opened(node);
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

  /** Restarts every crashed replica. */
  restartAll(): void {
    for (const n of this.all()) if (!n.up) this.restart(n.regionId, n.shardId);
  }

  /** Stops every replica and closes their files (the cluster is unusable afterwards). */
  close(): void {
    for (const node of this.all()) node.stop();
  }

  /** Replicated events applied in `region`, summed over its shards. */
  appliedSeqNo(region: string): number {
    return this.nodesIn(this.checkRegion(region)).reduce((s, n) => s + n.db.appliedSeqNo(), 0);
  }

  /** Lag in events of `region`'s replica of `shard` behind the shard's leader. */
  lagOf(region: string, shard: number): number {
    return Math.max(0, this.leader(shard).db.appliedSeqNo() - this.node(region, shard).db.appliedSeqNo());
  }

  /** Every follower has lag 0 and every replica of a shard holds the leader's state digest. */
  converged(): boolean {
    for (let s = 0; s < this.shardCount; s++) {
      const leader = this.leader(s);
      if (!leader.up) return false;
      const seq = leader.db.appliedSeqNo();
      for (const r of this.regions) {
        const n = this.node(r, s);
        if (!n.up || n.db.appliedSeqNo() !== seq) return false;
      }
    }
    for (let s = 0; s < this.shardCount; s++) {
      const d = this.leader(s).db.store.digests();
      for (const r of this.regions) {
        const other = this.node(r, s).db.store.digests();
        for (let b = 0; b < d.length; b++) if (d[b] !== other[b]) return false;
      }
    }
    return true;
  }

  /** The replicas that keep the cluster from converging. */
  lagging(): LaggingReplica[] {
    const out: LaggingReplica[] = [];
    for (let s = 0; s < this.shardCount; s++) {
      const leader = this.leader(s);
      const leaderSeq = leader.db.appliedSeqNo();
      const digest = leader.db.digest();
      for (const n of this.all().filter((x) => x.shardId === s && x !== leader)) {
        const lag = leaderSeq - n.db.appliedSeqNo();
        const digestMatches = n.db.digest() === digest;
        if (lag !== 0 || !digestMatches || !n.up)
          out.push({
            replica: n.name,
            lagEvents: lag,
            appliedSeqNo: n.db.appliedSeqNo(),
            leaderSeqNo: leaderSeq,
            digestMatches,
            up: n.up,
          });
      }
      if (!leader.up)
        out.push({
          replica: `${leader.name} (leader)`,
          lagEvents: 0,
          appliedSeqNo: leaderSeq,
          leaderSeqNo: leaderSeq,
          digestMatches: true,
          up: false,
        });
    }
    return out;
  }

  private openDb(node: SimulatedNode): TidalDb {
    const { regionId: region, shardId: shard } = node;
    const cfg = this.config;
    const partitionPolicy = cfg.partitionPolicy ?? 'leader-only';
    return TidalDb.builder()
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
        ackPolicy: cfg.ackPolicy ?? 'leader',
        maxDriftMs: cfg.maxDriftMs,
        idempotencyRetentionMs: cfg.idempotencyRetentionMs,
        reconcileEveryMs: cfg.reconcileEveryMs ?? (partitionPolicy === 'accept-local' ? 250 : 0),
        shipper: cfg.shipper,
        wal: cfg.wal,
      })
      .onEvent((e) => this.hooks.event(node, e))
      .open();
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
}
