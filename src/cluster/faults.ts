/**
 * Fault verbs of the cluster beyond partitions (DESIGN §4): network faults per link, clock
 * skew and drift, flapping links, and leader failover. Each is logged and lands on the fault
 * timeline; each has its undo (clear, unskew, stop, fail back).
 */
import { checkShardId } from '../engine';
import { ClusterBase } from './cluster-base';
import { FailoverRefusedError } from './errors';
import type { FlapOptions, Flapping } from './nemesis';
import type { LinkSelector, NetworkFaults } from './network';

export interface FailoverResult {
  shard: number;
  from: string;
  to: string;
  epoch: number;
  /** First SeqNo of the new epoch. */
  startSeqNo: number;
}

export abstract class ClusterFaults extends ClusterBase {
  /** Sets message faults on one directed link, or on all links. */
  setNetworkFaults(faults: NetworkFaults, link?: LinkSelector): void {
    if (link) {
      this.checkRegion(link.from);
      this.checkRegion(link.to);
    }
    for (const [k, v] of Object.entries(faults)) {
      if (k.endsWith('Rate') && (typeof v !== 'number' || v < 0 || v > 1))
        throw new RangeError(`${k} must be a probability from 0 to 1, got ${v}`);
    }
    this.nemesis.setNetworkFaults(faults, link);
  }

  clearNetworkFaults(link?: LinkSelector): void {
    this.nemesis.clearNetworkFaults(link);
  }

  /** Adds `ms` to the physical clocks of every node in `region` (and an optional drift). */
  skewClock(region: string, ms: number, driftMsPerS = 0): void {
    if (!Number.isFinite(ms) || !Number.isFinite(driftMsPerS))
      throw new RangeError(`clock skew must be finite, got ${ms} ms and ${driftMsPerS} ms/s`);
    this.nemesis.skew(this.checkRegion(region), ms, driftMsPerS);
  }

  unskewClock(region: string): void {
    this.nemesis.unskew(this.checkRegion(region));
  }

  /** Cuts and heals the link between two regions on a schedule. */
  flapPartition(a: string, b: string, opts?: FlapOptions): Flapping {
    return this.nemesis.flap(this.checkRegion(a), this.checkRegion(b), opts);
  }

  /** Heals every network fault and clock skew, and restarts crashed replicas. */
  healEverything(): void {
    this.nemesis.healAll(this.regions);
    for (const n of this.allNodes()) if (!n.up) this.restart(n.regionId, n.shardId);
  }

  abstract restart(region: string, shard: number): unknown;

  /**
   * Promotes `shard`'s replica in `toRegion` (default: the live follower with the highest
   * applied SeqNo) and bumps the shard's epoch. Under 'quorum' acks, promoting a replica that
   * has applied less than another live follower is refused: it would lose committed writes.
   */
  async failover(shard: number, toRegion?: string): Promise<FailoverResult> {
    checkShardId(shard);
    const from = this.controlPlane.leaderOf(shard);
    const candidates = this.allNodes().filter((n) => n.shardId === shard && n.regionId !== from && n.up);
    if (candidates.length === 0)
      throw new FailoverRefusedError(`shard ${shard} has no live follower to promote`);
    const best = candidates.reduce((a, b) => (b.db.appliedSeqNo() > a.db.appliedSeqNo() ? b : a));
    const target = toRegion === undefined ? best : this.node(this.checkRegion(toRegion), shard);
    if (target.regionId === from) throw new FailoverRefusedError(`${toRegion} already leads shard ${shard}`);
    if (!target.up)
      throw new FailoverRefusedError(`${target.name} is down; restart it or promote another replica`);
    if (this.ackPolicy === 'quorum' && target.db.appliedSeqNo() < best.db.appliedSeqNo()) {
      throw new FailoverRefusedError(
        `promoting ${target.name} (applied ${target.db.appliedSeqNo()}) would lose writes ${best.name} has applied (${best.db.appliedSeqNo()}) under quorum acks; promote ${best.regionId} or let ${target.regionId} catch up`,
      );
    }
    const startSeqNo = target.db.appliedSeqNo() + 1;
    const epoch = this.controlPlane.promote(shard, target.regionId, startSeqNo);
    target.db.promote(epoch);
    this.nemesis.failedOver(shard, from, target.regionId, epoch);
    this.log.info({ shard, from, to: target.regionId, epoch, startSeqNo }, 'failover');
    return { shard, from, to: target.regionId, epoch, startSeqNo };
  }
}
