/**
 * Failover of a real shard: read its leadership record (and mod revision) from etcd, pick the
 * replica to promote as the simulator's `promote` does (the live follower holding the longest log
 * of the current term, with the same refusals under quorum acks), write the next term with a
 * compare-and-swap on the revision read, and wait (bounded) until the promoted node reports it
 * leads in that term. The old leader learns it from its watch of the key and steps down.
 */
import { checkShardId, type AckPolicy, type ControlPlane } from '../engine';
import { chooseFailoverTarget, FailoverRefusedError, type FailoverResult } from '../cluster';
import type { ShardRecord, StatusResponse } from '../server/protocol';
import { nextTerm, type Leadership } from './leadership';
import type { Progress } from './progress';
import { pollUntil } from './wait';

/** How long the promoted node may take to report it leads. Default: 10 s. */
export const PROMOTION_TIMEOUT_MS = 10_000;

/** The part of `status`'s log of `shard` the record's current term agrees with. */
export function heldSeqNo(rec: ShardRecord, status: StatusResponse, shard: number): number {
  const s = status.shards.find((x) => x.shard === shard);
  if (!s) return 0;
  let held = s.appliedSeqNo;
  for (const [term, start] of rec.termStarts) if (term > s.term) held = Math.min(held, start - 1);
  return held;
}

export async function realFailover(
  leadership: Leadership,
  progress: Progress,
  controlPlane: ControlPlane,
  ackPolicy: AckPolicy,
  shard: number,
  toRegion?: string,
): Promise<FailoverResult> {
  checkShardId(shard);
  if (shard >= controlPlane.topology.shardCount)
    throw new FailoverRefusedError(
      `there is no shard ${shard}: the cluster has ${controlPlane.topology.shardCount}`,
    );
  const { record, modRevision } = await leadership.read(shard);
  const from = record.leader;
  const statuses = await progress.poll();
  const regions = progress.regions;
  if (toRegion !== undefined && !regions.includes(toRegion))
    throw new FailoverRefusedError(`${toRegion} is not one of the regions (${regions.join(', ')})`);
  const held = (r: string): number => heldSeqNo(record, statuses.get(r)!, shard);
  const target = chooseFailoverTarget(
    { shard, from, regions, up: (r) => statuses.get(r) !== undefined, held },
    ackPolicy,
    toRegion,
  );
  // Asked again just before the swap: the target may still be applying what the old leader shipped.
  const latest = (await progress.poll()).get(target);
  const startSeqNo = (latest ? heldSeqNo(record, latest, shard) : held(target)) + 1;
  const next = nextTerm(record, target, startSeqNo);
  if (!(await leadership.compareAndSwap(shard, modRevision, next)))
    throw new FailoverRefusedError(
      `shard ${shard}'s leadership record changed while this failover was deciding (another failover won); read it again and retry`,
    );
  // The term is decided once the swap succeeded, whether or not the node is quick to take it up.
  controlPlane.promote(shard, target, startSeqNo);
  await pollUntil(
    async () => {
      const s = (await progress.poll()).get(target)?.shards.find((x) => x.shard === shard);
      return s && s.role === 'leader' && s.term === next.term ? true : undefined;
    },
    {
      timeoutMs: PROMOTION_TIMEOUT_MS,
      everyMs: 50,
      what: `${target}/${shard} reporting it leads term ${next.term}`,
    },
  );
  return { shard, from, to: target, epoch: next.term, startSeqNo };
}
