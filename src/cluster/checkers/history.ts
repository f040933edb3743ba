/**
 * The history of a run: every acknowledged write, every session read, and every event a
 * replica dropped when it truncated a diverged suffix. Checkers judge the run from it.
 */
import type { Hlc, SignalEvent, WriteAck } from '../../engine';

export interface WriteRecord {
  id: number;
  via: string;
  tenant: string;
  entity: string;
  signal: string;
  weight: number;
  timeMs: number;
  shard: number;
  seqNo: number;
  epoch: number;
  hlc: Hlc;
  local: boolean;
  retry: boolean;
  idempotencyKey: string;
  /** The region whose replica accepted it: the shard's leader, or `via` for a local write. */
  acceptedBy: string;
  /** False when the leader applied it but its acknowledgement could not reach the client (a cut). */
  ackReachedClient: boolean;
  /** Whether the write's ack policy held ('pending' until known). */
  committed: boolean | 'pending';
  /** Virtual time the ack policy held (at once under 'leader' acks; null while pending or never). */
  committedAtMs: number | null;
  /** Virtual time of the write. */
  atMs: number;
  /** The accepting replica's physical clock at the write (what its idempotency window is judged by). */
  clockMs: number;
}

export interface ReadRecord {
  session: number;
  region: string;
  servedBy: string;
  /** The shard the session asked (its router's answer). */
  shard: number;
  hwmBefore: number;
  /** The epoch of the session's mark before the read, and the serving replica's epoch. */
  markEpochBefore: number;
  servedEpoch: number;
  servedAppliedSeqNo: number;
  atMs: number;
  tenant: string;
  entity: string;
  signal: string;
  /** The score the client was given (undefined: never written). */
  score: number | undefined;
  /** The replica that served it ("region/shard"), and that replica's shard. */
  servedReplica: string;
  servedShard: number;
  /**
   * Stamps of the acknowledged writes to this (tenant, entity, signal) that the serving replica's
   * log held at the read (SeqNo ≤ its applied SeqNo, the same stamp at that SeqNo).
   */
  held: string[];
  /** Stamps of this session's own acknowledged, replicated writes to the same key, before the read. */
  own: string[];
  /** History writes recorded before the read (the read follows exactly these). */
  writesBefore: number;
}

export interface DroppedRecord {
  replica: string;
  epoch: number;
  event: SignalEvent;
  atMs: number;
}

export function hlcKey(h: Hlc): string {
  return `${h.wallMs}.${h.logical}@${h.node}`;
}

export class History {
  readonly writes: WriteRecord[] = [];
  /** Writes by (tenant, entity, signal), in order: what a read of one key is judged against. */
  private readonly byKey = new Map<string, WriteRecord[]>();
  readonly reads: ReadRecord[] = [];
  readonly dropped: DroppedRecord[] = [];

  /** Quorum writes whose commit is not dated yet, per shard, in SeqNo order. */
  private readonly undated = new Map<number, WriteRecord[]>();

  constructor(readonly enabled = true) {}

  /**
   * Dates the commit of shard `shard`'s writes of `epoch` up to `seqNo` (the leader's 'committed'
   * event, seen as it happens; the ack's promise settles later, after the run yields).
   */
  committedUpTo(shard: number, epoch: number, seqNo: number, atMs: number): void {
    const pending = this.undated.get(shard);
    if (!pending) return;
    let kept = 0;
    for (const w of pending) {
      if (w.epoch === epoch && w.seqNo <= seqNo) w.committedAtMs = atMs;
      else if (w.epoch >= epoch) pending[kept++] = w; // an older epoch's write never commits
    }
    pending.length = kept;
  }

  recordWrite(
    ack: WriteAck,
    w: {
      via: string;
      acceptedBy: string;
      ackReachedClient: boolean;
      tenant: string;
      entity: string;
      signal: string;
      weight: number;
      idempotencyKey: string;
    },
    atMs: number,
    clockMs: number = atMs,
  ): WriteRecord | undefined {
    if (!this.enabled) return undefined;
    const rec: WriteRecord = {
      id: this.writes.length + 1,
      // Field by field rather than a spread of `w` (a spread costs several times more per write).
      via: w.via,
      tenant: w.tenant,
      entity: w.entity,
      signal: w.signal,
      weight: w.weight,
      idempotencyKey: w.idempotencyKey,
      acceptedBy: w.acceptedBy,
      ackReachedClient: w.ackReachedClient,
      timeMs: ack.timeMs,
      shard: ack.shard,
      seqNo: ack.seqNo,
      epoch: ack.epoch,
      hlc: ack.hlc,
      local: ack.local,
      retry: ack.retry,
      committed: ack.local || ack.policy === 'leader' ? true : 'pending',
      committedAtMs: null,
      atMs,
      clockMs,
    };
    if (rec.committed === 'pending') {
      ack.committed.then(
        () => (rec.committed = true),
        () => (rec.committed = false),
      );
      const undated = this.undated.get(rec.shard) ?? [];
      undated.push(rec);
      this.undated.set(rec.shard, undated);
    } else {
      rec.committedAtMs = atMs;
    }
    this.writes.push(rec);
    const k = keyOf(rec.tenant, rec.entity, rec.signal);
    const list = this.byKey.get(k);
    if (list) list.push(rec);
    else this.byKey.set(k, [rec]);
    return rec;
  }

  /** The writes to `tenant`'s `entity` `signal`, in the order they were acknowledged. */
  writesTo(tenant: string, entity: string, signal: string): readonly WriteRecord[] {
    return this.byKey.get(keyOf(tenant, entity, signal)) ?? [];
  }

  recordRead(r: ReadRecord): void {
    if (this.enabled) this.reads.push(r);
  }

  recordDropped(d: DroppedRecord): void {
    this.dropped.push(d);
  }
}

function keyOf(tenant: string, entity: string, signal: string): string {
  return `${tenant}\u0000${entity}\u0000${signal}`;
}
