/**
 * What a scenario needs of a cluster, as interfaces: `Cluster` holds exactly what the step
 * definitions use — build-time facts, the client side, the fault verbs, progress questions,
 * observations and the promise checker. `SimulatedCluster` implements it over the simulator;
 * a deployment of real processes can implement it again. Powers only a simulator has
 * (delivering raw bytes past the network, tearing a write in flight, reading a replica's
 * engine directly, the seeded streams and virtual-time scheduler) are the separate
 * `SimulatorControls`, so a step that needs one says so in its type.
 */
import type { AckPolicy, ControlPlane, RecoveryReport, Schema, SessionOptions, WriteAck } from '../engine';
import type { History, WriteRecord } from './checkers/history';
import type { HlcMonitor } from './checkers/hlc';
import type { FailoverRecord } from './checkers/idempotency';
import type { PromiseObserver } from './checkers/observer';
import type { PromiseCheck } from './checkers/promises';
import type { ClusterWriteOptions, PartitionPolicy } from './config';
import type { LaggingReplica, Violation } from './errors';
import type { FailoverResult } from './failover';
import type { FlapOptions, Flapping, Nemesis } from './nemesis';
import type { LinkSelector, NetworkFaults, SimulatedNetwork } from './network';
import type { SimulatedNode } from './node';
import type { Rejection } from './observations';
import type { NetworkPartition } from './partitions';
import type { Replicas } from './replicas';
import type { ClusterSnapshot, FaultSpan, SystemUnderTest } from './report-data';
import type { SeededRng } from './rng';
import type { Scheduler } from './scheduler';
import type { SessionRead } from './sessions';

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
  ): WriteAck;
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
  ): WriteAck;
  readDecayScore(region: string, entity: string, signal: string): number | undefined;
  readFromShard(region: string, shard: number, entity: string, signal: string): number | undefined;
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
  /** Cluster time in ms (virtual in the simulator). */
  now(): number;
  /** Lets `ms` of cluster time pass. */
  advance(ms: number): Promise<void>;

  // The client side.
  writeSignal(signal: string, entity: string, weight: number, opts?: ClusterWriteOptions): WriteAck;
  readDecayScore(region: string, entity: string, signal: string, tenant?: string): number | undefined;
  session(region: string, opts?: SessionOptions): ClientSession;
  tenant(id: string): TenantClient;

  // Faults, in pairs: partition / heal, set / clear, skew / unskew, crash / restart, flap / stop.
  injectPartition(a: string, b: string): NetworkPartition;
  injectOneWayPartition(from: string, to: string): NetworkPartition;
  healAllPartitions(): void;
  flapPartition(a: string, b: string, opts?: FlapOptions): Flapping;
  setNetworkFaults(faults: NetworkFaults, link?: LinkSelector): void;
  clearNetworkFaults(link?: LinkSelector): void;
  skewClock(region: string, ms: number, driftMsPerS?: number): void;
  unskewClock(region: string): void;
  crash(region: string, shard: number): void;
  restart(region: string, shard: number): RecoveryReport;
  crashRegion(region: string): void;
  restartRegion(region: string): RecoveryReport;
  failover(shard: number, toRegion?: string): Promise<FailoverResult>;
  /** Heals every fault and restarts every crashed replica. */
  healEverything(): void;

  // Progress.
  /** The region leading `shard` now. */
  leaderOf(shard: number): string;
  /** Replicated events applied in `region`, summed over its shards. */
  appliedSeqNo(region: string): number;
  /** Lag in events of `region`'s replica of `shard` behind the shard's leader. */
  lagOf(region: string, shard: number): number;
  converged(): boolean;
  lagging(): LaggingReplica[];
  /** Waits until every replica converges; resolves with the ms it took (`ConvergenceTimeoutError` past `timeoutMs`). */
  awaitFullConvergence(timeoutMs?: number): Promise<number>;

  // Observations and the promise checker.
  /** Every write and read clients were answered, in order. */
  readonly history: History;
  readonly rejections: readonly Rejection[];
  readonly failovers: readonly FailoverRecord[];
  faultTimeline(): FaultSpan[];
  snapshot(maxScores?: number): ClusterSnapshot;
  /** What this cluster is: mode (simulated or real processes), engine, version, commit. */
  systemUnderTest(): SystemUnderTest;
  checkInvariants(): Violation[];
  lostWrites(): WriteRecord[];
  /** The end-of-scenario check: heal every fault, converge (60 s), then run the promise checker. */
  healAndCheck(): Promise<PromiseCheck>;
  close(): void;
}

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
