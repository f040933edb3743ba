/**
 * What a scenario needs of a cluster, as interfaces: `Cluster` holds exactly what the step
 * definitions use — build-time facts, the client side, the fault verbs, progress questions,
 * observations and the promise checker. `SimulatedCluster` implements it over the simulator;
 * a deployment of real processes implements it again (`ClusterFactory`). Every answer such a
 * deployment gets over the network or by acting on processes is `Awaitable`: the simulator
 * answers at once (a plain value satisfies it), a deployment with a promise; callers `await`
 * either. Powers only a simulator has (delivering raw bytes past the network, tearing a write
 * in flight, reading a replica's engine directly, the seeded streams and virtual-time
 * scheduler) are the separate `SimulatorControls`, so a step that needs one says so in its
 * type (and throws `SimulatorOnlyError` against any other cluster).
 */
import type { AckPolicy, ControlPlane, RecoveryReport, Schema, SessionOptions, WriteAck } from '../engine';
import type { History, WriteRecord } from './checkers/history';
import type { HlcMonitor } from './checkers/hlc';
import type { FailoverRecord } from './checkers/idempotency';
import type { PromiseObserver } from './checkers/observer';
import type { PromiseCheck } from './checkers/promises';
import type { ClusterConfig, ClusterLogger, ClusterWriteOptions, PartitionPolicy } from './config';
import type { LaggingReplica, Violation } from './errors';
import type { FailoverResult } from './failover';
import type { FlapOptions, Nemesis } from './nemesis';
import type { LinkSelector, NetworkFaults, SimulatedNetwork } from './network';
import type { SimulatedNode } from './node';
import type { Rejection } from './observations';
import type { Replicas } from './replicas';
import type { ClusterSnapshot, FaultSpan, SystemUnderTest } from './report-data';
import type { SeededRng } from './rng';
import type { Scheduler } from './scheduler';
import type { SessionRead } from './sessions';

/** A value now, or a promise of it: what a simulator answers at once and a deployment over the network later. */
export type Awaitable<T> = T | Promise<T>;

/** A partition the scenario injected (both ways, or `from` → `to` only); `heal` removes exactly it. */
export interface PartitionHandle {
  readonly from: string;
  readonly to: string;
  readonly oneWay: boolean;
  readonly live: boolean;
  heal(): Awaitable<void>;
}

/** A link being cut and healed over and over until `stop` (or its cycles ran out). */
export interface FlappingHandle {
  readonly done: boolean;
  stop(): Awaitable<void>;
}

/** A file a deployment offers the report of a failed scenario (a node's log, its firewall rules…). */
export interface ExtraAttachment {
  name: string;
  mediaType: string;
  body: string;
}

/** A client session: read-your-writes and monotonic reads across the regions it visits. */
export interface ClientSession {
  readonly id: number;
  readonly region: string;
  readonly tenant?: string;
  write(
    signal: string,
    entity: string,
    weight: number,
    opts?: Omit<ClusterWriteOptions, 'via' | 'tenant'>,
  ): Awaitable<WriteAck>;
  read(entity: string, signal: string): Promise<SessionRead>;
  moveTo(region: string): void;
}

/** One tenant's view: writes and reads inside its namespace and shards. */
export interface TenantClient {
  readonly id: string;
  readonly homeRegion: string;
  readonly shards: readonly number[];
  writeSignal(
    signal: string,
    entity: string,
    weight: number,
    opts?: Omit<ClusterWriteOptions, 'tenant'>,
  ): Awaitable<WriteAck>;
  readDecayScore(region: string, entity: string, signal: string): Awaitable<number | undefined>;
  readFromShard(region: string, shard: number, entity: string, signal: string): Awaitable<number | undefined>;
  session(region?: string, opts?: SessionOptions): ClientSession;
}

/** The cluster a scenario drives. */
export interface Cluster {
  // What it was built as.
  readonly seed: number;
  readonly regions: readonly string[];
  readonly shardCount: number;
  readonly ackPolicy: AckPolicy;
  readonly partitionPolicy: PartitionPolicy;
  readonly idempotencyRetentionMs: number;
  /** The schema of signals it accepts. */
  readonly schema: Schema;
  /**
   * Cluster time in ms (virtual in the simulator): the one time base of the interface — of
   * `ClusterWriteOptions.timeMs`, of the history's times and of the snapshot and fault timeline.
   */
  now(): number;
  /** Lets `ms` of cluster time pass. */
  advance(ms: number): Promise<void>;

  // The client side.
  writeSignal(
    signal: string,
    entity: string,
    weight: number,
    opts?: ClusterWriteOptions,
  ): Awaitable<WriteAck>;
  readDecayScore(
    region: string,
    entity: string,
    signal: string,
    tenant?: string,
  ): Awaitable<number | undefined>;
  session(region: string, opts?: SessionOptions): ClientSession;
  tenant(id: string): TenantClient;

  // Faults, in pairs: partition / heal, set / clear, skew / unskew, crash / restart, flap / stop.
  injectPartition(a: string, b: string): Awaitable<PartitionHandle>;
  injectOneWayPartition(from: string, to: string): Awaitable<PartitionHandle>;
  healAllPartitions(): Awaitable<void>;
  flapPartition(a: string, b: string, opts?: FlapOptions): Awaitable<FlappingHandle>;
  setNetworkFaults(faults: NetworkFaults, link?: LinkSelector): Awaitable<void>;
  clearNetworkFaults(link?: LinkSelector): Awaitable<void>;
  skewClock(region: string, ms: number, driftMsPerS?: number): Awaitable<void>;
  unskewClock(region: string): Awaitable<void>;
  /** Crashes `region`'s replica of `shard` (a deployment with one process per region kills the region's process). */
  crash(region: string, shard: number): Awaitable<void>;
  restart(region: string, shard: number): Awaitable<RecoveryReport>;
  crashRegion(region: string): Awaitable<void>;
  restartRegion(region: string): Awaitable<RecoveryReport>;
  failover(shard: number, toRegion?: string): Promise<FailoverResult>;
  /** Heals every fault and restarts every crashed replica. */
  healEverything(): Awaitable<void>;

  // Progress.
  /** The region leading `shard` now. */
  leaderOf(shard: number): Awaitable<string>;
  /** Replicated events applied in `region`, summed over its shards. */
  appliedSeqNo(region: string): Awaitable<number>;
  /** Lag in events of `region`'s replica of `shard` behind the shard's leader. */
  lagOf(region: string, shard: number): Awaitable<number>;
  converged(): Awaitable<boolean>;
  lagging(): Awaitable<LaggingReplica[]>;
  /** Waits until every replica converges; resolves with the ms it took (`ConvergenceTimeoutError` past `timeoutMs`). */
  awaitFullConvergence(timeoutMs?: number): Promise<number>;

  // Observations and the promise checker.
  /**
   * Every write and read clients were answered, in order; its times (a write's event time
   * `timeMs`, `atMs`, `committedAtMs`) in cluster time, as `now()` tells it, so a step can
   * evaluate what the writes should score at `now()`.
   */
  readonly history: History;
  readonly rejections: readonly Rejection[];
  readonly failovers: readonly FailoverRecord[];
  faultTimeline(): FaultSpan[];
  snapshot(maxScores?: number): Awaitable<ClusterSnapshot>;
  /** What this cluster is: mode (simulated or real processes), engine, version, commit. */
  systemUnderTest(): SystemUnderTest;
  checkInvariants(): Awaitable<Violation[]>;
  lostWrites(): Awaitable<WriteRecord[]>;
  /** The end-of-scenario check: heal every fault, converge (60 s), then run the promise checker. */
  healAndCheck(): Promise<PromiseCheck>;
  /** Stops everything it started; a deployment leaves no process, rule or file behind. */
  close(): Awaitable<void>;
  /** Extra files for the report of a failed scenario (a deployment's node logs); absent in the simulator. */
  attachments?(): Promise<ExtraAttachment[]>;
}

/**
 * Builds a cluster from a scenario's config; `logger` is the scenario's structured log. A
 * deployment other than the simulator plugs into the steps as one of these.
 */
export type ClusterFactory = (config: ClusterConfig, logger: ClusterLogger) => Promise<Cluster>;

/** Powers only the simulator has: a step or checker that needs one is simulator-only. */
export interface SimulatorControls {
  readonly scheduler: Scheduler;
  readonly rng: SeededRng;
  readonly network: SimulatedNetwork;
  readonly nemesis: Nemesis;
  readonly replicas: Replicas;
  readonly controlPlane: ControlPlane;
  readonly observer: PromiseObserver;
  readonly hlcMonitor: HlcMonitor;
  /** A replica's machine and engine. */
  node(region: string, shard: number): SimulatedNode;
  leader(shard?: number): SimulatedNode;
  followerIn(region: string, shard?: number): SimulatedNode | undefined;
  nodesIn(region: string): SimulatedNode[];
  allNodes(): SimulatedNode[];
  /** Crashes a replica in the middle of a write; returns the bytes of it that reached the disk. */
  crashTearingWrite(region: string, shard: number): number;
  /** Crashes every replica of `region` in the middle of a write; returns the bytes torn. */
  crashRegionTearingWrites(region: string): number;
  /** Delivers raw bytes to `to`'s replica of `shard` as if `from` had sent them, past any fault. */
  injectBytes(from: string, to: string, shard: number, bytes: Uint8Array): void;
}
