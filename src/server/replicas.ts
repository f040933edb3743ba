/**
 * This region's replicas: one `TidalDb` per shard on its WAL under `<dataDir>/<region>/shard-<n>/`,
 * opened as the simulator opens a replica (recover from the WAL, move to the control plane's
 * epoch, start), with the control plane mirrored from etcd. A newer shard record makes this
 * replica the leader (adopt the term, then promote, as the simulator's failover does) or fences
 * it (adopt the term, dropping the suffix the new term's log does not have). The engine never
 * moves to a term etcd has not told this node of: a message of a newer term is held back (the
 * sender resends) while the node reads the record again.
 */
import type { Logger } from 'pino';
import {
  ControlPlane,
  decodeHeader,
  isBatch,
  TidalDb,
  type Clock,
  type EngineEvent,
  type RecoveryReport,
  type Timers,
  type Transport,
  type WriteAck,
  Schema,
} from '../engine';
import { errorFields } from './errors';
import { logEventOf, type DeploymentConfig, type LogEvent, type Refusal, type ShardRecord } from './protocol';
import { shardDir, ShardDirStorage } from './storage';

/** At most this many dropped events are kept per shard for /v1/state. */
const MAX_DROPPED = 10_000;
/** At most this many recent acks are kept for /v1/commit. */
const MAX_ACKS = 20_000;

export interface ReplicaHosts {
  /** The transport of this region's replica of `shard`. */
  transport(shard: number): Transport;
  /** Reads a shard's record from etcd again. */
  refresh(shard: number): void;
}

export interface DroppedEntry {
  term: number;
  event: LogEvent;
  atMs: number;
}

export class RegionReplicas {
  readonly cp: ControlPlane;
  readonly schema: Schema;
  readonly dbs: TidalDb[] = [];
  readonly storages: ShardDirStorage[] = [];
  readonly recovery: RecoveryReport[] = [];
  /** Refused messages per shard, by error name. */
  readonly refused: Record<string, number>[] = [];
  /** The last refusal of each error name per shard, in full. */
  readonly lastRefused: Record<string, Refusal>[] = [];
  readonly dropped: DroppedEntry[][] = [];
  /** Highest SeqNo each shard's leader was heard to hold (batches and heartbeats). */
  private readonly heard: number[] = [];
  private readonly acks = new Map<string, WriteAck>();

  constructor(
    private readonly config: DeploymentConfig,
    readonly region: string,
    records: readonly ShardRecord[],
    private readonly hosts: ReplicaHosts,
    readonly clock: Clock,
    private readonly timers: Timers,
    private readonly log: Logger,
  ) {
    const regions = Object.keys(config.regions);
    this.schema = new Schema(config.schema);
    this.cp = new ControlPlane(
      { regions, shardCount: config.shardCount },
      (s) => config.leaders[s]!,
      config.tenants,
    );
    for (const r of records) this.adopt(r);
    for (let s = 0; s < config.shardCount; s++) {
      this.refused.push({});
      this.lastRefused.push({});
      this.dropped.push([]);
      this.heard.push(0);
    }
  }

  /** Opens every shard's replica: recovery from its WAL, the control plane's term, then replication. */
  open(): void {
    const c = this.config;
    for (let shard = 0; shard < c.shardCount; shard++) {
      const storage = new ShardDirStorage(shardDir(c.dataDir, this.region, shard));
      this.storages.push(storage);
      const db = TidalDb.builder()
        .withStorage(storage, true)
        .withSchema(this.schema)
        .withCluster({
          regionId: this.region,
          shardId: shard,
          role: this.cp.leaderOf(shard) === this.region ? 'leader' : 'follower',
        })
        .withTransport(this.hosts.transport(shard))
        .withControlPlane(this.cp)
        .withClock(this.clock, this.timers)
        .withOptions({
          ackPolicy: c.ackPolicy,
          maxDriftMs: c.maxDriftMs,
          idempotencyRetentionMs: c.idempotencyRetentionMs,
          reconcileEveryMs: c.reconcileEveryMs,
          ...(c.wal ? { wal: c.wal } : {}),
          ...(c.shipper ? { shipper: c.shipper } : {}),
        })
        .onEvent((e) => this.event(shard, e))
        .open();
      this.dbs.push(db);
      this.recovery.push({ ...db.recovery });
      this.log.info(
        {
          shard,
          dir: storage.dir,
          recovery: db.recovery,
          role: db.role,
          term: db.epoch,
          appliedSeqNo: db.appliedSeqNo(),
        },
        'replica recovered from its WAL',
      );
    }
  }

  db(shard: number): TidalDb {
    return this.dbs[shard]!;
  }

  /** A shard record from etcd: mirrored, then acted on (promote or fence). */
  onRecord(r: ShardRecord, source: string): void {
    const before = { leader: this.cp.leaderOf(r.shard), term: this.cp.epochOf(r.shard) };
    if (r.term < before.term || (r.term === before.term && r.leader === before.leader)) return;
    if (r.term === before.term) {
      this.log.error({ record: r, before }, 'etcd names another leader for the same term; ignored');
      return;
    }
    this.adopt(r);
    this.heard[r.shard] = 0; // the new term's leader announces its own log end
    this.log.info(
      { shard: r.shard, source, from: before, to: { leader: r.leader, term: r.term } },
      'term change',
    );
    const db = this.dbs[r.shard];
    if (!db || db.isClosed) return;
    if (r.leader === this.region) {
      db.adoptEpoch(r.term, this.region);
      const start = r.termStarts.find(([t]) => t === r.term)?.[1];
      if (start !== undefined && start !== db.wal.lastSeq + 1)
        this.log.warn(
          { shard: r.shard, term: r.term, termStart: start, lastSeq: db.wal.lastSeq },
          'promoted with a log that does not end where the term starts; the term start should be this replica’s applied SeqNo + 1',
        );
      db.promote(r.term);
      this.log.info({ shard: r.shard, term: r.term, lastSeq: db.wal.lastSeq }, 'promoted to leader');
    } else {
      db.adoptEpoch(r.term, r.leader);
    }
  }

  /**
   * Delivers an engine message unless it speaks of a term newer than etcd told this node: then it
   * is dropped (the sender resends) and the shard's record is read again.
   */
  deliver(
    shard: number,
    from: string,
    bytes: Uint8Array,
    handler: (from: string, bytes: Uint8Array) => void,
  ): void {
    const db = this.dbs[shard];
    if (!db) return;
    let epoch: number | undefined;
    if (isBatch(bytes)) {
      try {
        const h = decodeHeader(bytes);
        epoch = h.epoch;
        if (from === this.cp.leaderOf(shard) && h.epoch === this.cp.epochOf(shard)) {
          const last = h.firstSeqNo + h.eventCount - 1;
          if (last > this.heard[shard]!) this.heard[shard] = last;
        }
      } catch {
        // a corrupt batch: the engine refuses and counts it
      }
    } else {
      try {
        const f = db.frames.decode(bytes);
        if ('epoch' in f) epoch = f.epoch;
      } catch {
        // a corrupt frame: the engine refuses and counts it
      }
    }
    if (epoch !== undefined && epoch > this.cp.epochOf(shard)) {
      this.hosts.refresh(shard);
      return;
    }
    handler(from, bytes);
  }

  /** Remembers a write's ack for /v1/commit (bounded: the oldest go first). */
  rememberAck(ack: WriteAck): void {
    const key = ackKey(ack.shard, ack.seqNo, ack.epoch);
    this.acks.delete(key);
    this.acks.set(key, ack);
    if (this.acks.size > MAX_ACKS) this.acks.delete(this.acks.keys().next().value!);
  }

  ack(shard: number, seqNo: number, epoch: number): WriteAck | undefined {
    return this.acks.get(ackKey(shard, seqNo, epoch));
  }

  /** Lag of this replica of `shard` behind its leader, in events, as this node last heard. */
  lag(shard: number): number {
    const db = this.db(shard);
    if (db.role === 'leader') return 0;
    return Math.max(0, this.heard[shard]! - db.appliedSeqNo());
  }

  /** Counts a refusal that concerns the whole replication port (every shard's map shows it). */
  refusedOnPort(err: Error & { readonly peer?: string; readonly remote?: string }): void {
    const last = this.refusal(err, err.peer ?? err.remote ?? '?');
    for (const [shard, m] of this.refused.entries()) {
      m[err.name] = (m[err.name] ?? 0) + 1;
      this.lastRefused[shard]![err.name] = last;
    }
  }

  private refusal(err: Error, from: string): Refusal {
    const fields = errorFields(err);
    return { message: err.message, from, atMs: this.clock.nowMs(), ...(fields ? { fields } : {}) };
  }

  /** Starts an anti-entropy round of every shard with every other region (POST /v1/admin/reconcile). */
  reconcileNow(): void {
    for (const db of this.dbs) if (!db.isClosed) db.reconcileNow();
  }

  close(): void {
    for (const db of this.dbs) if (!db.isClosed) db.close();
    for (const s of this.storages) s.close();
  }

  private adopt(r: ShardRecord): void {
    this.cp.adopt(r.shard, {
      leader: r.leader,
      epoch: r.term,
      epochStarts: r.termStarts,
      epochLeaders: r.termLeaders,
    });
  }

  private event(shard: number, e: EngineEvent): void {
    switch (e.type) {
      case 'rejected': {
        const m = this.refused[shard]!;
        m[e.error.name] = (m[e.error.name] ?? 0) + 1;
        this.lastRefused[shard]![e.error.name] = this.refusal(e.error, e.from);
        this.log.warn(
          { shard, from: e.from, err: { name: e.error.name, message: e.error.message } },
          'message refused',
        );
        break;
      }
      case 'epoch': {
        const atMs = this.clock.nowMs();
        const list = this.dropped[shard]!;
        for (const ev of e.dropped) {
          if (list.length >= MAX_DROPPED) list.shift();
          list.push({ term: e.epoch, event: logEventOf(this.schema, ev), atMs });
        }
        this.log.info(
          {
            shard,
            term: e.epoch,
            leader: e.leader,
            wasLeader: e.wasLeader,
            dropped: e.dropped.length,
            droppedSeqNos: e.dropped.slice(0, 50).map((d) => d.seqNo),
          },
          e.dropped.length ? 'adopted a new term; dropped a suffix it does not have' : 'adopted a new term',
        );
        break;
      }
      case 'leader':
        this.log.info({ shard, term: e.epoch, lastSeq: e.lastSeq }, 'leading shard');
        break;
      case 'recovered':
        break;
      default:
        break;
    }
  }
}

function ackKey(shard: number, seqNo: number, epoch: number): string {
  return `${shard}/${seqNo}/${epoch}`;
}
