/**
 * SimulatedCluster (DESIGN §4): N regions × M shards of real `TidalDb` replicas connected by
 * the engine's in-process transport over a simulated network, all driven by one seeded PRNG
 * and one virtual clock. A scenario that waits two seconds takes microseconds, and the same
 * seed replays the same run message for message.
 *
 * It is a facade over parts with one job each, the way turmoil splits `Sim` from its world:
 * - `world`        virtual time, the seeded streams, the logger (world.ts);
 * - `network`      latency, per-link faults and partitions (network.ts, partitions.ts);
 * - `nemesis`      every fault verb and the typed fault timeline (nemesis.ts);
 * - `replicas`     open, crash, restart, find, and how far each has got (replicas.ts; failover.ts);
 * - `clients`      writes, reads, sessions, tenants (clients.ts, sessions.ts);
 * - `observations` history, refusals, failovers, lag samples, the promise observer (observations.ts);
 * - the promise checker (checkers/promises.ts) judges what the observations hold.
 * Each method below is one call into one part.
 */
import {
  ControlPlane,
  DEFAULT_IDEMPOTENCY_RETENTION_MS,
  InProcessTransportFactory,
  NodeStateError,
  Schema,
  type AckPolicy,
  type RecoveryReport,
  type SessionOptions,
  type WriteAck,
} from '../engine';
import type { Cluster, SimulatorControls } from './api';
import { History, type WriteRecord } from './checkers/history';
import type { HlcMonitor } from './checkers/hlc';
import type { FailoverRecord } from './checkers/idempotency';
import type { PromiseObserver } from './checkers/observer';
import { checkPromises, healAndCheck, type PromiseCheck } from './checkers/promises';
import { Clients } from './clients';
import {
  SILENT_LOGGER,
  validateConfig,
  type ClusterConfig,
  type ClusterWriteOptions,
  type PartitionPolicy,
} from './config';
import { ConvergenceTimeoutError, type LaggingReplica, type Violation } from './errors';
import { promote, type FailoverResult } from './failover';
import { Nemesis, type FlapOptions, type Flapping } from './nemesis';
import { SimulatedNetwork, type LinkSelector, type NetworkFaults } from './network';
import type { SimulatedNode } from './node';
import { Observations, type Rejection } from './observations';
import type { NetworkPartition } from './partitions';
import { Replicas } from './replicas';
import type { ClusterSnapshot, FaultSpan, SystemUnderTest } from './report-data';
import type { SeededRng } from './rng';
import type { Scheduler } from './scheduler';
import type { ClusterSession, TenantView } from './sessions';
import { simulatedSystem } from './system';
import { SimWorld } from './world';

export class SimulatedCluster implements Cluster, SimulatorControls {
  readonly world: SimWorld;
  readonly network: SimulatedNetwork;
  readonly nemesis: Nemesis;
  readonly replicas: Replicas;
  readonly clients: Clients;
  readonly observations: Observations;
  readonly regions: readonly string[];
  readonly controlPlane: ControlPlane;
  readonly schema: Schema;
  readonly ackPolicy: AckPolicy;
  readonly partitionPolicy: PartitionPolicy;
  /** How long an idempotency key is remembered (the config's, else the engine's default). */
  readonly idempotencyRetentionMs: number;

  /** Builds and starts a cluster; WAL shipping begins at once. */
  static async build(config: ClusterConfig): Promise<SimulatedCluster> {
    return new SimulatedCluster(config);
  }

  private constructor(config: ClusterConfig) {
    this.regions = validateConfig(config);
    const leaderRegion = config.leader?.[0] ?? this.regions[0]!;
    this.controlPlane = new ControlPlane(
      { regions: [...this.regions], shardCount: config.shardsPerRegion },
      () => leaderRegion,
      config.tenants,
    );
    this.schema = config.schema instanceof Schema ? config.schema : new Schema(config.schema);
    this.ackPolicy = config.ackPolicy ?? 'leader';
    this.partitionPolicy = config.partitionPolicy ?? 'leader-only';
    this.idempotencyRetentionMs = config.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
    const world = (this.world = new SimWorld(config.seed ?? 1, config.logger ?? SILENT_LOGGER));
    this.network = new SimulatedNetwork(world.scheduler, world.rng.fork('network'), config.network);
    const transport = new InProcessTransportFactory(this.network);
    this.nemesis = new Nemesis(
      world.scheduler,
      this.network,
      (r) => this.replicas.nodesIn(r).map((n) => n.clock),
      world.rng.fork('nemesis'),
    );
    const history = new History(config.recordHistory ?? true);
    this.replicas = new Replicas(
      world,
      this.regions,
      this.controlPlane,
      this.schema,
      transport,
      this.nemesis,
      config,
      {
        opened: (n) => this.observations.opened(n),
        event: (n, e) => this.observations.engineEvent(n, e),
      },
    );
    this.observations = new Observations(world, history, this.replicas, this.nemesis);
    this.clients = new Clients(
      world,
      this.replicas,
      this.network,
      this.schema,
      history,
      this.partitionPolicy,
    );
    this.replicas.openAll();
    this.observations.startSampling(config.sampleLagEveryMs ?? 50);
    world.log.info(
      {
        seed: this.seed,
        regions: this.regions,
        shards: config.shardsPerRegion,
        leader: leaderRegion,
        partitionPolicy: this.partitionPolicy,
        ackPolicy: this.ackPolicy,
      },
      'cluster built',
    );
  }

  // The world.
  get seed(): number {
    return this.world.seed;
  }
  get scheduler(): Scheduler {
    return this.world.scheduler;
  }
  get rng(): SeededRng {
    return this.world.rng;
  }
  now(): number {
    return this.world.now();
  }
  advance(ms: number): Promise<void> {
    return this.world.advance(ms);
  }

  // The client side.
  writeSignal(signal: string, entity: string, weight: number, opts?: ClusterWriteOptions): WriteAck {
    return this.clients.writeSignal(signal, entity, weight, opts);
  }
  readDecayScore(region: string, entity: string, signal: string, tenant?: string): number | undefined {
    return this.clients.readDecayScore(region, entity, signal, tenant);
  }
  session(region: string, opts?: SessionOptions): ClusterSession {
    return this.clients.session(region, opts);
  }
  tenant(id: string): TenantView {
    return this.clients.tenant(id);
  }

  // Faults (the nemesis; crashes and failovers through the replicas).
  // A partition is a cut in the network's partition table (the nemesis records it on its timeline).
  injectPartition(a: string, b: string): NetworkPartition {
    return this.network.partitions.partition(this.replicas.checkRegion(a), this.replicas.checkRegion(b));
  }
  injectOneWayPartition(from: string, to: string): NetworkPartition {
    return this.network.partitions.oneWay(this.replicas.checkRegion(from), this.replicas.checkRegion(to));
  }
  healAllPartitions(): void {
    this.network.partitions.healAll();
  }
  flapPartition(a: string, b: string, opts?: FlapOptions): Flapping {
    return this.nemesis.flap(this.replicas.checkRegion(a), this.replicas.checkRegion(b), opts);
  }
  /** Sets message faults on one directed link, or on all links. */
  setNetworkFaults(faults: NetworkFaults, link?: LinkSelector): void {
    if (link) {
      this.replicas.checkRegion(link.from);
      this.replicas.checkRegion(link.to);
    }
    this.nemesis.setNetworkFaults(checkFaults(faults), link);
  }
  clearNetworkFaults(link?: LinkSelector): void {
    this.nemesis.clearNetworkFaults(link);
  }
  /** Adds `ms` to the physical clocks of every node in `region` (and an optional drift). */
  skewClock(region: string, ms: number, driftMsPerS = 0): void {
    if (!Number.isFinite(ms) || !Number.isFinite(driftMsPerS))
      throw new RangeError(`clock skew must be finite, got ${ms} ms and ${driftMsPerS} ms/s`);
    this.nemesis.skew(this.replicas.checkRegion(region), ms, driftMsPerS);
  }
  unskewClock(region: string): void {
    this.nemesis.unskew(this.replicas.checkRegion(region));
  }
  crash(region: string, shard: number): void {
    this.replicas.crash(region, shard);
  }
  crashTearingWrite(region: string, shard: number): number {
    return this.replicas.crash(region, shard, { tornWrite: true });
  }
  restart(region: string, shard: number): RecoveryReport {
    return this.replicas.restart(region, shard);
  }
  crashRegion(region: string): void {
    this.replicas.crashRegion(region);
  }
  crashRegionTearingWrites(region: string): number {
    return this.replicas.crashRegion(region, { tornWrite: true });
  }
  restartRegion(region: string): RecoveryReport {
    return this.replicas.restartRegion(region);
  }
  /** Promotes a follower of `shard` (see `promote` in failover.ts for the rules). */
  async failover(shard: number, toRegion?: string): Promise<FailoverResult> {
    const result = promote(this.replicas, this.ackPolicy, shard, toRegion);
    const { from, to, epoch, startSeqNo } = result;
    this.nemesis.failedOver(shard, from, to, epoch);
    this.observations.failedOver({ shard, atMs: this.now(), from, to, epoch }, startSeqNo);
    return result;
  }
  healEverything(): void {
    this.nemesis.healAll(this.regions);
    this.replicas.restartAll();
  }
  injectBytes(from: string, to: string, shard: number, bytes: Uint8Array): void {
    const node = this.replicas.node(this.replicas.checkRegion(to), shard);
    this.replicas.checkRegion(from);
    if (!node.up) throw new NodeStateError(`${node.name} is down; restart it first`);
    this.world.log.info({ from, to: node.name, bytes: bytes.length }, 'raw bytes injected');
    this.observer.inject(from, node, () => node.db.receive(from, bytes));
  }

  // The replicas and their progress.
  get shardCount(): number {
    return this.replicas.shardCount;
  }
  leaderOf(shard: number): string {
    return this.controlPlane.leaderOf(shard);
  }
  node(region: string, shard: number): SimulatedNode {
    return this.replicas.node(region, shard);
  }
  leader(shard?: number): SimulatedNode {
    return this.replicas.leader(shard);
  }
  followerIn(region: string, shard?: number): SimulatedNode | undefined {
    return this.replicas.followerIn(region, shard);
  }
  nodesIn(region: string): SimulatedNode[] {
    return this.replicas.nodesIn(region);
  }
  allNodes(): SimulatedNode[] {
    return this.replicas.all();
  }
  appliedSeqNo(region: string): number {
    return this.replicas.appliedSeqNo(region);
  }
  lagOf(region: string, shard: number): number {
    return this.replicas.lagOf(region, shard);
  }
  converged(): boolean {
    return this.replicas.converged();
  }
  lagging(): LaggingReplica[] {
    return this.replicas.lagging();
  }
  /**
   * Runs the simulation until the cluster converges or `timeoutMs` of virtual time pass.
   * Resolves with the virtual ms it took; rejects with `ConvergenceTimeoutError`.
   */
  async awaitFullConvergence(timeoutMs = 2_000): Promise<number> {
    const start = this.now();
    if (!(await this.world.runUntil(timeoutMs, () => this.replicas.converged()))) {
      const err = new ConvergenceTimeoutError(timeoutMs, this.seed, this.replicas.lagging());
      this.world.log.error({ timeoutMs, lagging: err.lagging }, 'convergence timeout');
      throw err;
    }
    const tookMs = this.now() - start;
    this.observations.converged(tookMs);
    this.world.log.info({ tookMs }, 'cluster converged');
    return tookMs;
  }
  close(): void {
    this.replicas.close();
  }

  // Observations and the promise checker.
  get history(): History {
    return this.observations.history;
  }
  get rejections(): readonly Rejection[] {
    return this.observations.rejections;
  }
  get failovers(): readonly FailoverRecord[] {
    return this.observations.failovers;
  }
  get observer(): PromiseObserver {
    return this.observations.observer;
  }
  get hlcMonitor(): HlcMonitor {
    return this.observations.observer.hlc;
  }
  /** Virtual ms the last successful `awaitFullConvergence` took. */
  get lastConvergenceMs(): number | undefined {
    return this.observations.lastConvergenceMs;
  }
  faultTimeline(): FaultSpan[] {
    return this.observations.faultTimeline();
  }
  snapshot(maxScores = 6): ClusterSnapshot {
    return this.observations.snapshot(maxScores);
  }
  /** Runs the promise checker on the run so far; the violations are what the run broke. */
  checkInvariants(): Violation[] {
    return checkPromises(this).violations;
  }
  /** Acknowledged writes that a failover lost (the documented limit of 'leader' acks). */
  lostWrites(): WriteRecord[] {
    return checkPromises(this).lost;
  }
  healAndCheck(): Promise<PromiseCheck> {
    return healAndCheck(this);
  }
  systemUnderTest(): SystemUnderTest {
    return simulatedSystem();
  }
}

/** Rates are probabilities; anything else is refused before it reaches the network. */
function checkFaults(faults: NetworkFaults): NetworkFaults {
  for (const [k, v] of Object.entries(faults)) {
    if (k.endsWith('Rate') && (typeof v !== 'number' || v < 0 || v > 1))
      throw new RangeError(`${k} must be a probability from 0 to 1, got ${v}`);
  }
  return faults;
}
