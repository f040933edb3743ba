/**
 * How far each replica has got, as the nodes report it (GET /v1/status): applied SeqNos, lag
 * behind each shard's leader, and convergence — every live replica of a shard at its leader's
 * applied SeqNo with the leader's state digest. A node that is down keeps its last answer (its
 * WAL survives, as a crashed replica's does in the simulator) and counts as not converged.
 */
import type { ControlPlane } from '../engine';
import type { LaggingReplica } from '../cluster';
import type { ShardStatus, StatusResponse } from '../server/protocol';
import type { Supervisor } from './supervisor';

export class Progress {
  /** The last status each region's node answered. */
  private readonly last = new Map<string, StatusResponse>();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly controlPlane: ControlPlane,
    readonly regions: readonly string[],
  ) {}

  /** Every region's status now (undefined where its node is down or silent), remembered. */
  async poll(timeoutMs = 1_000): Promise<Map<string, StatusResponse | undefined>> {
    const answers = await Promise.all(this.regions.map((r) => this.supervisor.status(r, timeoutMs)));
    const out = new Map<string, StatusResponse | undefined>();
    this.regions.forEach((r, i) => {
      const s = answers[i];
      if (s) this.last.set(r, s);
      out.set(r, s);
    });
    return out;
  }

  lastStatus(region: string): StatusResponse | undefined {
    return this.last.get(region);
  }

  shardOf(
    region: string,
    shard: number,
    statuses?: Map<string, StatusResponse | undefined>,
  ): ShardStatus | undefined {
    const s = statuses ? statuses.get(region) : this.last.get(region);
    return s?.shards.find((x) => x.shard === shard);
  }

  async appliedSeqNo(region: string): Promise<number> {
    await this.poll();
    const s = this.last.get(region);
    return s ? s.shards.reduce((sum, x) => sum + x.appliedSeqNo, 0) : 0;
  }

  async lagOf(region: string, shard: number): Promise<number> {
    const statuses = await this.poll();
    return this.lagIn(statuses, region, shard);
  }

  /** Events `region`'s replica of `shard` is behind the shard's leader, in these statuses (last known for a down node). */
  lagIn(statuses: Map<string, StatusResponse | undefined>, region: string, shard: number): number {
    const leader = this.controlPlane.leaderOf(shard);
    const lead = this.shardOf(leader, shard, statuses) ?? this.shardOf(leader, shard);
    const mine = this.shardOf(region, shard, statuses) ?? this.shardOf(region, shard);
    return Math.max(0, (lead?.appliedSeqNo ?? 0) - (mine?.appliedSeqNo ?? 0));
  }

  async lagging(): Promise<LaggingReplica[]> {
    return this.laggingIn(await this.poll());
  }

  async converged(): Promise<boolean> {
    return (await this.lagging()).length === 0;
  }

  /** Replicas not yet converged: behind their leader, with another digest, or down. */
  laggingIn(statuses: Map<string, StatusResponse | undefined>): LaggingReplica[] {
    const out: LaggingReplica[] = [];
    for (let shard = 0; shard < this.controlPlane.topology.shardCount; shard++) {
      const leader = this.controlPlane.leaderOf(shard);
      const lead = this.shardOf(leader, shard, statuses);
      for (const region of this.regions) {
        const up = statuses.get(region) !== undefined;
        const mine = this.shardOf(region, shard, statuses) ?? this.shardOf(region, shard);
        const leaderSeqNo = lead?.appliedSeqNo ?? this.shardOf(leader, shard)?.appliedSeqNo ?? 0;
        const appliedSeqNo = mine?.appliedSeqNo ?? 0;
        const digestMatches = lead !== undefined && mine !== undefined && mine.digest === lead.digest;
        const leads = region === leader;
        const ok = leads
          ? up && mine?.role === 'leader'
          : up && lead !== undefined && appliedSeqNo === leaderSeqNo && digestMatches;
        if (!ok)
          out.push({
            replica: `${region}/${shard}`,
            lagEvents: Math.max(0, leaderSeqNo - appliedSeqNo),
            appliedSeqNo,
            leaderSeqNo,
            digestMatches,
            up,
          });
      }
    }
    return out;
  }
}
