/**
 * Client sessions (DESIGN §3, Sessions): a session remembers the highest SeqNo per shard it
 * wrote or read (its high-water mark). A replica may serve the session only once it has applied
 * that SeqNo; that gives read-your-writes and monotonic reads. What happens when it has not —
 * wait (bounded) or redirect to the leader — is the session's policy; the waiting itself belongs
 * to whoever moves time (the simulator).
 */

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
    if (seqNo > this.hwmFor(shard)) this.hwm.set(shard, seqNo);
  }

  /** Records a read served by a replica that had applied `appliedSeqNo`. */
  observeRead(shard: number, appliedSeqNo: number): void {
    if (appliedSeqNo > this.hwmFor(shard)) this.hwm.set(shard, appliedSeqNo);
  }

  /** Every shard's mark, for reports. */
  marks(): Record<number, number> {
    return Object.fromEntries(this.hwm);
  }
}
