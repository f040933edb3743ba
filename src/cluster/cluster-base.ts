/**
 * The state every part of the simulated cluster shares — virtual time, the seeded streams, the
 * network, the nemesis, the replicas — and the questions asked of it: who leads, how far each
 * replica lags, whether the cluster has converged, and what the checkers say.
 */
import {
  ControlPlane,
  DEFAULT_IDEMPOTENCY_RETENTION_MS,
  InProcessTransportFactory,
  InvalidInputError,
  type Schema,
  type TidalError,
} from '../engine';
import { checkRegionId } from '../engine';
import { History, type WriteRecord } from './checkers/history';
import type { HlcMonitor } from './checkers/hlc';
import type { FailoverRecord } from './checkers/idempotency';
import { PromiseObserver } from './checkers/observer';
import { checkPromises } from './checkers/promises';
import type { ClusterConfig, ClusterLogger, PartitionPolicy } from './cluster';
import { ConvergenceTimeoutError, type LaggingReplica, type Violation } from './errors';
import { Nemesis } from './nemesis';
import { SimulatedNetwork } from './network';
import type { SimulatedNode } from './node';
import type { ClusterSnapshot, FaultSpan, LagSample, RegionStateRow, ScoreSample } from './report-data';
import { SeededRng } from './rng';
import { Scheduler } from './scheduler';

const MAX_LAG_SAMPLES = 20_000;

export abstract class ClusterBase {
  readonly seed: number;
  readonly scheduler = new Scheduler(0);
  readonly rng: SeededRng;
  readonly network: SimulatedNetwork;
  readonly transport: InProcessTransportFactory;
  readonly nemesis: Nemesis;
  readonly partitionPolicy: PartitionPolicy;
  readonly ackPolicy: 'leader' | 'quorum';
  protected readonly nodes = new Map<string, SimulatedNode>();
  private readonly nodeIndex = new Map<string, SimulatedNode[]>();
  protected primaryShard = 0;
  readonly rejections: { atMs: number; replica: string; from: string; error: TidalError }[] = [];
  protected readonly lagSamples: LagSample[] = [];
  private readonly lastLag = new Map<string, number>();
  /** Virtual ms the last successful `awaitFullConvergence` took. */
  lastConvergenceMs: number | undefined;
  /** The promise checker's runtime observations (epochs, logs, commits, stamps, refusals). */
  readonly observer: PromiseObserver;
  /** Every failover, in order. */
  readonly failovers: FailoverRecord[] = [];

  protected constructor(
    protected readonly config: ClusterConfig,
    readonly regions: readonly string[],
    readonly controlPlane: ControlPlane,
    readonly schema: Schema,
    readonly log: ClusterLogger,
    readonly history: History,
  ) {
    this.seed = config.seed ?? 1;
    this.observer = new PromiseObserver(this);
    this.rng = new SeededRng(this.seed);
    this.partitionPolicy = config.partitionPolicy ?? 'leader-only';
    this.ackPolicy = config.ackPolicy ?? 'leader';
    this.network = new SimulatedNetwork(this.scheduler, this.rng.fork('network'), config.network);
    this.transport = new InProcessTransportFactory(this.network);
    this.nemesis = new Nemesis(
      this.scheduler,
      this.transport,
      this.network,
      (r) => this.nodesIn(r).map((n) => n.clock),
      this.rng.fork('nemesis'),
    );
    this.nemesis.onFault = (span, event) =>
      this.log.info(
        { fault: span.kind, label: span.label, event },
        event === 'inject' ? 'fault injected' : 'fault healed',
      );
  }

  /** Cluster (virtual) time in ms. */
  now(): number {
    return this.scheduler.nowMs();
  }

  /** Runs the simulation forward by `ms` of virtual time. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new InvalidInputError('duration', ms, 'a non-negative number of ms');
    this.scheduler.runUntil(this.now() + ms);
    await settle();
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

  node(region: string, shard: number): SimulatedNode {
    // Every client write looks its replica up: by region, then shard index, no key string.
    let byShard = this.nodeIndex.get(region);
    if (byShard === undefined) this.nodeIndex.set(region, (byShard = []));
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

  nodesIn(region: string): SimulatedNode[] {
    return [...this.nodes.values()].filter((n) => n.regionId === region);
  }

  allNodes(): SimulatedNode[] {
    return [...this.nodes.values()];
  }

  get shardCount(): number {
    return this.controlPlane.topology.shardCount;
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
        const n = this.nodes.get(`${r}/${s}`)!;
        if (!n.up || n.db.appliedSeqNo() !== seq) return false;
      }
    }
    for (let s = 0; s < this.shardCount; s++) {
      const d = this.leader(s).db.store.digests();
      for (const r of this.regions) {
        const other = this.nodes.get(`${r}/${s}`)!.db.store.digests();
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
      for (const n of this.allNodes().filter((x) => x.shardId === s && x !== leader)) {
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

  /**
   * Runs the simulation until the cluster converges or `timeoutMs` of virtual time pass.
   * Resolves with the virtual ms it took; rejects with `ConvergenceTimeoutError`.
   */
  async awaitFullConvergence(timeoutMs = 2_000): Promise<number> {
    const start = this.now();
    const reached = this.converged() || this.scheduler.runUntil(start + timeoutMs, () => this.converged());
    await settle();
    if (!reached) {
      const err = new ConvergenceTimeoutError(timeoutMs, this.seed, this.lagging());
      this.log.error({ timeoutMs, lagging: err.lagging }, 'convergence timeout');
      throw err;
    }
    this.lastConvergenceMs = this.now() - start;
    this.log.info({ tookMs: this.lastConvergenceMs }, 'cluster converged');
    return this.lastConvergenceMs;
  }

  faultTimeline(): FaultSpan[] {
    return this.nemesis.timeline.map((s) => ({ ...s }));
  }

  /** Runs the promise checker on the run so far; the violations are what the run broke. */
  checkInvariants(): Violation[] {
    return checkPromises(this).violations;
  }

  /** Acknowledged writes that a failover lost (the documented limit of 'leader' acks). */
  lostWrites(): WriteRecord[] {
    return checkPromises(this).lost;
  }

  /** How long an idempotency key is remembered (the config's, else the engine's default). */
  get idempotencyRetentionMs(): number {
    return this.config.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  }

  /** The HLC checker (every stamp every replica issued). */
  get hlcMonitor(): HlcMonitor {
    return this.observer.hlc;
  }

  /** The state a report shows at the end of a scenario. */
  snapshot(maxScores = 6): ClusterSnapshot {
    const regions: RegionStateRow[] = this.allNodes().map((n) => ({
      region: n.regionId,
      shard: n.shardId,
      role: this.controlPlane.leaderOf(n.shardId) === n.regionId ? 'leader' : 'follower',
      up: n.up,
      epoch: n.db.epoch,
      appliedSeqNo: n.db.appliedSeqNo(),
      lagEvents: this.lagOf(n.regionId, n.shardId),
      lagMs: this.controlPlane.lag.lagMsFor(n.regionId, n.shardId, this.now()),
    }));
    const picked = new Map<string, { tenant: string; entity: string; signal: string }>();
    for (const w of this.history.writes) {
      if (picked.size >= maxScores) break;
      picked.set(`${w.tenant}\u0000${w.entity}\u0000${w.signal}`, w);
    }
    const scores: ScoreSample[] = [...picked.values()].map((w) => ({
      entity: w.tenant ? `${w.tenant}/${w.entity}` : w.entity,
      signal: w.signal,
      scores: Object.fromEntries(this.regions.map((r) => [r, this.safeScore(r, w)])),
    }));
    return {
      seed: this.seed,
      nowMs: this.now(),
      regions,
      scores,
      lag: [...this.lagSamples],
      faults: this.faultTimeline(),
    };
  }

  protected startSampling(): void {
    const every = this.config.sampleLagEveryMs ?? 50;
    if (every <= 0) return;
    const tick = (): void => {
      this.sampleLag();
      this.scheduler.after(every, tick);
    };
    tick();
  }

  private sampleLag(): void {
    if (this.lagSamples.length >= MAX_LAG_SAMPLES) return;
    for (let s = 0; s < this.shardCount; s++) {
      const leaderSeq = this.leader(s).db.appliedSeqNo();
      for (const r of this.regions) {
        if (r === this.controlPlane.leaderOf(s)) continue;
        const replica = `${r}/${s}`;
        const lag = Math.max(0, leaderSeq - this.nodes.get(replica)!.db.appliedSeqNo());
        if (this.lastLag.get(replica) === lag) continue;
        this.lastLag.set(replica, lag);
        this.lagSamples.push({ timeMs: this.now(), replica, lagEvents: lag });
      }
    }
  }

  private safeScore(
    region: string,
    w: { tenant: string; entity: string; signal: string },
  ): number | undefined {
    const shard = this.controlPlane.tenantRouter.shardFor(w.tenant, w.entity);
    const n = this.nodes.get(`${region}/${shard}`);
    return n && n.up ? n.db.readDecayScore(w.entity, w.signal, this.now(), w.tenant || undefined) : undefined;
  }

  protected checkRegion(region: string): string {
    checkRegionId(region);
    if (!this.regions.includes(region))
      throw new InvalidInputError(
        'region',
        region,
        `not a region of this cluster (${this.regions.join(', ')})`,
      );
    return region;
  }
}

/** Lets pending promise callbacks (commit notifications) run before the caller continues. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}
