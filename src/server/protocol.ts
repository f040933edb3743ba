/**
 * The driver boundary (docs/driver.md): what a tidalDB node offers the acceptance suite, as
 * types. `tidal-node` (src/server) is the reference implementation; `ProcessCluster`
 * (src/real) is the client. A build of tidalDB in another language is accepted by the suite when
 * it reads the same deployment file, keeps the same keys in etcd and answers the same HTTP/JSON
 * calls with these shapes.
 *
 * Conventions:
 * - Every body is JSON (`content-type: application/json`), at most `MAX_BODY_BYTES`.
 * - Success is 200 with the response type named below. A refusal is a 4xx or 5xx with
 *   `ErrorBody`: the engine's typed error class as `error.name` (InvalidInputError,
 *   UnknownSignalError, NodeStateError, UnavailableError, StaleReadError, …) and a message that
 *   says what was wrong and what to do. A client maps `error.name` back to the class.
 * - Times are ms since the epoch. A request may carry an explicit event time (`timeMs`) or read
 *   time (`atMs`): that is how decay over hours is checked without sleeping.
 */
import type {
  AckPolicy,
  Hlc,
  Schema,
  SchemaSpec,
  ShipperOptions,
  SignalEvent,
  TenantPlacement,
  WalOptions,
} from '../engine';

export const PROTOCOL_VERSION = 1;

/** Largest request body a node reads; a larger one is refused with 413 and nothing is applied. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * (Added.) Header a node sets on a call it forwards to another region's node (a write to its
 * shard's leader, a redirected session read, a commit asked of the write's leader). A node never
 * forwards such a call again: a forwarded write reaching a node that does not lead the shard is
 * refused with NodeStateError (409). Clients do not set it.
 */
export const FORWARDED_HEADER = 'x-tidal-forwarded-by';

// --- the deployment file (`tidal-node --region R --config FILE`) --------------------------------

export interface RegionAddress {
  /** The address the region's node binds both ports to (127.0.0.2, 127.0.0.3, … in tests). */
  host: string;
  /** Client API (HTTP/JSON). */
  httpPort: number;
  /** Replication between regions (TCP, length-prefixed frames). */
  replicationPort: number;
}

export interface DeploymentConfig {
  /** Prefix of every etcd key of this deployment: `/tidal/<clusterId>/…`. */
  clusterId: string;
  /** Region → address, in region order (the order fixes region indexes on the wire). */
  regions: Record<string, RegionAddress>;
  shardCount: number;
  /** The initial leader of each shard (index = shard); later leaders come from etcd. */
  leaders: string[];
  schema: SchemaSpec;
  ackPolicy: AckPolicy;
  partitionPolicy: 'leader-only' | 'accept-local';
  idempotencyRetentionMs: number;
  /** Anti-entropy period in ms; 0 = off. */
  reconcileEveryMs: number;
  /** Largest accepted lead of a remote HLC stamp, ms. */
  maxDriftMs: number;
  tenants: Record<string, TenantPlacement>;
  /** etcd client endpoints (http://127.0.0.1:2379). */
  etcd: string[];
  /** The node's WAL lives under `<dataDir>/<region>/shard-<n>/`. */
  dataDir: string;
  /** (Added.) WAL tuning: `segmentBytes` (default 1 MiB), an integer ≥ 64. */
  wal?: WalOptions;
  /**
   * (Added.) Shipper tuning, each an integer ≥ 1: `maxBatchEvents` (default 512), `windowBatches`
   * (8), `rtoMs` (100 ms), `maxRtoMs` (400 ms, ≥ rtoMs).
   */
  shipper?: ShipperOptions;
}

// --- etcd keys --------------------------------------------------------------------------------

/** `/tidal/<clusterId>/shards/<shard>` holds a `ShardRecord` (JSON). */
export function shardKey(clusterId: string, shard: number): string {
  return `/tidal/${clusterId}/shards/${shard}`;
}

/** `/tidal/<clusterId>/topology` holds the deployment's regions and shard count (JSON). */
export function topologyKey(clusterId: string): string {
  return `/tidal/${clusterId}/topology`;
}

/**
 * A shard's leadership. Failover is a compare-and-swap of this key (on its mod revision) to the
 * next term; every node watches it and fences a deposed leader (it adopts the new term and drops
 * the suffix the new term's log does not have).
 */
export interface ShardRecord {
  shard: number;
  leader: string;
  /** The leadership term (the engine's epoch), from 1. */
  term: number;
  /** First SeqNo of each term, as `[term, seqNo]` pairs in term order. */
  termStarts: [number, number][];
  /** The leader of each term, as `[term, region]` pairs in term order. */
  termLeaders: [number, string][];
}

// --- the client API ---------------------------------------------------------------------------

export interface ErrorBody {
  error: {
    name: string;
    message: string;
    /**
     * (Added.) The typed error's own fields (IdempotencyConflictError's `tenant` and `key`,
     * ClockSkewError's `remoteWallMs`, `localPhysicalMs` and `maxDriftMs`, …), so a client can
     * rebuild the error with them.
     */
    fields?: Record<string, unknown>;
  };
}

/** POST /v1/write — enters at this node, routed to the shard's leader. */
export interface WriteRequest {
  signal: string;
  entity: string;
  weight: number;
  tenant?: string;
  idempotencyKey?: string;
  /** Event time; default the accepting node's clock. */
  timeMs?: number;
}

/** The acknowledgement of a write (the engine's WriteAck without its promise). */
export interface AckBody {
  shard: number;
  seqNo: number;
  epoch: number;
  hlc: Hlc;
  timeMs: number;
  origin: string;
  local: boolean;
  policy: AckPolicy;
  retry: boolean;
}

export interface WriteResponse {
  ack: AckBody;
  /** The region whose replica accepted it (the leader's, or this one's for a local write). */
  acceptedBy: string;
  /** The accepting replica's clock at the write. */
  clockMs: number;
}

/** POST /v1/commit — waits (at most `timeoutMs`) for a write's ack policy to hold. */
export interface CommitRequest {
  shard: number;
  seqNo: number;
  epoch: number;
  timeoutMs: number;
}
export type CommitResponse =
  { status: 'committed' } | { status: 'pending' } | { status: 'refused'; reason: string };

/** GET /v1/read?entity=&signal=&tenant=&atMs= — this region's replica of the entity's shard. */
export interface ReadResponse {
  score: number | null;
  shard: number;
  epoch: number;
  appliedSeqNo: number;
}

/** A session's high-water mark on one shard (the engine's LogMark). */
export interface SessionMark {
  shard: number;
  epoch: number;
  seqNo: number;
}

/**
 * POST /v1/session/read — served only by a replica that reached the session's mark on the
 * entity's shard; under 'wait' the node waits up to `timeoutMs`, else refuses with
 * StaleReadError (409). The client keeps the marks and raises them from the answer.
 */
export interface SessionReadRequest {
  entity: string;
  signal: string;
  tenant?: string;
  atMs?: number;
  mark: SessionMark;
  policy: 'wait' | 'redirect';
  timeoutMs: number;
}
export interface SessionReadResponse extends ReadResponse {
  /** The region that served it (this one, or the leader's under 'redirect'). */
  servedBy: string;
  /**
   * (Added.) How long the serving node waited for its replica to reach the mark, ms; 0 when it
   * served at once (and for a read redirected to a leader that had the mark).
   */
  waitedMs?: number;
}

/**
 * (Added.) POST /v1/admin/reconcile (no body) — starts an anti-entropy round of every shard with
 * every other region now, besides the periodic ones (`reconcileEveryMs`).
 */
export interface ReconcileResponse {
  started: true;
}

// --- status and state (what the checkers read) ------------------------------------------------

export interface ShardStatus {
  shard: number;
  role: 'leader' | 'follower';
  /** Leadership term (epoch) this replica is in. */
  term: number;
  appliedSeqNo: number;
  committedSeqNo: number;
  /** Events behind the shard's leader, as this node last heard it. */
  lag: number;
  /** Digest of the replica's CRDT state (equal digests = equal state). */
  digest: string;
  /** What recovery found when this node started. */
  recovery: { segments: number; batches: number; events: number; truncatedBytes: number };
  /** Messages refused (bad frames, stale terms, unknown peers), by error name. */
  refused: Record<string, number>;
  /** (Added.) The shard's leader as this node last heard it from etcd. */
  leader?: string;
  /** (Added.) Events this replica dropped when a new term cut its suffix (see /v1/state). */
  dropped?: number;
  /** (Added.) The last refusal of each error name counted in `refused`, in full. */
  lastRefused?: Record<string, Refusal>;
}

/** (Added.) One refused message: what the error said, who sent it, and the error's own fields. */
export interface Refusal {
  message: string;
  /** The region that sent the refused message (for a connection not yet identified, its address). */
  from: string;
  atMs: number;
  /** As in `ErrorBody`'s `fields` (ClockSkewError's `maxDriftMs`, …). */
  fields?: Record<string, unknown>;
}

/** (Added.) One peer region's replication connection, as this node sees it. */
export interface PeerStatus {
  region: string;
  connected: boolean;
  /** Handshakes completed since the node started. */
  connects: number;
  /** Engine messages sent to it, and dropped while it was unreachable (the shipper resends). */
  sent: number;
  dropped: number;
}

/** GET /v1/status */
export interface StatusResponse {
  region: string;
  pid: number;
  engine: string;
  version: string;
  protocol: number;
  /** The node's physical clock (libfaketime shifts it). */
  clockMs: number;
  startedAtMs: number;
  shards: ShardStatus[];
  /** (Added.) The replication connection to each other region. */
  peers?: PeerStatus[];
  /**
   * (Added.) Refusals on the replication port that concern no one shard (unknown peers, bad
   * frames), by error name; each is also counted in every shard's `refused`.
   */
  refused?: Record<string, number>;
}

/** One (tenant, entity, signal) of a replica's CRDT state. */
export interface StateEntry {
  tenant: string;
  entity: string;
  signal: string;
  writeCount: number;
  /** The decayed score at the request's `atMs`. */
  score: number;
  /** CRDT origin → the highest version of that origin this replica holds. */
  versions: Record<string, number>;
}

/** One event of a replica's log (the engine's SignalEvent, signal by name). */
export interface LogEvent {
  seqNo: number;
  signal: string;
  tenant: string;
  entity: string;
  weight: number;
  timeMs: number;
  hlc: Hlc;
  origin: string;
  originVersion: number;
  idempotencyKey: string;
}

/** An engine event as a node reports it: its signal by name. */
export function logEventOf(schema: Schema, e: SignalEvent): LogEvent {
  return { ...eventFields(e), signal: schema.signalName(e.signal) };
}

/** A reported event as the engine's checkers take it: its signal by index. */
export function signalEventOf(schema: Schema, e: LogEvent): SignalEvent {
  return { ...eventFields(e), signal: schema.signalIndex(e.signal) };
}

function eventFields(e: SignalEvent | LogEvent): Omit<LogEvent, 'signal'> {
  return {
    seqNo: e.seqNo,
    tenant: e.tenant,
    entity: e.entity,
    weight: e.weight,
    timeMs: e.timeMs,
    hlc: e.hlc,
    origin: e.origin,
    originVersion: e.originVersion,
    idempotencyKey: e.idempotencyKey,
  };
}

/** GET /v1/state?shard=&atMs= — everything the promise checker reads of one replica. */
export interface StateResponse {
  region: string;
  shard: number;
  role: 'leader' | 'follower';
  term: number;
  appliedSeqNo: number;
  ackPolicy: AckPolicy;
  entries: StateEntry[];
  /** The replica's log, in SeqNo order. */
  log: LogEvent[];
  /** Events this replica dropped when it truncated a suffix a new term did not have. */
  dropped: { term: number; event: LogEvent; atMs: number }[];
}
