/**
 * Fault verbs of the cluster beyond partitions (DESIGN §4): network faults per link, clock
 * skew and drift, flapping links, and leader failover. Each is logged and lands on the fault
 * timeline; each has its undo (clear, unskew, stop, fail back).
 */
import { checkShardId } from '../engine';
import { ClusterBase } from './cluster-base';
import { FailoverRefusedError } from './errors';
import type { FlapOptions, Flapping } from './nemesis';
import type { SimulatedNode } from './node';
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
   * Promotes `shard`'s replica in `toRegion` (default: the live follower holding the longest
   * log of the current epoch) and bumps the shard's epoch. Under 'quorum' acks a failover that
   * could lose a committed write is refused: too few followers are up to be sure one of them
   * holds every committed write, or the named replica holds less than another live follower.
   */
  async failover(shard: number, toRegion?: string): Promise<FailoverResult> {
    checkShardId(shard);
    const from = this.controlPlane.leaderOf(shard);
    const replicas = this.allNodes().filter((n) => n.shardId === shard);
    const candidates = replicas.filter((n) => n.regionId !== from && n.up);
    if (candidates.length === 0)
      throw new FailoverRefusedError(`shard ${shard} has no live follower to promote`);
    const held = (n: SimulatedNode): number => this.heldSeqNo(n);
    const best = candidates.reduce((a, b) => (held(b) > held(a) ? b : a));
    const target = toRegion === undefined ? best : this.node(this.checkRegion(toRegion), shard);
    if (target.regionId === from) throw new FailoverRefusedError(`${toRegion} already leads shard ${shard}`);
    if (!target.up)
      throw new FailoverRefusedError(`${target.name} is down; restart it or promote another replica`);
    if (this.ackPolicy === 'quorum') {
      // A committed write is on a majority, the old leader perhaps among them; the live
      // followers must be enough that any such majority includes one of them.
      const majority = Math.floor(replicas.length / 2) + 1;
      const needed = replicas.length - majority + 1;
      if (candidates.length < needed)
        throw new FailoverRefusedError(
          `only ${candidates.length} of shard ${shard}'s followers are up; under quorum acks ${needed} must be, or a committed write could be lost; restart a follower first`,
        );
      if (held(target) < held(best))
        throw new FailoverRefusedError(
          `promoting ${target.name} (applied ${held(target)}) would lose writes ${best.name} has applied (${held(best)}) under quorum acks; promote ${best.regionId} or let ${target.regionId} catch up`,
        );
    }
    // A replica that missed an earlier failover first drops the suffix that epoch never had.
    target.db.adoptEpoch(this.controlPlane.epochOf(shard), from);
    const startSeqNo = target.db.appliedSeqNo() + 1;
    const epoch = this.controlPlane.promote(shard, target.regionId, startSeqNo);
    target.db.promote(epoch);
    this.nemesis.failedOver(shard, from, target.regionId, epoch);
    this.failovers.push({ shard, atMs: this.now(), from, to: target.regionId, epoch });
    this.log.info({ shard, from, to: target.regionId, epoch, startSeqNo }, 'failover');
    return { shard, from, to: target.regionId, epoch, startSeqNo };
  }

  /**
   * The part of a replica's log that the shard's current epoch agrees with: its applied SeqNo,
   * cut at the fork point of any epoch it has not seen yet.
   */
  private heldSeqNo(n: SimulatedNode): number {
    let held = n.db.appliedSeqNo();
    const current = this.controlPlane.epochOf(n.shardId);
    for (let e = n.db.epoch + 1; e <= current; e++) {
      const start = this.controlPlane.epochStart(n.shardId, e);
      if (start !== undefined) held = Math.min(held, start - 1);
    }
    return held;
  }
}
