/**
 * Failover: promoting a follower of a shard to lead it, in a new epoch. The control plane
 * fences the old leader (its later batches carry an older epoch and are refused); a replica
 * that missed an earlier failover first drops the suffix that epoch never had. Under 'quorum'
 * acks a failover that could lose a committed write is refused with a reason and what to do.
 */
import { checkShardId, type AckPolicy } from '../engine';
import { FailoverRefusedError } from './errors';
import type { SimulatedNode } from './node';
import type { Replicas } from './replicas';

export interface FailoverResult {
  shard: number;
  from: string;
  to: string;
  epoch: number;
  /** First SeqNo of the new epoch. */
  startSeqNo: number;
}

/**
 * Promotes `shard`'s replica in `toRegion` (default: the live follower holding the longest log
 * of the current epoch) and bumps the shard's epoch. Under 'quorum' acks it refuses when too few
 * followers are up to be sure one of them holds every committed write, or when the named
 * replica holds less than another live follower.
 */
export function promote(
  replicas: Replicas,
  ackPolicy: AckPolicy,
  shard: number,
  toRegion?: string,
): FailoverResult {
  checkShardId(shard);
  const cp = replicas.controlPlane;
  const from = cp.leaderOf(shard);
  const members = replicas.all().filter((n) => n.shardId === shard);
  const candidates = members.filter((n) => n.regionId !== from && n.up);
  if (candidates.length === 0)
    throw new FailoverRefusedError(`shard ${shard} has no live follower to promote`);
  const held = (n: SimulatedNode): number => heldSeqNo(replicas, n);
  const best = candidates.reduce((a, b) => (held(b) > held(a) ? b : a));
  const target = toRegion === undefined ? best : replicas.node(replicas.checkRegion(toRegion), shard);
  if (target.regionId === from) throw new FailoverRefusedError(`${toRegion} already leads shard ${shard}`);
  if (!target.up)
    throw new FailoverRefusedError(`${target.name} is down; restart it or promote another replica`);
  if (ackPolicy === 'quorum') {
    // A committed write is on a majority, the old leader perhaps among them; the live
    // followers must be enough that any such majority includes one of them.
    const majority = Math.floor(members.length / 2) + 1;
    const needed = members.length - majority + 1;
    if (candidates.length < needed)
      throw new FailoverRefusedError(
        `only ${candidates.length} of shard ${shard}'s followers are up; under quorum acks ${needed} must be, or a committed write could be lost; restart a follower first`,
      );
    if (held(target) < held(best))
      throw new FailoverRefusedError(
        `promoting ${target.name} (applied ${held(target)}) would lose writes ${best.name} has applied (${held(best)}) under quorum acks; promote ${best.regionId} or let ${target.regionId} catch up`,
      );
  }
  target.db.adoptEpoch(cp.epochOf(shard), from);
  const startSeqNo = target.db.appliedSeqNo() + 1;
  const epoch = cp.promote(shard, target.regionId, startSeqNo);
  target.db.promote(epoch);
  return { shard, from, to: target.regionId, epoch, startSeqNo };
}

/**
 * The part of a replica's log that the shard's current epoch agrees with: its applied SeqNo,
 * cut at the fork point of any epoch it has not seen yet.
 */
function heldSeqNo(replicas: Replicas, n: SimulatedNode): number {
  const cp = replicas.controlPlane;
  let held = n.db.appliedSeqNo();
  const current = cp.epochOf(n.shardId);
  for (let e = n.db.epoch + 1; e <= current; e++) {
    const start = cp.epochStart(n.shardId, e);
    if (start !== undefined) held = Math.min(held, start - 1);
  }
  return held;
}
