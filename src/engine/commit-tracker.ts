/**
 * CommitTracker: a leader's commit counting. It hands out the shard's SeqNos, hears which SeqNo
 * each follower applied (the shipper reports it), and counts a SeqNo committed under the ack
 * policy — under 'leader' as soon as it is logged, under 'quorum' once a majority of the shard's
 * replicas applied it — and so makes each ack's `committed` promise and settles or refuses it.
 * One tracker lives as long as its replica; `lead` starts the count afresh at each epoch it leads.
 */
import { WriteNotCommittedError } from './errors';
import type { Hlc } from './hlc';
import { pendingAck, resolved, type AckPolicy, type WriteAck } from './write-ack';

/** How many of `replicas` replicas (the leader counted) make a majority: ⌊n/2⌋ + 1. */
export function majorityOf(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}

/** What the tracker is told: the shard, the ack policy, and how to report and refuse. */
export interface CommitTrackerContext {
  readonly shard: number;
  readonly ackPolicy: AckPolicy;
  /** Why a write of `epoch` can no longer commit here (deposed, stopped), or undefined while it can. */
  whyNotCommittable(epoch: number): string | undefined;
  /** The leader now counts every SeqNo up to `seqNo` as committed (reported under 'quorum' only). */
  committed(seqNo: number): void;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class CommitTracker {
  /**
   * Test-only seam: the majority rule the 'quorum' count uses, `majorityOf` unless replaced. The
   * simulator's `quorum-miscounts` bug switch (src/sim/bugs.ts) replaces it with a wrong one to
   * prove the quorum checker can fail; product code never assigns it.
   */
  majority: (replicas: number) => number = majorityOf;
  private lastAssignedSeq = 0;
  private commitIndex = 0;
  private followerList: readonly string[] = [];
  private followerSeq = new Map<string, number>();
  private waiters: Waiter[] = [];
  private readonly seqs: number[] = [];

  constructor(private readonly c: CommitTrackerContext) {}

  /** Starts leading with the log at `lastSeq` and `followers` to count (a new epoch). */
  lead(lastSeq: number, followers: readonly string[]): void {
    this.lastAssignedSeq = lastSeq;
    this.commitIndex = this.c.ackPolicy === 'leader' ? lastSeq : 0;
    this.followerSeq = new Map();
    this.followerList = followers;
  }

  /** The replicas this leader counts besides itself. */
  get followers(): readonly string[] {
    return this.followerList;
  }

  /** The last SeqNo handed out (the head of the leader's log). */
  get lastAssigned(): number {
    return this.lastAssignedSeq;
  }

  /** Highest SeqNo known committed under the ack policy. */
  get committedSeqNo(): number {
    return this.commitIndex;
  }

  /** How many `committed` promises wait for a count still to come (each leaves once settled). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Hands out the next SeqNo. */
  assign(): number {
    return ++this.lastAssignedSeq;
  }

  /** The leader logged everything it assigned: committed at once under 'leader'; counted under 'quorum'. */
  appended(): void {
    if (this.c.ackPolicy === 'leader') this.commitIndex = this.lastAssignedSeq;
    else this.advance(); // a replica with no followers is its own majority
  }

  /** A follower confirmed `seq` in the current epoch (the shipper reports it). */
  followerApplied(region: string, seq: number): void {
    this.followerSeq.set(region, seq);
    if (this.c.ackPolicy === 'quorum') this.advance();
  }

  /** The ack of a write; its `committed` promise is made only when someone asks for it. */
  ack(
    seqNo: number,
    epoch: number,
    hlc: Hlc,
    timeMs: number,
    origin: string,
    local: boolean,
    retry: boolean,
  ): WriteAck {
    const policy = this.c.ackPolicy;
    const shard = this.c.shard;
    // The settled ack (every write under 'leader') is one literal: no fields object to copy from.
    if (local || (policy === 'leader' && seqNo <= this.commitIndex))
      return { shard, seqNo, epoch, hlc, timeMs, origin, local, policy, retry, committed: resolved() };
    const fields = { shard, seqNo, epoch, hlc, timeMs, origin, local, policy, retry };
    return pendingAck(fields, () => this.commitment(seqNo, epoch));
  }

  /** Refuses every write still waiting to commit, because `reason` (the leader was deposed, stopped). */
  refuseWaiting(reason: string): void {
    for (const w of this.waiters) w.reject(new WriteNotCommittedError(this.c.shard, w.seq, reason));
    this.waiters = [];
  }

  /** Under 'quorum': the highest SeqNo a majority of the shard's replicas applied is committed. */
  private advance(): void {
    // Runs per write and per ack: the SeqNos go into one reused array, sorted in place (a few).
    const seqs = this.seqs;
    seqs.length = 0;
    seqs.push(this.lastAssignedSeq);
    for (const r of this.followerList) seqs.push(this.followerSeq.get(r) ?? 0);
    for (let i = 1; i < seqs.length; i++) {
      const v = seqs[i]!;
      let j = i - 1;
      for (; j >= 0 && seqs[j]! < v; j--) seqs[j + 1] = seqs[j]!;
      seqs[j + 1] = v;
    }
    const idx = seqs[this.majority(seqs.length) - 1]!;
    if (idx <= this.commitIndex) return;
    this.commitIndex = idx;
    this.c.committed(idx);
    if (this.waiters.length === 0) return;
    // Waiters are made lazily (when someone asks for `committed`), so they need not be in order.
    const due = this.waiters.filter((w) => w.seq <= idx);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.seq > idx);
    for (const w of due) w.resolve();
  }

  /** A promise for the ack policy holding for `seqNo` of `epoch` (made only when someone asks). */
  private commitment(seqNo: number, epoch: number): Promise<void> {
    if (seqNo <= this.commitIndex) return resolved();
    const reason = this.c.whyNotCommittable(epoch);
    const p = reason
      ? Promise.reject(new WriteNotCommittedError(this.c.shard, seqNo, reason))
      : new Promise<void>((resolve, reject) => this.waiters.push({ seq: seqNo, resolve, reject }));
    p.catch(() => undefined);
    return p;
  }
}
