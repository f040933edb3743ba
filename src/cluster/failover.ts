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

/** A shard's replicas as a failover weighs them, in either mode. */
export interface FailoverCandidates {
  shard: number;
  /** The region leading the shard now. */
  from: string;
  /** Every region holding a replica of the shard. */
  regions: readonly string[];
  up(region: string): boolean;
  /** How much of the shard's log of the current epoch the region's replica holds. */
  held(region: string): number;
}

/**
 * The region to promote: `toRegion` (one of `regions`, checked by the caller), else the live
 * follower holding the longest log of the current epoch. Refused (`FailoverRefusedError`, with
 * what to do) when no follower is up, when `toRegion` leads already or is down, and under
 * 'quorum' acks when too few followers are up to be sure one of them holds every committed
 * write, or when `toRegion` holds less than another live follower.
 */
export function chooseFailoverTarget(c: FailoverCandidates, ackPolicy: AckPolicy, toRegion?: string): string {
  const { shard, from, regions, held } = c;
  const candidates = regions.filter((r) => r !== from && c.up(r));
  if (candidates.length === 0)
    throw new FailoverRefusedError(`shard ${shard} has no live follower to promote`);
  const best = candidates.reduce((a, b) => (held(b) > held(a) ? b : a));
  const target = toRegion ?? best;
  if (target === from) throw new FailoverRefusedError(`${toRegion} already leads shard ${shard}`);
  if (!c.up(target))
    throw new FailoverRefusedError(`${target}/${shard} is down; restart it or promote another replica`);
  if (ackPolicy === 'quorum') {
    // A committed write is on a majority, the old leader perhaps among them; the live
    // followers must be enough that any such majority includes one of them.
    const majority = Math.floor(regions.length / 2) + 1;
    const needed = regions.length - majority + 1;
    if (candidates.length < needed)
      throw new FailoverRefusedError(
        `only ${candidates.length} of shard ${shard}'s followers are up; under quorum acks ${needed} must be, or a committed write could be lost; restart a follower first`,
      );
    if (held(target) < held(best))
      throw new FailoverRefusedError(
        `promoting ${target}/${shard} (applied ${held(target)}) would lose writes ${best}/${shard} has applied (${held(best)}) under quorum acks; promote ${best} or let ${target} catch up`,
      );
  }
  return target;
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
  const node = (region: string): SimulatedNode => replicas.node(region, shard);
  const target = node(
    chooseFailoverTarget(
      {
        shard,
        from,
        regions: replicas.all().flatMap((n) => (n.shardId === shard ? [n.regionId] : [])),
        up: (r) => node(r).up,
        held: (r) => heldSeqNo(replicas, node(r)),
      },
      ackPolicy,
      toRegion === undefined ? undefined : replicas.checkRegion(toRegion),
    ),
  );
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
