/**
 * Client sessions (DESIGN §3, Sessions): a session remembers, per shard, the newest point of the
 * shard's log it wrote or read (its high-water mark): an epoch and a SeqNo in it. A replica may
 * serve the session only once it has reached that epoch and applied that SeqNo; that gives
 * read-your-writes and monotonic reads. The epoch matters after a failover: a deposed leader that
 * has not heard of the new epoch may have applied SeqNos beyond the session's write, on a branch
 * the new epoch cut away. So a mark is the highest epoch and the highest SeqNo the session saw, and
 * a replica must have reached both: conservative (after a failover that lost writes, a read may
 * wait for the new epoch's log to pass the lost SeqNos, or be refused as stale), never wrong. What happens when it has not —
 * wait (bounded) or redirect to the leader — is the session's policy; the waiting itself belongs
 * to whoever moves time (the simulator).
 */

import { InvalidInputError } from './errors';
import { checkShardId } from './ids';

export type SessionPolicy = 'wait' | 'redirect';

export interface SessionOptions {
  /** Default: 'wait'. */
  policy?: SessionPolicy;
  /** Bound on a 'wait' read, in ms of (virtual) time. Default: 1000 ms. */
  timeoutMs?: number;
}

/** A point of a shard's log: a SeqNo of an epoch's lineage. */
export interface LogMark {
  epoch: number;
  seqNo: number;
}

const NO_MARK: LogMark = { epoch: 0, seqNo: 0 };

export class Session {
  private readonly hwm = new Map<number, LogMark>();
  readonly policy: SessionPolicy;
  readonly timeoutMs: number;

  constructor(opts: SessionOptions = {}) {
    this.policy = opts.policy ?? 'wait';
    this.timeoutMs = opts.timeoutMs ?? 1_000;
    if (this.policy !== 'wait' && this.policy !== 'redirect')
      throw new InvalidInputError('session policy', this.policy, "a session policy is 'wait' or 'redirect'");
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs < 0)
      throw new InvalidInputError(
        'session timeoutMs',
        this.timeoutMs,
        'a finite, non-negative number of ms (how long a read waits for a lagging replica)',
      );
  }

  /** The SeqNo of the session's high-water mark on `shard` (0 = none). */
  hwmFor(shard: number): number {
    return this.markFor(shard).seqNo;
  }

  /** The session's high-water mark on `shard`: epoch and SeqNo (0 and 0 = none). */
  markFor(shard: number): LogMark {
    return this.hwm.get(shard) ?? NO_MARK;
  }

  /** A replica of `shard` at `epoch` that applied `appliedSeqNo` may serve this session. */
  canReadAt(shard: number, appliedSeqNo: number, epoch: number): boolean {
    const m = this.markFor(shard);
    return epoch >= m.epoch && appliedSeqNo >= m.seqNo;
  }

  /** Records a write acknowledged at `seqNo` of `epoch` (local writes, SeqNo 0, do not move the mark). */
  observeWrite(shard: number, seqNo: number, epoch: number): void {
    this.raise(shard, seqNo, epoch);
  }

  /** Records a read served by a replica at `epoch` that had applied `appliedSeqNo`. */
  observeRead(shard: number, appliedSeqNo: number, epoch: number): void {
    this.raise(shard, appliedSeqNo, epoch);
  }

  /** Marks only ever rise: that is what makes reads monotonic. */
  private raise(shard: number, seqNo: number, epoch: number): void {
    checkShardId(shard);
    if (!Number.isSafeInteger(seqNo) || seqNo < 0)
      throw new InvalidInputError('SeqNo', seqNo, 'a SeqNo is a non-negative integer (0 = nothing applied)');
    if (!Number.isSafeInteger(epoch) || epoch < 1)
      throw new InvalidInputError('epoch', epoch, 'an epoch is a positive integer (the first is 1)');
    if (seqNo === 0) return; // nothing applied, or a local write: no point of the log
    const m = this.markFor(shard);
    this.hwm.set(shard, { epoch: Math.max(epoch, m.epoch), seqNo: Math.max(seqNo, m.seqNo) });
  }
}
