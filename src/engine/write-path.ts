/**
 * WritePath: how a replica takes a write once it has judged the write its own (a leader's write,
 * or one accepted locally under accept-local). It answers a retry from the idempotency store,
 * stamps the write, applies it and logs it: a local write at once, under the replica's own
 * origin; a leader's write staged for group commit into the WAL at the end of the instant (at
 * once when durable), then counted by the `CommitTracker` and handed to the shipper.
 */
import { originKey, type BatchCodec, type SignalEvent } from './batch/codec';
import { FLAG_LOCAL } from './batch/header';
import type { Clock } from './clock';
import type { CommitTracker } from './commit-tracker';
import type { ControlPlane } from './control-plane';
import type { HybridClock } from './hlc';
import { fingerprintOf } from './idempotency';
import type { LogApplier, ReplicaData } from './log-applier';
import type { NodeStats } from './replica-parts';
import type { WalShipper } from './replication/shipper';
import type { Wal } from './wal/wal';
import type { WriteAck } from './write-ack';

/** The replica as the write path reads it (`TidalDb` is one): its identity, log, clocks and data. */
export interface WritingReplica extends ReplicaData {
  readonly region: string;
  readonly shard: number;
  readonly codec: BatchCodec;
  readonly wal: Pick<Wal, 'append'>;
  readonly clock: Clock;
  readonly hlc: Pick<HybridClock, 'now'>;
  /** Durable replicas log each write at once instead of at the end of the instant. */
  readonly durable: boolean;
  /** Lag reports (a follower is behind from the moment the leader appends). */
  readonly controlPlane: Pick<ControlPlane, 'lag'> | undefined;
  readonly stats: NodeStats;
  /** The leader's shipper as it is now (undefined on a follower). */
  readonly shipper: Pick<WalShipper, 'notify' | 'maxBatchEvents'> | undefined;
}

/** A write the replica checked and accepted: its names resolved, its keys validated. */
export interface CheckedWrite {
  signal: string;
  /** The signal's index in the schema. */
  sig: number;
  /** '' when the write has no tenant. */
  tenant: string;
  entity: string;
  weight: number;
  /** '' when the write has no idempotency key. */
  key: string;
  timeMs: number | undefined;
  /** Accepted on a non-leader under its own origin (accept-local). */
  local: boolean;
}

export class WritePath {
  private staged: SignalEvent[] = [];
  private originEpoch = 0;
  private origin = '';

  constructor(
    private readonly db: WritingReplica,
    private readonly log: Pick<LogApplier, 'rememberKey'>,
    private readonly commits: Pick<CommitTracker, 'assign' | 'appended' | 'followers' | 'ack'>,
  ) {}

  /** Applies and logs `w` (or answers it as a retry) and returns its ack. */
  write(w: CheckedWrite): WriteAck {
    const { db, commits } = this;
    const now = db.clock.nowMs();
    if (w.key) {
      const fingerprint = fingerprintOf(w.signal, w.entity, w.weight, undefined);
      const prior = db.idempotency.check(w.tenant, w.key, fingerprint, now);
      if (prior)
        return commits.ack(
          prior.seqNo,
          prior.epoch,
          prior.hlc,
          prior.timeMs,
          prior.origin,
          prior.local,
          true,
        );
    }
    const hlc = db.hlc.now();
    if (this.originEpoch !== db.epoch) {
      this.originEpoch = db.epoch; // one origin string per epoch, not one per write
      this.origin = originKey(db.region, db.epoch);
    }
    const origin = this.origin;
    const event: SignalEvent = {
      seqNo: w.local ? 0 : commits.assign(),
      signal: w.sig,
      tenant: w.tenant,
      entity: w.entity,
      weight: w.weight,
      timeMs: w.timeMs ?? now,
      hlc,
      origin,
      originVersion: db.store.nextVersion(w.tenant, w.entity, w.sig, origin),
      idempotencyKey: w.key,
    };
    db.store.apply(event);
    if (w.key) this.log.rememberKey(event, w.signal);
    if (w.local) {
      const bytes = db.codec.encode(db.shard, db.epoch, db.region, FLAG_LOCAL, 0, [event]);
      db.wal.append(bytes, db.codec.header(bytes));
      db.stats.localWrites++;
    } else {
      this.staged.push(event);
      if (db.durable) this.flush();
      commits.appended();
      db.controlPlane?.lag.leaderAppended(db.shard, event.seqNo, now, commits.followers);
      db.shipper?.notify();
    }
    return commits.ack(event.seqNo, db.epoch, hlc, event.timeMs, db.region, w.local, false);
  }

  /** Group commit: staged writes become WAL records (at most one batch's worth each). */
  flush(): void {
    if (this.staged.length === 0) return;
    const { db } = this;
    const max = db.shipper?.maxBatchEvents ?? 512;
    for (let i = 0; i < this.staged.length; i += max) {
      const part = this.staged.slice(i, i + max);
      const bytes = db.codec.encode(db.shard, db.epoch, db.region, 0, part[0]!.seqNo, part);
      db.wal.append(bytes, db.codec.header(bytes));
    }
    this.staged = [];
  }
}
