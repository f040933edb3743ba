/**
 * ProcessCluster (issue 15): the `Cluster` of the steps, made of real `tidal-node` processes —
 * one per region on its own loopback address, replicating over TCP, WALs on disk, leadership in
 * etcd — with real faults, always undone at the end. Like SimulatedCluster it is a facade over
 * parts with one job each:
 * - `time`          real ms since the build plus a logical offset (real-time.ts);
 * - `supervisor`    spawn, crash (SIGKILL), restart, stop the node processes (supervisor.ts);
 * - `nemesis`       partitions and loss as iptables rules, skew by libfaketime (faults.ts);
 * - `leadership`    each shard's term in etcd; failover as a compare-and-swap (leadership.ts);
 * - `clients`       writes, reads, sessions and tenants over HTTP, recorded in the history;
 * - `progress`      applied SeqNos, lag and convergence from the nodes' status;
 * - `observations`  lag samples, refusals, failovers, the report's snapshot;
 * - the promise checker judges the history against the states the replicas report (judge.ts).
 * Every wait is bounded and `close` stops and removes everything even when a step failed.
 */
import * as fs from 'node:fs';
import {
  ControlPlane,
  Schema,
  type AckPolicy,
  type RecoveryReport,
  type SessionOptions,
  type WriteAck,
} from '../engine';
import {
  convergedAfterHeal,
  ConvergenceTimeoutError,
  type Cluster,
  type ClusterConfig,
  type ClusterFactory,
  type ClusterLogger,
  type ClusterWriteOptions,
  type ExtraAttachment,
  type FailoverResult,
  type FlappingHandle,
  type LaggingReplica,
  type PartitionHandle,
  type PartitionPolicy,
  type Violation,
} from '../cluster';
import { History, type WriteRecord } from '../cluster/checkers/history';
import type { FailoverRecord } from '../cluster/checkers/idempotency';
import type { PromiseCheck } from '../cluster/checkers/promises';
import { validateConfig } from '../cluster/config';
import type { FlapOptions } from '../cluster/nemesis';
import type { LinkSelector, NetworkFaults } from '../cluster/network';
import type { Rejection } from '../cluster/observations';
import type { ClusterSnapshot, FaultSpan, SystemUnderTest } from '../cluster/report-data';
import { collectAttachments, type RestartRecord } from './attachments';
import { makeDeployment, type Deployment } from './deployment';
import { NotInRealModeError } from './errors';
import { sharedEtcd, type EtcdServer } from './etcd-server';
import { RealNemesis } from './faults';
import { Firewall } from './firewall';
import { judge, type JudgedRun } from './judge';
import { Leadership } from './leadership';
import { RealObservations } from './observations';
import { Progress } from './progress';
import { RealClients } from './real-clients';
import { realFailover } from './real-failover';
import type { RealSession, RealTenant } from './real-sessions';
import { MAX_REAL_SLEEP_MS, RealTime } from './real-time';
import { Supervisor } from './supervisor';
import { realSystem } from './system';
import { FaultTimeline } from './timeline';
import { pollUntil } from './wait';

/** Real ms allowed for convergence once every fault healed, at the end of a scenario. */
export const HEAL_CONVERGENCE_TIMEOUT_MS = 20_000;
/** Real ms a jump of cluster time first waits for replication to settle (a partition may keep it from settling). */
const SETTLE_BEFORE_JUMP_MS = 1_000;

export class ProcessCluster implements Cluster {
  readonly seed: number;
  readonly regions: readonly string[];
  readonly shardCount: number;
  readonly ackPolicy: AckPolicy;
  readonly partitionPolicy: PartitionPolicy;
  readonly idempotencyRetentionMs: number;
  readonly schema: Schema;
  readonly history = new History(true);
  readonly time = new RealTime();
  readonly controlPlane: ControlPlane;
  readonly timeline: FaultTimeline;
  readonly firewall = new Firewall();
  readonly supervisor: Supervisor;
  readonly leadership: Leadership;
  readonly nemesis: RealNemesis;
  readonly clients: RealClients;
  readonly progress: Progress;
  readonly observations: RealObservations;
  readonly restarts: RestartRecord[] = [];
  private readonly crashSpans = new Map<string, FaultSpan[]>();
  private closed = false;
  private finalAttachments: ExtraAttachment[] | undefined;
  private readonly exitGuard = (): void => this.killNow();

  /**
   * Starts etcd (once per run), writes the deployment and starts one node per region. One real
   * cluster runs at a time (they share the region addresses and the firewall chain): any cluster
   * still open — one whose scenario gave up while it was being built — is closed first.
   */
  static async build(config: ClusterConfig, logger: ClusterLogger): Promise<ProcessCluster> {
    const regions = validateConfig(config);
    await closeLiveClusters();
    const etcd = await sharedEtcd();
    const deployment = await makeDeployment(config, regions, etcd.clientUrl);
    const cluster = new ProcessCluster(config, regions, deployment, etcd, logger);
    live.add(cluster);
    try {
      await cluster.leadership.initialize();
      await cluster.supervisor.startAll();
      await cluster.progress.poll();
      cluster.observations.start();
      logger.info(
        {
          clusterId: deployment.config.clusterId,
          regions: Object.fromEntries(
            regions.map((r) => [
              r,
              { ...deployment.config.regions[r], pid: cluster.supervisor.process(r).pid },
            ]),
          ),
          shards: cluster.shardCount,
          ackPolicy: cluster.ackPolicy,
          partitionPolicy: cluster.partitionPolicy,
          etcd: etcd.clientUrl,
          dir: deployment.dir,
        },
        'real cluster built',
      );
      return cluster;
    } catch (err) {
      await cluster.close().catch(() => undefined);
      throw err;
    }
  }

  private constructor(
    config: ClusterConfig,
    regions: string[],
    readonly deployment: Deployment,
    readonly etcd: EtcdServer,
    readonly log: ClusterLogger,
  ) {
    const d = deployment.config;
    this.seed = config.seed ?? 1;
    this.regions = regions;
    this.shardCount = d.shardCount;
    this.ackPolicy = d.ackPolicy;
    this.partitionPolicy = d.partitionPolicy;
    this.idempotencyRetentionMs = d.idempotencyRetentionMs;
    this.schema = config.schema instanceof Schema ? config.schema : new Schema(config.schema);
    this.controlPlane = new ControlPlane(
      { regions, shardCount: d.shardCount },
      (s) => d.leaders[s]!,
      d.tenants,
    );
    this.timeline = new FaultTimeline(() => this.now());
    this.supervisor = new Supervisor(deployment, regions);
    this.leadership = new Leadership(d, etcd.clientUrl);
    const hosts = new Map(regions.map((r) => [r, d.regions[r]!.host]));
    this.nemesis = new RealNemesis(
      hosts,
      this.firewall,
      this.timeline,
      deployment.clocks,
      this.time,
      this.supervisor,
      this.log,
    );
    this.time.onOffset = () => this.nemesis.followOffset();
    this.clients = new RealClients(
      this.controlPlane,
      this.schema,
      this.history,
      this.time,
      this.supervisor,
      this.log,
    );
    this.progress = new Progress(this.supervisor, this.controlPlane, regions);
    this.observations = new RealObservations(
      this.seed,
      regions,
      this.controlPlane,
      this.history,
      this.progress,
      this.timeline,
      () => this.now(),
      this.log,
    );
    process.once('exit', this.exitGuard);
  }

  // Time.
  now(): number {
    return this.time.now();
  }
  /**
   * Lets `ms` pass. A jump (over 3 s) first gives replication up to 1 s of real time to settle,
   * as the simulator replicates during the time it lets pass; then every node's clock jumps.
   */
  async advance(ms: number): Promise<void> {
    const before = this.time.offsetMs;
    if (ms > MAX_REAL_SLEEP_MS)
      await pollUntil(async () => ((await this.progress.converged()) ? true : undefined), {
        timeoutMs: SETTLE_BEFORE_JUMP_MS,
        everyMs: 50,
        what: 'replication to settle before a jump',
      }).catch(() => undefined);
    await this.time.advance(ms);
    if (this.time.offsetMs !== before) for (const r of this.regions) await this.nemesis.verifyClock(r);
  }

  // The client side.
  writeSignal(signal: string, entity: string, weight: number, opts?: ClusterWriteOptions): Promise<WriteAck> {
    return this.clients.writeSignal(signal, entity, weight, opts);
  }
  readDecayScore(
    region: string,
    entity: string,
    signal: string,
    tenant?: string,
  ): Promise<number | undefined> {
    return this.clients.readDecayScore(region, entity, signal, tenant);
  }
  session(region: string, opts?: SessionOptions): RealSession {
    return this.clients.session(region, opts);
  }
  tenant(id: string): RealTenant {
    return this.clients.tenant(id);
  }

  // Faults.
  injectPartition(a: string, b: string): PartitionHandle {
    return this.nemesis.partition(a, b, false);
  }
  injectOneWayPartition(from: string, to: string): PartitionHandle {
    return this.nemesis.partition(from, to, true);
  }
  healAllPartitions(): void {
    this.nemesis.healPartitions();
  }
  flapPartition(a: string, b: string, opts?: FlapOptions): FlappingHandle {
    return this.nemesis.flap(a, b, opts);
  }
  setNetworkFaults(faults: NetworkFaults, link?: LinkSelector): void {
    this.nemesis.setNetworkFaults(faults, link);
  }
  clearNetworkFaults(link?: LinkSelector): void {
    this.nemesis.clearNetworkFaults(link);
  }
  skewClock(region: string, ms: number, driftMsPerS = 0): Promise<void> {
    return this.nemesis.skew(this.clients.checkRegion(region), ms, driftMsPerS);
  }
  unskewClock(region: string): Promise<void> {
    return this.nemesis.skew(this.clients.checkRegion(region), 0);
  }
  /** One process holds every shard of its region: only a 1-shard cluster can crash "one replica". */
  crash(region: string, shard: number): Promise<void> {
    this.oneShardOnly(`crashing only ${region}/${shard}`);
    return this.crashRegion(region);
  }
  restart(region: string, shard: number): Promise<RecoveryReport> {
    this.oneShardOnly(`restarting only ${region}/${shard}`);
    return this.restartRegion(region);
  }
  /** SIGKILL of the region's node: every replica it holds crashes at once. */
  async crashRegion(region: string): Promise<void> {
    this.clients.checkRegion(region);
    const pid = this.supervisor.process(region).pid;
    await this.supervisor.crash(region);
    this.time.moved();
    this.crashSpans.set(
      region,
      Array.from({ length: this.shardCount }, (_, s) =>
        this.timeline.open({ kind: 'crash', replica: `${region}/${s}`, region }),
      ),
    );
    this.log.info({ region, pid, signal: 'SIGKILL' }, 'node crashed');
  }
  /** Spawns the region's node again on its data dir; what its recovery found, over its shards. */
  async restartRegion(region: string): Promise<RecoveryReport> {
    this.clients.checkRegion(region);
    const report = await this.supervisor.restart(region);
    for (const span of this.crashSpans.get(region) ?? []) this.timeline.close(span);
    this.crashSpans.delete(region);
    this.time.moved();
    const pid = this.supervisor.process(region).pid;
    this.restarts.push({ region, pid, atMs: this.now(), report });
    this.log.info({ region, pid, ...report }, 'node restarted and recovered its WAL');
    await this.nemesis.verifyClock(region);
    return report;
  }
  async failover(shard: number, toRegion?: string): Promise<FailoverResult> {
    const result = await realFailover(
      this.leadership,
      this.progress,
      this.controlPlane,
      this.ackPolicy,
      shard,
      toRegion,
    );
    const { from, to, epoch, startSeqNo } = result;
    this.time.moved();
    this.timeline.instant({ kind: 'failover', shard, from, to, epoch });
    this.observations.failedOver({ shard, atMs: this.now(), from, to, epoch }, startSeqNo);
    return result;
  }
  /** Heals every fault and restarts every crashed node. */
  async healEverything(): Promise<void> {
    await this.nemesis.healAll();
    for (const r of this.regions) if (!this.supervisor.isUp(r)) await this.restartRegion(r);
  }

  // Progress.
  leaderOf(shard: number): string {
    return this.controlPlane.leaderOf(shard);
  }
  appliedSeqNo(region: string): Promise<number> {
    return this.progress.appliedSeqNo(this.clients.checkRegion(region));
  }
  lagOf(region: string, shard: number): Promise<number> {
    return this.progress.lagOf(this.clients.checkRegion(region), shard);
  }
  converged(): Promise<boolean> {
    return this.progress.converged();
  }
  lagging(): Promise<LaggingReplica[]> {
    return this.progress.lagging();
  }
  /** Polls every ~50 ms (real) until every replica converges; `ConvergenceTimeoutError` past `timeoutMs`. */
  async awaitFullConvergence(timeoutMs = 2_000): Promise<number> {
    const start = this.now();
    try {
      await pollUntil(async () => ((await this.progress.converged()) ? true : undefined), {
        timeoutMs,
        everyMs: 50,
        what: 'convergence',
      });
    } catch {
      const lagging = await this.progress.lagging();
      const err = new ConvergenceTimeoutError(timeoutMs, this.seed, lagging);
      err.message = err.message.replace('ms of virtual time', 'ms of real time');
      this.log.error({ timeoutMs, lagging }, 'convergence timeout');
      throw err;
    }
    const tookMs = this.now() - start;
    this.observations.converged(tookMs);
    this.log.info({ tookMs }, 'cluster converged');
    return tookMs;
  }

  // Observations and the promise checker.
  get rejections(): readonly Rejection[] {
    return this.observations.rejections;
  }
  get failovers(): readonly FailoverRecord[] {
    return this.observations.failovers;
  }
  faultTimeline(): FaultSpan[] {
    return this.timeline.spans.map((s) => ({ ...s }));
  }
  snapshot(maxScores = 6): Promise<ClusterSnapshot> {
    return this.observations.snapshot(maxScores, (region, w) =>
      this.clients.readDecayScore(region, w.entity, w.signal, w.tenant || undefined),
    );
  }
  systemUnderTest(): SystemUnderTest {
    return realSystem({
      bin: this.supervisor.process(this.regions[0]!).spec.bin,
      statuses: this.regions.map((r) => this.progress.lastStatus(r)),
      pids: Object.fromEntries(this.regions.map((r) => [r, this.supervisor.process(r).pids])),
      etcdVersion: this.etcd.version(),
    });
  }
  private judged(): JudgedRun {
    return {
      regions: this.regions,
      schema: this.schema,
      history: this.history,
      ackPolicy: this.ackPolicy,
      partitionPolicy: this.partitionPolicy,
      idempotencyRetentionMs: this.idempotencyRetentionMs,
      failovers: this.failovers,
      faults: this.faultTimeline(),
      controlPlane: this.controlPlane,
      supervisor: this.supervisor,
      time: this.time,
    };
  }
  /** The promise checker on the run so far, from the replicas' states now. */
  async checkInvariants(): Promise<Violation[]> {
    return (await judge(this.judged(), this.time.readAt())).violations;
  }
  async lostWrites(): Promise<WriteRecord[]> {
    return (await judge(this.judged(), this.time.readAt())).lost;
  }
  /** Heals every fault, waits (20 s real) for convergence, reads every replica's state at one instant and judges. */
  async healAndCheck(): Promise<PromiseCheck> {
    const violations = await convergedAfterHeal(this, HEAL_CONVERGENCE_TIMEOUT_MS);
    this.time.moved();
    const check = await judge(this.judged(), this.time.readAt());
    return { ...check, violations: [...violations, ...check.violations] };
  }

  /** Each node's log and output, the firewall rules at every change, pids and recoveries, the etcd records. */
  async attachments(): Promise<ExtraAttachment[]> {
    if (this.finalAttachments) return this.finalAttachments;
    const records = await this.leadership.readAll().catch(() => []);
    return collectAttachments(this, records);
  }

  /** Stops every node, removes the firewall chain, the etcd keys and the temp dir; even after a failure. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    const errors: unknown[] = [];
    const attempt = async (what: string, f: () => unknown): Promise<void> => {
      try {
        await f();
      } catch (err) {
        errors.push(err);
        this.log.error({ what, err: (err as Error).message }, 'clean-up step failed');
      }
    };
    this.clients.close();
    await attempt('stop sampling', () => this.observations.stop());
    await attempt('stop flapping', () => this.nemesis.stopFlapping());
    await attempt('keep attachments', async () => (this.finalAttachments = await this.attachments()));
    await attempt('stop nodes', () => this.supervisor.stopAll());
    await attempt('remove firewall rules', () => this.firewall.tearDown());
    await attempt('remove etcd keys', () => this.leadership.clear());
    await attempt('close etcd client', () => this.leadership.close());
    await attempt('remove temp dir', () => {
      if (process.env.TIDAL_KEEP_NODE_FILES !== '1')
        fs.rmSync(this.deployment.dir, { recursive: true, force: true });
    });
    process.removeListener('exit', this.exitGuard);
    this.log.info({ dir: this.deployment.dir, errors: errors.length }, 'real cluster closed');
    if (errors.length) throw errors[0];
  }

  /** At process exit, synchronously: SIGKILL every node and remove the files (rules vanish with the namespace). */
  private killNow(): void {
    this.supervisor.killAllNow();
    fs.rmSync(this.deployment.dir, { recursive: true, force: true });
  }

  private oneShardOnly(what: string): void {
    if (this.shardCount !== 1)
      throw new NotInRealModeError(
        what,
        `one tidal-node process holds every shard of its region (${this.shardCount} shards here), so a crash takes them all; crash the region, or build the cluster with 1 shard`,
      );
  }
}

/** Clusters built and not closed yet (at most one, but for one a timed-out step left behind). */
const live = new Set<ProcessCluster>();

async function closeLiveClusters(): Promise<void> {
  for (const c of [...live]) await c.close().catch(() => undefined);
}

/** The factory the steps call in real mode (world parameter mode 'real'). */
export const buildProcessCluster: ClusterFactory = (config, logger) => ProcessCluster.build(config, logger);
