/**
 * The schedule of one simulated run, as plain data: the cluster it runs on, the client sessions
 * it uses, and a list of items — client operations and faults — each at a virtual time. A
 * schedule is all a run needs: the generator makes one from a seed, the shrinker makes smaller
 * ones, a report stores one as JSON, and any of them replays without the generator. Faults carry
 * a duration; the runner heals each when its duration ends.
 */
import type { NetworkFaults } from '../cluster';

export type AckPolicy = 'leader' | 'quorum';
export type PartitionPolicy = 'leader-only' | 'accept-local';

/** What an optional field of a shape means when it is absent: the cluster's own defaults. */
export const SHAPE_DEFAULTS = {
  latencyMs: 5,
  jitterMs: 0,
  idempotencyRetentionMs: 600_000,
  maxBatchEvents: 512,
  windowBatches: 8,
  durable: false,
} as const;

/** `shape` with every optional field but the tenants filled in from `SHAPE_DEFAULTS`. */
export function fullShape(shape: ClusterShape): Required<Omit<ClusterShape, 'tenants'>> & ClusterShape {
  return { ...SHAPE_DEFAULTS, ...shape };
}

/** A tenant's placement: its home region and the shards that hold its entities. */
export interface TenantShape {
  homeRegion: string;
  shards: number[];
}

/**
 * The cluster a schedule runs on (the same shape every feature's cluster is built from). The
 * optional fields default to the cluster's own defaults, so a schedule of format 1 still runs.
 */
export interface ClusterShape {
  regions: number;
  shards: number;
  ackPolicy: AckPolicy;
  partitionPolicy: PartitionPolicy;
  /** Largest accepted lead of a remote HLC stamp (the cluster's default: 1000 ms). */
  maxDriftMs: number;
  /** One-way network latency. Default: 5 ms. */
  latencyMs?: number;
  /** Uniform extra latency. Default: 0 ms. */
  jitterMs?: number;
  /** How long an idempotency key is remembered. Default: 600,000 ms. */
  idempotencyRetentionMs?: number;
  /** Events per replicated batch. Default: 512. */
  maxBatchEvents?: number;
  /** Batches in flight per follower. Default: 8. */
  windowBatches?: number;
  /** WAL segments as files (fsync per batch) instead of the simulated disk. Default: false. */
  durable?: boolean;
  /** Tenant placements; absent: every tenant uses every shard. */
  tenants?: Record<string, TenantShape>;
}

/** A client session: reads and writes through one region, remembering its high-water marks. */
export interface SessionSpec {
  id: number;
  region: string;
  policy: 'wait' | 'redirect';
  timeoutMs: number;
  tenant?: string;
}

export interface WriteOp {
  kind: 'write';
  atMs: number;
  signal: string;
  entity: string;
  weight: number;
  /** Region the client call enters; undefined: the shard leader's. */
  via?: string;
  tenant?: string;
  idempotencyKey?: string;
  /** A client retry of an earlier write with the same key and payload. */
  retry?: boolean;
}

export interface SessionWriteOp {
  kind: 'session-write';
  atMs: number;
  session: number;
  signal: string;
  entity: string;
  weight: number;
}

export interface SessionReadOp {
  kind: 'session-read';
  atMs: number;
  session: number;
  signal: string;
  entity: string;
}

/** What is wrong with a bad request (each must be refused with a typed error and change nothing). */
export const BAD_REQUESTS = [
  'undeclared-signal',
  'long-entity',
  'unknown-region',
  'negative-timeout',
  'unknown-policy',
] as const;
export type BadRequest = (typeof BAD_REQUESTS)[number];

/** The region no cluster has: a well-formed id that names nothing. */
export const UNKNOWN_REGION = 'zz-nowhere';

/** A client request that is wrong (an undeclared signal, an id too long, a bad session option). */
export interface BadRequestOp {
  kind: 'bad-request';
  atMs: number;
  problem: BadRequest;
  /** The region the request enters. */
  region: string;
}

export type Operation = WriteOp | SessionWriteOp | SessionReadOp | BadRequestOp;

export interface PartitionFault {
  kind: 'partition';
  atMs: number;
  durationMs: number;
  a: string;
  b: string;
}

export interface OneWayPartitionFault {
  kind: 'one-way-partition';
  atMs: number;
  durationMs: number;
  from: string;
  to: string;
}

export interface NetworkFault {
  kind: 'network';
  atMs: number;
  durationMs: number;
  /** One directed link, or every link when absent. */
  link?: { from: string; to: string };
  faults: NetworkFaults;
}

export interface SkewFault {
  kind: 'skew';
  atMs: number;
  durationMs: number;
  region: string;
  skewMs: number;
  driftMsPerS: number;
}

export interface CrashFault {
  kind: 'crash';
  atMs: number;
  durationMs: number;
  region: string;
  shard: number;
  tornWrite: boolean;
}

/** Promotes a replica of `shard` (the best live follower when `to` is absent). Instantaneous. */
export interface FailoverFault {
  kind: 'failover';
  atMs: number;
  shard: number;
  to?: string;
}

export type Fault =
  PartitionFault | OneWayPartitionFault | NetworkFault | SkewFault | CrashFault | FailoverFault;

export type Item = Operation | Fault;

export const FAULT_KINDS = [
  'partition',
  'one-way-partition',
  'network',
  'skew',
  'crash',
  'failover',
] as const satisfies readonly Fault['kind'][];

/** What a seed's nemesis and workload weigh (drawn per seed; not needed to replay a schedule). */
export interface Mix {
  /** The emphasis this seed was drawn with. */
  emphasis: Emphasis;
  /** Relative weights of the workload's operations. */
  workload: Record<WorkloadKind, number>;
  /** Probability that a keyed write reuses a key another tenant already used. */
  sharedKeys: number;
  /** Relative weights of the fault kinds (0: switched off for this seed). */
  faults: Record<Fault['kind'], number>;
  /** Operations per fault, on average. */
  opsPerFault: number;
  /** Probability that a failover lands while the leader's latest batch is on the wire. */
  failoverUnderTraffic: number;
}

export const EMPHASES = [
  'balanced',
  'failovers-under-traffic',
  'clock-skew',
  'shared-keys',
  'bad-network',
  'crashes',
] as const;
export type Emphasis = (typeof EMPHASES)[number];

export const WORKLOAD_KINDS = [
  'write',
  'tenant-write',
  'keyed-write',
  'retry',
  'session-write',
  'session-read',
  'bad-request',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface Schedule {
  /** Format version of this plain-data schedule (2 added the swarm's dimensions; 1 still runs). */
  format: 1 | 2;
  /** Root seed of the cluster (network and nemesis streams) and of the generator. */
  seed: number;
  cluster: ClusterShape;
  /** What the seed's workload and nemesis weighed when it was drawn (a record, not needed to run). */
  mix?: Mix;
  sessions: SessionSpec[];
  /** Sorted by `atMs` (stable). */
  items: Item[];
}

export function isFault(item: Item): item is Fault {
  return (FAULT_KINDS as readonly string[]).includes(item.kind);
}

/** Virtual ms at which a fault heals (its start for instantaneous faults). */
export function endOf(item: Item): number {
  return 'durationMs' in item ? item.atMs + item.durationMs : item.atMs;
}

/** Virtual ms by which every item has started and every fault has healed. */
export function horizonMs(schedule: Schedule): number {
  let end = 0;
  for (const it of schedule.items) end = Math.max(end, endOf(it));
  return end;
}

/** One thing the runner does at one instant: start an item, or heal a fault. */
export interface Action {
  atMs: number;
  phase: 'start' | 'end';
  index: number;
}

/**
 * The schedule as a timeline of actions. At one instant, heals come before starts (a fault that
 * ends when another begins does not overlap it), and otherwise the items' order holds.
 */
export function timeline(schedule: Schedule): Action[] {
  const out: Action[] = [];
  schedule.items.forEach((it, index) => {
    out.push({ atMs: it.atMs, phase: 'start', index });
    if ('durationMs' in it) out.push({ atMs: it.atMs + it.durationMs, phase: 'end', index });
  });
  return out.sort(
    (x, y) => x.atMs - y.atMs || (x.phase === y.phase ? 0 : x.phase === 'end' ? -1 : 1) || x.index - y.index,
  );
}

/** A copy of `schedule` holding only the given items (sessions no item uses are dropped). */
export function withItems(schedule: Schedule, items: Item[]): Schedule {
  const used = new Set(items.flatMap((i) => ('session' in i ? [i.session] : [])));
  return { ...schedule, sessions: schedule.sessions.filter((s) => used.has(s.id)), items };
}

/** Counts of operations and faults, for summaries. */
export function describeSize(schedule: Schedule): string {
  const faults = schedule.items.filter(isFault).length;
  return `${schedule.items.length - faults} operations and ${faults} faults over ${horizonMs(schedule)} ms`;
}

/** Checks a schedule read from JSON enough to run it (a clear error otherwise). */
export function parseSchedule(value: unknown): Schedule {
  const s = value as Partial<Schedule> | undefined;
  if (
    !s ||
    (s.format !== 1 && s.format !== 2) ||
    !Array.isArray(s.items) ||
    !Array.isArray(s.sessions) ||
    !s.cluster
  )
    throw new Error(
      'not a simulation schedule: expected { format: 2, seed, cluster, sessions, items } as written to reports/simulate/<seed>.json',
    );
  if (!Number.isSafeInteger(s.seed)) throw new Error(`schedule seed ${String(s.seed)} is not an integer`);
  for (const it of s.items) {
    if (typeof it?.atMs !== 'number' || !Number.isFinite(it.atMs) || it.atMs < 0)
      throw new Error(`schedule item ${JSON.stringify(it)} has no valid virtual time (atMs)`);
  }
  return s as Schedule;
}
