/**
 * Client sessions (DESIGN §3, Sessions): a session remembers the highest SeqNo per shard it
 * wrote or read (its high-water mark). A replica may serve the session only once it has applied
 * that SeqNo; that gives read-your-writes and monotonic reads. What happens when it has not —
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

export class Session {
  private readonly hwm = new Map<number, number>();
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

  /** The session's high-water mark on `shard` (0 = none). */
  hwmFor(shard: number): number {
    return this.hwm.get(shard) ?? 0;
  }

  /** A replica that applied `appliedSeqNo` of `shard` may serve this session. */
  canReadAt(shard: number, appliedSeqNo: number): boolean {
    return appliedSeqNo >= this.hwmFor(shard);
  }

  /** Records a write acknowledged at `seqNo` (local writes, SeqNo 0, do not move the mark). */
  observeWrite(shard: number, seqNo: number): void {
    this.raise(shard, seqNo);
  }

  /** Records a read served by a replica that had applied `appliedSeqNo`. */
  observeRead(shard: number, appliedSeqNo: number): void {
    this.raise(shard, appliedSeqNo);
  }

  /** Marks only ever rise: that is what makes reads monotonic. */
  private raise(shard: number, seqNo: number): void {
    checkShardId(shard);
    if (!Number.isSafeInteger(seqNo) || seqNo < 0)
      throw new InvalidInputError('SeqNo', seqNo, 'a SeqNo is a non-negative integer (0 = nothing applied)');
    if (seqNo > this.hwmFor(shard)) this.hwm.set(shard, seqNo);
  }
}
