/**
 * WritePath: how a replica takes a write once it has judged the write its own (a leader's write,
 * or one accepted locally under accept-local). It answers a retry from the idempotency store,
 * stamps the write, applies it and logs it: a local write at once, under the replica's own
 * origin; a leader's write staged for group commit into the WAL at the end of the instant (at
 * once when durable), then counted by the `CommitTracker` and handed to the shipper.
 */
import { originKey, type BatchCodec, type SignalEvent } from './batch/codec';
import { FLAG_LOCAL } from './batch/header';
import { StagedWrites } from './batch/staging';
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

export class WritePath {
  private readonly staged: StagedWrites;
  private originEpoch = 0;
  private origin = '';

  constructor(
    private readonly db: WritingReplica,
    private readonly log: Pick<LogApplier, 'rememberKey'>,
    private readonly commits: Pick<CommitTracker, 'assign' | 'appended' | 'followers' | 'ack'>,
  ) {
    this.staged = new StagedWrites(db.codec);
  }

  /**
   * Applies and logs a write the replica checked and accepted (its names resolved, its keys
   * validated), or answers it as a retry, and returns its ack. Plain parameters rather than one
   * object: this runs once per write, and the object would be made for this call alone.
   * @param signal its name; `sig` its index in the schema
   * @param tenant '' when the write has no tenant
   * @param key its idempotency key; '' when it has none
   * @param timeMs its event time; undefined: the replica's clock
   * @param local accepted on a non-leader under its own origin (accept-local)
   */
  write(
    signal: string,
    sig: number,
    tenant: string,
    entity: string,
    weight: number,
    key: string,
    timeMs: number | undefined,
    local: boolean,
  ): WriteAck {
    const { db, commits } = this;
    const now = db.clock.nowMs();
    if (key) {
      const fingerprint = fingerprintOf(signal, entity, weight, undefined);
      const prior = db.idempotency.check(tenant, key, fingerprint, now);
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
    const seqNo = local ? 0 : commits.assign();
    const time = timeMs ?? now;
    // No event object on the way: the store takes the fields, the staging their bytes.
    const originVersion = db.store.applyNext(tenant, entity, sig, origin, weight, time, hlc);
    if (key || local) {
      const event: SignalEvent = {
        seqNo,
        signal: sig,
        tenant,
        entity,
        weight,
        timeMs: time,
        hlc,
        origin,
        originVersion,
        idempotencyKey: key,
      };
      if (key) this.log.rememberKey(event, signal);
      if (local) {
        const bytes = db.codec.encode(db.shard, db.epoch, db.region, FLAG_LOCAL, 0, [event]);
        db.wal.append(bytes, db.codec.header(bytes));
        db.stats.localWrites++;
        return commits.ack(0, db.epoch, hlc, time, db.region, true, false);
      }
    }
    this.staged.add(
      db.shipper?.maxBatchEvents ?? 512,
      seqNo,
      sig,
      tenant,
      entity,
      weight,
      time,
      hlc,
      origin,
      originVersion,
      key,
    );
    if (db.durable) this.flush();
    commits.appended();
    db.controlPlane?.lag.leaderAppended(db.shard, seqNo, now, commits.followers);
    db.shipper?.notify();
    return commits.ack(seqNo, db.epoch, hlc, time, db.region, false, false);
  }

  /** Group commit: staged writes become WAL records (at most one batch's worth each). */
  flush(): void {
    if (this.staged.empty) return;
    const { db } = this;
    this.staged.drain(db.shard, db.epoch, db.region, (bytes) => db.wal.append(bytes, db.codec.header(bytes)));
  }
}
